// Lower convex hulls and the LP bounds of suffixes of the pools (see detail/hull.hpp).
#include "dcplan/portfolio/detail/hull.hpp"

namespace dcplan::detail {

hull hull_of_sorted(const std::vector<hull_point>& pts) {
  hull h;
  for (const hull_point& p : pts) {
    const double f = p.f, c = p.c;
    if (f <= h.f.back()) continue; // equal FLOP/s: the cheapest came first
    while (h.f.size() >= 2) {
      const std::size_t n = h.f.size();
      const double cross = (h.f[n - 1] - h.f[n - 2]) * (c - h.c[n - 2]) -
                           (h.c[n - 1] - h.c[n - 2]) * (f - h.f[n - 2]);
      if (cross > 0) break;
      h.f.pop_back();
      h.c.pop_back();
      h.pos.pop_back();
    }
    h.f.push_back(f);
    h.c.push_back(c);
    h.pos.push_back(p.pos);
  }
  return h;
}

hull lower_hull(std::vector<hull_point> pts) {
  std::sort(pts.begin(), pts.end());
  return hull_of_sorted(pts);
}

std::vector<suffix_bound> suffix_bounds(const std::vector<const hull*>& hulls) {
  std::vector<slope_segment> segs;
  merge_by_slope(
      hulls.size(), [&](std::size_t i) -> const hull& { return *hulls[i]; }, slope_ties::pool_order,
      segs);
  std::vector<suffix_bound> out(hulls.size() + 1);
  for (std::size_t i = 0; i < hulls.size(); ++i) {
    suffix_bound& b = out[i];
    for (const slope_segment& s : segs) {
      if (s.pool < i) continue;
      b.cum_f.push_back(b.cum_f.back() + s.df);
      b.cum_c.push_back(b.cum_c.back() + s.dc);
      b.slope.push_back(s.slope);
    }
  }
  return out;
}

} // namespace dcplan::detail
