#pragma once
// Hulls and LP bounds (MODEL.md "Portfolios"). The LP relaxation of the multiple-choice
// covering problem is solved greedily: each pool's lower convex hull of (FLOP/s, cost) from the
// origin, and every hull segment of the remaining pools taken in order of cost per FLOP/s until
// the remaining target is covered.
#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

namespace dcplan::detail {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Bounds are computed in floating point; they prune only when still above the incumbent after
// being lowered by this relative margin, so rounding never cuts off the optimum.
constexpr double kSafe = 1e-10;

// The lower convex hull of (FLOP/s, cost) with the origin: the LP value of one pool, the least
// cost of a fraction of its plans giving x FLOP/s (non-decreasing, as costs are non-negative).
// `pos` names the plan at each vertex (kNoPlan at the origin).
constexpr std::size_t kNoPlan = ~std::size_t{0};
struct hull {
  std::vector<double> f{0.0}, c{0.0};
  std::vector<std::size_t> pos{kNoPlan};
  double at(double x) const {
    if (x <= 0) return 0;
    if (x > f.back()) return kInf;
    const auto j = static_cast<std::size_t>(std::lower_bound(f.begin(), f.end(), x) - f.begin());
    if (f[j] == x) return c[j];
    return c[j - 1] + (x - f[j - 1]) * ((c[j] - c[j - 1]) / (f[j] - f[j - 1]));
  }
};

struct hull_point {
  double f, c;
  std::size_t pos;
  bool operator<(const hull_point& o) const {
    if (f != o.f) return f < o.f;
    if (c != o.c) return c < o.c;
    return pos < o.pos;
  }
};

// The hull of points already sorted (by FLOP/s, then cost, then position).
hull hull_of_sorted(const std::vector<hull_point>& pts);
// The hull of points in any order.
hull lower_hull(std::vector<hull_point> pts);

// One segment of a pool's hull: from vertex k - 1 to vertex k of pool `pool`.
struct slope_segment {
  double slope, df, dc;
  std::size_t pool, k;
};

// How segments of equal slope are ordered. Either order gives the same LP value in exact
// arithmetic; each caller keeps the one its double sums have always used.
enum class slope_ties {
  pool_order,  // by pool, then vertex (the suffix bounds, the LP's rounding)
  smaller_step // by FLOP/s, then cost (the root bound at trial prices)
};

// The segments of every hull merged by slope, cost per FLOP/s, into `out` (cleared first):
// the LP's order of taking them. `hull_of(i)` gives pool i's hull, for i < n.
template <class HullOf>
void merge_by_slope(std::size_t n, HullOf hull_of, slope_ties ties,
                    std::vector<slope_segment>& out) {
  out.clear();
  for (std::size_t i = 0; i < n; ++i) {
    const hull& h = hull_of(i);
    for (std::size_t k = 1; k < h.f.size(); ++k) {
      const double df = h.f[k] - h.f[k - 1], dc = h.c[k] - h.c[k - 1];
      out.push_back({dc / df, df, dc, i, k});
    }
  }
  if (ties == slope_ties::pool_order) {
    // Generated in pool and vertex order, which a stable sort keeps among equal slopes.
    std::stable_sort(out.begin(), out.end(), [](const slope_segment& a, const slope_segment& b) {
      return a.slope < b.slope;
    });
    return;
  }
  std::sort(out.begin(), out.end(), [](const slope_segment& a, const slope_segment& b) {
    if (a.slope < b.slope) return true;
    if (b.slope < a.slope) return false;
    if (a.df < b.df) return true;
    if (b.df < a.df) return false;
    return a.dc < b.dc;
  });
}

// The LP bound of a set of pools: their hull segments merged by cost per FLOP/s.
struct suffix_bound {
  std::vector<double> cum_f{0.0}, cum_c{0.0}, slope{0.0};
  double at(double r) const {
    if (r <= 0) return 0;
    if (r > cum_f.back()) return r > cum_f.back() * (1 + kSafe) ? kInf : cum_c.back();
    const auto j =
        static_cast<std::size_t>(std::lower_bound(cum_f.begin(), cum_f.end(), r) - cum_f.begin());
    return cum_c[j - 1] + (r - cum_f[j - 1]) * slope[j];
  }
  // The LP's price per FLOP/s at r: the slope of the segment that covers it (kInf past the
  // last segment).
  double price_at(double r) const {
    if (r > cum_f.back()) return kInf;
    const auto j =
        static_cast<std::size_t>(std::lower_bound(cum_f.begin(), cum_f.end(), r) - cum_f.begin());
    return slope[j];
  }
};

// The LP bounds of every suffix of the pools: out[i] covers pools i, i + 1, ... (out[k] none).
// The hull segments are merged once; each suffix keeps those of its pools in that order.
std::vector<suffix_bound> suffix_bounds(const std::vector<const hull*>& hulls);

} // namespace dcplan::detail
