// The exact portfolio optimizer (MODEL.md "Portfolios"): one member or none per pool, the least
// summed objective meeting the target within the budgets. The LP relaxation of this
// multiple-choice covering problem bounds every partial portfolio; it is solved greedily: each
// pool's lower convex hull of (FLOP/s, cost) from the origin, and every hull segment of the
// remaining pools taken in order of cost per FLOP/s until the remaining target is covered.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <iterator>
#include <map>
#include <optional>

#include <omp.h>

#include "dcplan/model/errors.hpp"
#include "dcplan/portfolio/portfolio.hpp"

namespace dcplan {
namespace {

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
    const std::size_t j = static_cast<std::size_t>(std::lower_bound(f.begin(), f.end(), x) - f.begin());
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
hull hull_of_sorted(const std::vector<hull_point>& pts) {
  hull h;
  for (const hull_point& p : pts) {
    const double f = p.f, c = p.c;
    if (f <= h.f.back()) continue;  // equal FLOP/s: the cheapest came first
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

// The maximum of a concave function g on [lo, hi] by golden-section search in `steps` steps:
// the better of the last two points, and g there.
template <class G>
std::pair<double, double> golden_max(G g, double lo, double hi, int steps) {
  const double phi = 0.6180339887498949;
  double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo), ga = g(a), gb = g(b);
  for (int it = 0; it < steps; ++it) {
    if (ga < gb) {
      lo = a;
      a = b;
      ga = gb;
      b = lo + phi * (hi - lo);
      gb = g(b);
    } else {
      hi = b;
      b = a;
      gb = ga;
      a = hi - phi * (hi - lo);
      ga = g(a);
    }
  }
  return ga > gb ? std::pair{a, ga} : std::pair{b, gb};
}

// The LP bound of a set of pools: their hull segments merged by cost per FLOP/s.
struct suffix_bound {
  std::vector<double> cum_f{0.0}, cum_c{0.0}, slope{0.0};
  double at(double r) const {
    if (r <= 0) return 0;
    if (r > cum_f.back()) return r > cum_f.back() * (1 + kSafe) ? kInf : cum_c.back();
    const std::size_t j =
        static_cast<std::size_t>(std::lower_bound(cum_f.begin(), cum_f.end(), r) - cum_f.begin());
    return cum_c[j - 1] + (r - cum_f[j - 1]) * slope[j];
  }
};

// The LP bounds of every suffix of the pools: out[i] covers pools i, i + 1, ... (out[k] none).
// The hull segments are sorted once; each suffix keeps those of its pools in that order.
std::vector<suffix_bound> suffix_bounds(const std::vector<const hull*>& hulls) {
  struct seg {
    double slope, df, dc;
    std::size_t pool;
  };
  std::vector<seg> segs;
  for (std::size_t i = 0; i < hulls.size(); ++i)
    for (std::size_t k = 1; k < hulls[i]->f.size(); ++k) {
      const double df = hulls[i]->f[k] - hulls[i]->f[k - 1], dc = hulls[i]->c[k] - hulls[i]->c[k - 1];
      segs.push_back({dc / df, df, dc, i});
    }
  std::stable_sort(segs.begin(), segs.end(), [](const seg& a, const seg& b) { return a.slope < b.slope; });
  std::vector<suffix_bound> out(hulls.size() + 1);
  for (std::size_t i = 0; i < hulls.size(); ++i) {
    suffix_bound& b = out[i];
    for (const seg& s : segs) {
      if (s.pool < i) continue;
      b.cum_f.push_back(b.cum_f.back() + s.df);
      b.cum_c.push_back(b.cum_c.back() + s.dc);
      b.slope.push_back(s.slope);
    }
  }
  return out;
}

// Exact sums. Every double is an integer multiple of a power of two, its quantum; counted in
// the smallest quantum of a set of figures, the figures' sum is an exact integer, the same in any
// order of addition. So portfolios compare by their true sums (MODEL.md "Portfolios": the true
// minimum, ties broken by members and keys), whatever order the optimizer takes the pools in, and
// each reported sum is the true sum rounded once to double.
using wide = __int128;
enum figure : int { kObj, kCapex, kTco, kFlops, kFigures };

double figure_of(const pool_candidate& r, int k) {
  switch (k) {
    case kObj: return r.obj;
    case kCapex: return r.capex;
    case kTco: return r.tco;
    default: return r.flops;
  }
}

// The quantum exponent of one figure over `items`: the least ulp among them, coarsened only when
// the largest sum would not fit 125 bits (figures spanning over 2^60 in size; never in practice).
template <class It>
int quantum_of(It first, It last, int k, std::size_t terms) {
  int lo = std::numeric_limits<int>::max(), hi = std::numeric_limits<int>::min();
  for (It it = first; it != last; ++it) {
    const double v = figure_of(*it, k);
    if (v == 0 || !std::isfinite(v)) continue;
    const int e = std::ilogb(v);
    lo = std::min(lo, e - std::numeric_limits<double>::digits + 1);
    hi = std::max(hi, e);
  }
  if (lo == std::numeric_limits<int>::max()) return 0;
  int bits = 1;
  while ((std::size_t{1} << bits) <= terms + 1) ++bits;
  return std::max(lo, hi + 1 + bits - 125);
}

wide to_wide(double v, int q) { return static_cast<wide>(std::nearbyint(std::ldexp(v, -q))); }
double to_double(wide w, int q) { return std::ldexp(static_cast<double>(w), q); }
// The least integer count of quanta at or above v, and the greatest at or below it (for the
// target and the budgets: an exact sum S*2^q meets v exactly when S meets these).
wide wide_ceil(double v, int q) {
  const double x = std::ceil(std::ldexp(v, -q));
  return x >= 0x1p126 ? wide{1} << 126 : x <= -0x1p126 ? -(wide{1} << 126) : static_cast<wide>(x);
}
wide wide_floor(double v, int q) {
  const double x = std::floor(std::ldexp(v, -q));
  return x >= 0x1p126 ? wide{1} << 126 : x <= -0x1p126 ? -(wide{1} << 126) : static_cast<wide>(x);
}

struct quanta {
  int q[kFigures] = {0, 0, 0, 0};
  quanta() = default;
  template <class It>
  quanta(It first, It last, std::size_t terms) {
    for (int k = 0; k < kFigures; ++k) q[k] = quantum_of(first, last, k, terms);
  }
};

wide exact_sum(const std::vector<pool_candidate>& m, int k, int q) {
  wide s = 0;
  for (const auto& r : m) s += to_wide(figure_of(r, k), q);
  return s;
}

bool keys_less(const std::vector<pool_candidate>& a, const std::vector<pool_candidate>& b) {
  std::vector<rank_key> ka, kb;
  for (const auto& m : a) ka.push_back(key_of(m));
  for (const auto& m : b) kb.push_back(key_of(m));
  std::sort(ka.begin(), ka.end(), rank_less);
  std::sort(kb.begin(), kb.end(), rank_less);
  return std::lexicographical_compare(ka.begin(), ka.end(), kb.begin(), kb.end(), rank_less);
}

// MODEL.md "Portfolios": the figures of a set of members (listed in pool order), each the exact
// sum rounded once; feasibility is decided on the exact sums.
portfolio_solution evaluate_members(std::vector<pool_candidate> m, const portfolio_problem& p,
                                    double required) {
  std::sort(m.begin(), m.end(), [](const pool_candidate& x, const pool_candidate& y) { return x.pool < y.pool; });
  const quanta qa(m.begin(), m.end(), m.size());
  wide sum[kFigures];
  for (int k = 0; k < kFigures; ++k) sum[k] = exact_sum(m, k, qa.q[k]);
  portfolio_solution s;
  s.objective = to_double(sum[kObj], qa.q[kObj]);
  s.capex = to_double(sum[kCapex], qa.q[kCapex]);
  s.tco = to_double(sum[kTco], qa.q[kTco]);
  s.flops = to_double(sum[kFlops], qa.q[kFlops]);
  s.feasible = sum[kFlops] >= wide_ceil(required, qa.q[kFlops]) &&
               (!p.capex_budget || sum[kCapex] <= wide_floor(*p.capex_budget, qa.q[kCapex])) &&
               (!p.tco_budget || sum[kTco] <= wide_floor(*p.tco_budget, qa.q[kTco]));
  s.members = std::move(m);
  return s;
}

// The members' true objectives compared: negative, zero or positive as a's is below, equal to
// or above b's.
int compare_objectives(const std::vector<pool_candidate>& a, const std::vector<pool_candidate>& b) {
  std::vector<pool_candidate> both = a;
  both.insert(both.end(), b.begin(), b.end());
  const int q = quantum_of(both.begin(), both.end(), kObj, both.size());
  const wide x = exact_sum(a, kObj, q), y = exact_sum(b, kObj, q);
  return x < y ? -1 : x > y ? 1 : 0;
}

// The exact optimum by dynamic programming over the pools, one stage a pool, with dominance between
// partial portfolios and the LP bound (Pisinger-style for the multiple-choice knapsack):
// - a state is a partial portfolio of the pools processed so far; one that meets the target is
//   complete and becomes the incumbent when it is better;
// - a state whose objective plus the LP bound of the remaining pools cannot beat the incumbent
//   (or whose capex or TCO bound exceeds its budget) is dropped;
// - a state is dropped when another has at least its FLOP/s, at most its objective, capex and
//   TCO (where budgets make them matter) and wins every tie-break of MODEL.md after any common
//   completion (fewer or as many members with smaller ranking keys; sorted key lists keep their
//   order when the same members are added, and exact sums keep theirs);
// - before the pass, the Lagrangian bound at the LP's price per FLOP/s removes every plan whose
//   reduced cost alone exceeds the gap between the first incumbent and that bound.
// Dominance and the target and budget tests use exact sums (see `wide`), so the pools may be
// taken in any order: the full search takes them in pool order, and the cutoff passes of a
// binding budget (solve_staged) those that spend the least of it per FLOP/s first. Bounds use
// double sums with a margin.
// What the search for a first incumbent on a budget's figure found (solve_portfolio).
struct first_result {
  std::vector<pool_candidate> members;  // a feasible portfolio, or none
  bool infeasible = false;            // proved that no portfolio is feasible
  bool stopped = false;               // cancelled, or at the work limit
  bool limited = false;               // at the work limit
  std::uint64_t nodes = 0;
  std::uint64_t work = 0;
};

class dominance_dp {
 public:
  static constexpr std::size_t kBeam = 512;
  static constexpr std::size_t kScan = 64;  // states compared one by one in `filter`, at most
  static constexpr double kCutoffs[] = {1.0 / 16, 1.0 / 4, 1.0 / 2, 3.0 / 4, 1.0};  // of the gap
  static constexpr std::size_t kMaxStates = std::size_t{1} << 21;  // then depth-first

  dominance_dp(const portfolio_problem& p, double required, const std::atomic<bool>* cancel,
               bool heuristics, bool by_budget = false)
      : p_(p), required_(required), cancel_(cancel), heuristics_(heuristics) {
    std::vector<pool_candidate> items = p.items;
    std::sort(items.begin(), items.end(), detail::pool_then_rank{});
    for (std::size_t b = 0; b < items.size();) {
      std::size_t e = b;
      while (e < items.size() && items[e].pool == items[b].pool) ++e;
      pool_data d;
      d.items.assign(items.begin() + b, items.begin() + e);
      pools_.push_back(std::move(d));
      b = e;
    }
    qa_ = quanta(p.items.begin(), p.items.end(), pools_.size());
    req_ = wide_ceil(required, qa_.q[kFlops]);
    if (by_budget) order_by_budget();
    // A budget on the objective's own figure caps the objective of every feasible portfolio.
    if (p.capex_budget && is_objective(&pool_candidate::capex)) cap_ = std::min(cap_, *p.capex_budget);
    if (p.tco_budget && is_objective(&pool_candidate::tco)) cap_ = std::min(cap_, *p.tco_budget);
    prepare_all();
  }

  /// The optimum; `seed` (members of a feasible portfolio, or empty) is a first incumbent.
  portfolio_solution run(const std::vector<pool_candidate>& seed) {
    if (!seed.empty()) offer(evaluate_members(seed, p_, required_));
    if (required_ > 0 && !pools_.empty()) {
      // A root that the bounds at no prices already rule out (say a budget on the objective's
      // own figure below the least the target costs): no portfolio beats the incumbent, or
      // none is feasible, and no prices need be chosen.
      if (!prices_given_ && !alive(0, state{0.0, 0.0, 0.0, 0.0, {0, 0, 0, 0}, 0u, -1, nullptr})) {
        lower_ = best_.feasible ? best_.objective : kInf;
        best_.nodes = nodes_;
        return best_;
      }
      if (prices_given_ ? (mu_c_ > 0 || mu_t_ > 0) : choose_prices()) prepare_all();
      lower_ = root_bound();
      if (cutoff_ < kInf) {
        reduce();
        prepare_all();
        search(0);
        best_.nodes = nodes_;
        return best_;
      }
      if (heuristics_) round_lp();
      if (best_.feasible && reduce()) prepare_all();
      // A narrow pass first (the best states by bound at each stage) for a close incumbent,
      // which the reduction and the exact pass then use.
      if (heuristics_ && !done()) {
        search(kBeam);
        if (best_.feasible && reduce()) prepare_all();
      }
      if (!best_.feasible && first_ && spend_limit()) {
        const first_result f = first_(work_left());
        nodes_ += f.nodes;
        work_ += f.work;
        stopped_ = stopped_ || f.stopped;
        limited_ = limited_ || f.limited;
        if (f.stopped || f.infeasible) {
          best_.nodes = nodes_;
          return best_;
        }
        offer(evaluate_members(f.members, p_, required_));
        if (best_.feasible && reduce()) prepare_all();
      }
      if (done()) {
        best_.nodes = nodes_;
        return best_;
      }
      if (staged_ && (mu_c_ > 0 || mu_t_ > 0) && solve_staged()) {
        best_.nodes = nodes_;
        return best_;
      }
    }
    search(0);
    best_.nodes = nodes_;
    return best_;
  }

  /// Whether a cancel request or the work limit stopped the search (the result is then
  /// incomplete).
  bool stopped() const { return stopped_; }
  /// Whether the work limit stopped it.
  bool limited() const { return limited_; }
  /// The candidate portfolios examined: every state expanded and every plan tried on one.
  std::uint64_t work() const { return work_; }
  /// A lower bound on the optimum's objective: the root's, or the highest cutoff a pass proved
  /// no feasible portfolio is at or below.
  double lower_bound() const { return lower_; }
  /// Stop after examining `n` candidates (see work(); 0: never). The count, and so the
  /// result, is deterministic.
  void set_work_limit(std::uint64_t n) { work_limit_ = n; }

  /// Stop at the first feasible portfolio found instead of the optimum (a first incumbent).
  void stop_at_first() { any_ = true; }

  /// Where the heuristics find no feasible portfolio, `f` gives a first incumbent or proves
  /// the problem infeasible.
  /// `f` takes the work limit left (0: none).
  void set_first_incumbent(std::function<first_result(std::uint64_t)> f) { first_ = std::move(f); }

 private:
  struct pool_data {
    std::vector<pool_candidate> items;  // after prepare: by excess over the hull, smallest first
    std::vector<double> excess;
    std::vector<std::array<wide, kFigures>> exact;  // the items' figures in quanta
    hull h_obj, h_capex, h_tco;
    bool none_ok = true;  // false when the reduction proves the pool is in every better portfolio
  };
  struct knap_table {
    double lam = 0;
    std::vector<std::vector<double>> h;  // [stage][steps of the budget left]
    std::vector<double> mag;            // [stage]: the sum of the largest weight magnitudes
  };
  struct link {
    std::int32_t parent;
    const pool_candidate* item;
  };
  struct state {
    double f, obj, capex, tco;  // sums in the order taken, for the bounds
    wide sum[kFigures];         // exact sums, for dominance and the tests
    std::uint32_t members;
    std::int32_t parent;         // the last link of the members before this stage
    const pool_candidate* item;    // this stage's member, or nullptr
  };

  void prepare(pool_data& d) {
    std::vector<hull_point> po, pc, pt;
    for (std::size_t j = 0; j < d.items.size(); ++j) {
      const pool_candidate& r = d.items[j];
      po.push_back({r.flops, w(r), j});
      pc.push_back({r.flops, r.capex, j});
      pt.push_back({r.flops, r.tco, j});
    }
    d.h_obj = lower_hull(po);
    d.h_capex = lower_hull(pc);
    d.h_tco = lower_hull(pt);
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t j = 0; j < d.items.size(); ++j)
      order.push_back({std::max(0.0, w(d.items[j]) - d.h_obj.at(d.items[j].flops)), j});
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<pool_candidate> sorted;
    std::vector<std::size_t> moved(d.items.size());
    d.excess.clear();
    for (const auto& [e, j] : order) {
      moved[j] = sorted.size();
      sorted.push_back(d.items[j]);
      d.excess.push_back(e);
    }
    d.items.swap(sorted);
    for (std::size_t& p : d.h_obj.pos)
      if (p != kNoPlan) p = moved[p];
    d.exact.clear();
    for (const pool_candidate& r : d.items) {
      std::array<wide, kFigures> e;
      for (int k = 0; k < kFigures; ++k) e[static_cast<std::size_t>(k)] = to_wide(figure_of(r, k), qa_.q[k]);
      d.exact.push_back(e);
    }
  }

  // The pools' processing order (see the class comment).
  // Puts the pools that spend the least of a binding budget per FLOP/s first (solve_staged);
  // ties, and every pool when no budget binds, stay in pool order.
  void order_by_budget() {
    const pareto_dims d = budget_dims();
    const bool bc = d.capex;
    if (!d.capex && !d.tco) return;
    std::vector<std::pair<double, std::size_t>> key;
    for (std::size_t i = 0; i < pools_.size(); ++i) {
      double k = kInf;
      for (const pool_candidate& r : pools_[i].items)
        if (r.flops > 0) k = std::min(k, (bc ? r.capex : r.tco) / r.flops);
      key.push_back({k, i});
    }
    std::stable_sort(key.begin(), key.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<pool_data> sorted;
    for (const auto& [k, i] : key) sorted.push_back(std::move(pools_[i]));
    pools_.swap(sorted);
  }



  // The budgets dominance must compare: those that may bind and are not the objective itself.
  pareto_dims budget_dims() const {
    return {may_bind(p_.capex_budget, &pool_candidate::capex) && !is_objective(&pool_candidate::capex),
            may_bind(p_.tco_budget, &pool_candidate::tco) && !is_objective(&pool_candidate::tco)};
  }

  bool is_objective(double pool_candidate::*fig) const {
    for (const pool_data& d : pools_)
      for (const auto& r : d.items)
        if (r.obj != r.*fig) return false;
    return true;
  }

  void prepare_all() {
    for (pool_data& d : pools_) prepare(d);
    const std::size_t k = pools_.size();
    std::vector<const hull*> ho, hc, ht;
    for (const pool_data& d : pools_) {
      ho.push_back(&d.h_obj);
      hc.push_back(&d.h_capex);
      ht.push_back(&d.h_tco);
    }
    obj_lb_ = suffix_bounds(ho);
    // The same bound at other budget prices: a partial portfolio that has spent more (or less)
    // of a budget than the root's balance is bounded more tightly at a higher (or lower) price.
    extra_.clear();
    if (mu_c_ > 0 || mu_t_ > 0) {
      for (double scale : {0.0, 0.5, 2.0, 4.0}) {
        extra_bound e;
        e.mu_c = mu_c_ * scale;
        e.mu_t = mu_t_ * scale;
        std::vector<hull> hs(k);
        std::vector<const hull*> hp;
        for (std::size_t i = 0; i < k; ++i) {
          std::vector<hull_point> pts;
          for (const auto& r : pools_[i].items) pts.push_back({r.flops, r.obj + e.mu_c * r.capex + e.mu_t * r.tco, 0});
          hs[i] = lower_hull(std::move(pts));
          hp.push_back(&hs[i]);
        }
        e.lb = suffix_bounds(hp);
        e.priced = priced(e.mu_c, e.mu_t);
        extra_.push_back(std::move(e));
      }
    }
    capex_lb_ = p_.capex_budget ? suffix_bounds(hc) : std::vector<suffix_bound>(k + 1);
    tco_lb_ = p_.tco_budget ? suffix_bounds(ht) : std::vector<suffix_bound>(k + 1);
    more_.assign(k + 1, {});
    for (std::size_t i = 0; i <= k; ++i) {
      std::vector<double> fmax;
      for (std::size_t j = i; j < k; ++j) fmax.push_back(pools_[j].h_obj.f.back());
      std::sort(fmax.rbegin(), fmax.rend());
      more_[i].push_back(0);
      for (double f : fmax) more_[i].push_back(more_[i].back() + f);
    }
    build_knap();
    build_cover();
    least_key_.assign(pools_.size() + 1, std::nullopt);
    for (std::size_t i = pools_.size(); i-- > 0;) {
      least_key_[i] = least_key_[i + 1];
      for (const pool_candidate& r : pools_[i].items)
        if (!least_key_[i] || rank_less(key_of(r), *least_key_[i])) least_key_[i] = key_of(r);
    }
    last_by_obj_.clear();
    if (!pools_.empty()) {
      const std::vector<pool_candidate>& items = pools_.back().items;
      for (std::size_t j = 0; j < items.size(); ++j) last_by_obj_.push_back(j);
      std::stable_sort(last_by_obj_.begin(), last_by_obj_.end(),
                       [&](std::size_t a, std::size_t b) { return items[a].obj < items[b].obj; });
    }
  }

  // The target bound. The LP also takes a fraction of a plan to meet the target exactly, and
  // near the last pools, where a state needs its remaining FLOP/s from one or two plans, that
  // can lie well below the true cost. This bound keeps the target whole instead, as a covering
  // knapsack over a grid of it, solved exactly by dynamic programming for every suffix of the
  // pools, with the budgets at their LP prices (the bounds' cost w). For a state s at stage i
  // with r FLOP/s still to find, any completion within the budgets has
  //   objective >= w(s) - priced + cover[i][g]
  // where g is the number of whole grid steps in r and cover[i][g] the least sum of w over at
  // most one plan from each pool i, i + 1, ... whose steps sum to at least g. Each plan's
  // FLOP/s is rounded up to whole steps and r down, so the grid only relaxes the target.
  static constexpr std::size_t kCoverSteps = 4096;

  void build_cover() {
    cv_.clear();
    cv_mag_.clear();
    if (required_ <= 0 || pools_.empty()) return;
    const std::size_t k = pools_.size(), G = kCoverSteps;
    cv_step_ = required_ / static_cast<double>(G);
    std::vector<double> h(G + 1, kInf), next;
    h[0] = 0;
    cv_.assign(k + 1, {});
    cv_mag_.assign(k + 1, 0.0);
    cv_[k] = h;
    std::vector<std::pair<std::size_t, double>> its;
    double mag = 0;
    for (std::size_t i = k; i-- > 0;) {
      // The plans that may lower the table: less w than every plan of as many steps or more
      // (a plan of G steps or more meets any remaining target alone).
      its.clear();
      double most = 0;
      for (const pool_candidate& r : pools_[i].items) {
        const double wt = w(r);
        most = std::max(most, std::fabs(wt));
        // Rounded up; where the quotient rounded down past a whole step, the margin on the
        // FLOP/s left (alive) covers it.
        const double steps = std::ceil(r.flops / cv_step_);
        its.push_back({steps >= static_cast<double>(G) ? G : static_cast<std::size_t>(std::max(0.0, steps)), wt});
      }
      mag += most;
      std::sort(its.begin(), its.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
      });
      std::size_t n = 0;
      double least = kInf;
      for (const auto& e : its)
        if (e.second < least && e.first > 0) {
          least = e.second;
          its[n++] = e;
        }
      its.resize(n);
      next = h;
      for (const auto& [st, wt] : its) {
        const std::size_t top = std::min(st, G);
        for (std::size_t g = 1; g <= top; ++g) next[g] = std::min(next[g], h[0] + wt);
        for (std::size_t g = top + 1; g <= G; ++g) next[g] = std::min(next[g], h[g - st] + wt);
      }
      h.swap(next);
      cv_[i] = h;
      cv_mag_[i] = mag;
    }
  }

  // One pool left: whether one of its plans completes state s within the budgets and may beat
  // the incumbent; exact but for the margins, which only keep more. The plans are taken by
  // objective (last_by_obj_), so the scan ends at the first too costly.
  bool last_ok(const state& s, double r) const {
    const pool_data& d = pools_.back();
    const double f_low = r - kSafe * (required_ + std::fabs(s.f));
    for (const std::size_t j : last_by_obj_) {
      const pool_candidate& it = d.items[j];
      if (!promising(s.obj + it.obj, s.members + 1, std::fabs(s.obj) + std::fabs(it.obj))) return false;
      if (it.flops < f_low) continue;
      if (p_.capex_budget && s.capex + it.capex > *p_.capex_budget + kSafe * (*p_.capex_budget + std::fabs(s.capex)))
        continue;
      if (p_.tco_budget && s.tco + it.tco > *p_.tco_budget + kSafe * (*p_.tco_budget + std::fabs(s.tco))) continue;
      return true;
    }
    return false;
  }

  // The target bound of the empty portfolio (see build_cover and cover_ok), or -inf.
  double cover_root() const {
    if (cv_.empty()) return -kInf;
    const double x = std::floor((required_ - kSafe * required_) / cv_step_);
    if (!(x > 0)) return -kInf;
    const std::size_t g = x >= static_cast<double>(kCoverSteps) ? kCoverSteps : static_cast<std::size_t>(x);
    return cv_[0][g] - priced_;
  }

  // The target bound of state s at stage i (see build_cover): false when it rules s out.
  bool cover_ok(std::size_t i, const state& s, double r, std::size_t members) const {
    // Steps in r, rounded down after narrowing by the margin the double sums may be off by.
    const double x = std::floor((r - kSafe * (required_ + std::fabs(s.f))) / cv_step_);
    if (!(x > 0)) return true;
    const std::size_t g = x >= static_cast<double>(kCoverSteps) ? kCoverSteps : static_cast<std::size_t>(x);
    const double c = cv_[i][g];
    if (c == kInf) return false;  // even every pool left together falls short
    return promising(w(s) - priced_ + c, members, std::fabs(w(s)) + std::fabs(priced_) + cv_mag_[i], &s, i);
  }

  // The budget bound. With a binding budget whose plans come in large steps, the LP (which
  // takes fractions of plans) can lie several percent below the optimum, and the search then
  // keeps millions of states. This bound keeps that budget whole, as a knapsack constraint
  // solved exactly by dynamic programming over a grid of the budget, and prices the target
  // (Lagrange multiplier lambda per FLOP/s) and the other budget (its LP price mu_o) instead.
  // For a state s at stage i with r FLOP/s still to find, any completion within the budgets has
  //   objective >= obj(s) + mu_o (other(s) - other budget) + lambda r + table[i][c]
  // where c is the number of whole grid steps of the budget left and table[i][c] the least sum
  // of obj + mu_o other - lambda FLOP/s over at most one plan from each pool i, i + 1, ...
  // whose steps sum to at most c. Each plan's spend is rounded down to whole steps and the
  // budget left too, so the grid only relaxes the constraint and the bound stays valid.
  // lambda is the price that makes the root's bound the highest (the bound is concave in it).
  static constexpr std::size_t kKnapSteps = 4096;

  // The budget the tables keep whole: the binding one with the larger priced spend.
  void choose_knap_budget() {
    kb_fig_ = -1;
    const double c = p_.capex_budget ? mu_c_ * *p_.capex_budget : 0.0;
    const double t = p_.tco_budget ? mu_t_ * *p_.tco_budget : 0.0;
    if (!(c > 0) && !(t > 0)) return;
    kb_fig_ = c >= t ? kCapex : kTco;
    kb_budget_ = kb_fig_ == kCapex ? *p_.capex_budget : *p_.tco_budget;
    kb_mu_o_ = kb_fig_ == kCapex ? mu_t_ : mu_c_;
    kb_priced_o_ = kb_fig_ == kCapex ? (p_.tco_budget ? mu_t_ * *p_.tco_budget : 0.0)
                                     : (p_.capex_budget ? mu_c_ * *p_.capex_budget : 0.0);
    kb_step_ = kb_budget_ / static_cast<double>(kKnapSteps);
  }

  double knap_spend(const pool_candidate& r) const { return kb_fig_ == kCapex ? r.capex : r.tco; }
  double knap_other(const pool_candidate& r) const { return kb_fig_ == kCapex ? r.tco : r.capex; }

  // The tables at price lambda (all stages when `keep`, else only the root's value). Returns
  // the root's bound.
  double knap_run(double lam, knap_table* keep) const {
    const std::size_t k = pools_.size(), G = kKnapSteps;
    std::vector<double> h(G + 1, 0.0), next;
    if (keep != nullptr) {
      keep->lam = lam;
      keep->h.assign(k + 1, {});
      keep->mag.assign(k + 1, 0.0);
      keep->h[k] = h;
    }
    std::vector<std::pair<std::size_t, double>> its;
    double mag = 0;
    for (std::size_t i = k; i-- > 0;) {
      // The plans that may lower the table: a negative weight, and less of it than every plan
      // of no more steps (none weighs 0 at 0 steps).
      its.clear();
      double most = 0;
      for (const pool_candidate& r : pools_[i].items) {
        const double wt = r.obj + kb_mu_o_ * knap_other(r) - lam * r.flops;
        most = std::max(most, std::fabs(wt));
        // Rounded down; where the quotient rounded up to a whole step, the margin on the
        // budget left (alive) covers it: at most kKnapSteps ulps of a step against kSafe of
        // the budget.
        const double steps = std::floor(knap_spend(r) / kb_step_);
        if (!(wt < 0) || !(steps <= static_cast<double>(G))) continue;
        its.push_back({steps > 0 ? static_cast<std::size_t>(steps) : 0, wt});
      }
      mag += most;
      std::sort(its.begin(), its.end());
      std::size_t n = 0;
      double least = 0;
      for (const auto& e : its)
        if (e.second < least) {
          least = e.second;
          its[n++] = e;
        }
      its.resize(n);
      next = h;
      for (const auto& [st, wt] : its)
        for (std::size_t c = st; c <= G; ++c) next[c] = std::min(next[c], h[c - st] + wt);
      h.swap(next);
      if (keep != nullptr) {
        keep->h[i] = h;
        keep->mag[i] = mag;
      }
    }
    return h[G] + lam * required_ - kb_priced_o_;
  }

  // The price lambda that makes the root's bound the highest: a scan by factors of sqrt 2
  // around the LP's price per FLOP/s, then golden-section search.
  double knap_lambda() const {
    const suffix_bound& root = obj_lb_[0];
    double lam0 = 0;
    if (required_ <= root.cum_f.back()) {
      const std::size_t j = static_cast<std::size_t>(
          std::lower_bound(root.cum_f.begin(), root.cum_f.end(), required_) - root.cum_f.begin());
      lam0 = root.slope[j];
    }
    if (!(lam0 > 0) || !std::isfinite(lam0)) return 0;
    const auto g = [&](double lam) { return knap_run(lam, nullptr); };
    std::vector<double> lams;
    for (int e = -8; e <= 8; ++e) lams.push_back(lam0 * std::exp2(0.5 * e));
    std::size_t best = 0;
    double best_v = -kInf;
    for (std::size_t e = 0; e < lams.size(); ++e)
      if (const double v = g(lams[e]); v > best_v) {
        best_v = v;
        best = e;
      }
    const double lo = best > 0 ? lams[best - 1] : lams[0] / 2, hi = best + 1 < lams.size() ? lams[best + 1] : lams[best] * 2;
    const auto [x, v] = golden_max(g, lo, hi, 16);
    return v > best_v ? x : lams[best];
  }

  void build_knap() {
    kb_.clear();
    kb_root_ = -kInf;
    if (required_ <= 0 || pools_.empty()) return;
    choose_knap_budget();
    if (kb_fig_ < 0) return;
    if (!(kb_lam_ > 0)) kb_lam_ = knap_lambda();
    if (!(kb_lam_ > 0)) return;
    // The bound at the best price for the root, and at prices a little either side of it,
    // which bound tighter the states that have found more or less of the target than the root's
    // balance.
    for (const double f : {1.0, 0.85, 1.2}) {
      kb_.emplace_back();
      const double v = knap_run(kb_lam_ * f, &kb_.back());
      if (f == 1.0) kb_root_ = v;
    }
  }

  // Whether a budget can bind: even the largest member of every pool together may exceed it.
  bool may_bind(const std::optional<double>& budget, double pool_candidate::*fig) const {
    if (!budget) return false;
    double most = 0;
    for (const pool_data& d : pools_) {
      double m = 0;
      for (const auto& r : d.items) m = std::max(m, r.*fig);
      most += m;
    }
    return most * (1 + 1e-9) > *budget;
  }

  // The root Lagrangian bound with budget prices (mu_c, mu_t): the LP of w over every pool at
  // the target, less the priced budgets. Any prices give a valid bound; the best is the tightest.
  double root_bound(double mu_c, double mu_t) {
    mu_c_ = mu_c;
    mu_t_ = mu_t;
    std::vector<hull> hulls(pools_.size());
    std::vector<hull_point> pts;
    for (std::size_t i = 0; i < pools_.size(); ++i) {
      // The items in FLOP/s order (by_flops_, sorted once), each run of equal FLOP/s then by
      // cost: the order lower_hull sorts into, without sorting the pool at every price.
      pts.clear();
      for (std::size_t j : by_flops_[i]) pts.push_back({pools_[i].items[j].flops, w(pools_[i].items[j]), 0});
      for (std::size_t b = 0, e; b < pts.size(); b = e) {
        for (e = b + 1; e < pts.size() && pts[e].f == pts[b].f;) ++e;
        if (e - b > 1) std::sort(pts.begin() + static_cast<std::ptrdiff_t>(b), pts.begin() + static_cast<std::ptrdiff_t>(e));
      }
      hulls[i] = hull_of_sorted(pts);
    }
    // Only the root is needed: segments of every pool in order of slope.
    std::vector<std::pair<double, std::pair<double, double>>> seg;
    for (const hull& h : hulls)
      for (std::size_t k = 1; k < h.f.size(); ++k)
        seg.push_back({(h.c[k] - h.c[k - 1]) / (h.f[k] - h.f[k - 1]), {h.f[k] - h.f[k - 1], h.c[k] - h.c[k - 1]}});
    std::sort(seg.begin(), seg.end());
    double f = 0, c = 0;
    for (const auto& [slope, dfc] : seg) {
      if (f + dfc.first >= required_) return c + (required_ - f) * slope - priced(mu_c, mu_t);
      f += dfc.first;
      c += dfc.second;
    }
    return kInf;
  }

  double priced(double mu_c, double mu_t) const {
    return (p_.capex_budget ? mu_c * *p_.capex_budget : 0.0) + (p_.tco_budget ? mu_t * *p_.tco_budget : 0.0);
  }

  // The best price of one budget with the other held: a coarse scan by factors of 4 from the
  // ratio of the figures' sizes, then golden-section search (the bound is concave in a price).
  double best_price(bool capex, double other) {
    double so = 0, sf = 0;
    for (const pool_data& d : pools_)
      for (const auto& r : d.items) {
        so += std::fabs(r.obj);
        sf += capex ? r.capex : r.tco;
      }
    if (!(sf > 0) || !(so > 0)) return 0;
    const auto g = [&](double mu) { return capex ? root_bound(mu, other) : root_bound(other, mu); };
    std::vector<double> mus{0.0};
    for (int k = -16; k <= 16; ++k) mus.push_back(so / sf * std::ldexp(1.0, 2 * k));
    std::size_t best = 0;
    double best_v = -kInf;
    for (std::size_t k = 0; k < mus.size(); ++k) {
      const double v = g(mus[k]);
      if (v == kInf) return mus[k];  // infeasible even as an LP: any price proves it
      if (v > best_v) {
        best_v = v;
        best = k;
      }
    }
    const double lo = best > 0 ? mus[best - 1] : 0.0, hi = best + 1 < mus.size() ? mus[best + 1] : mus[best];
    const auto [x, v] = golden_max(g, lo, hi, 24);
    return v > best_v ? x : mus[best];
  }

  // Sets the budget prices when a budget may bind; returns whether any is non-zero.
  bool choose_prices() {
    by_flops_.assign(pools_.size(), {});
    for (std::size_t i = 0; i < pools_.size(); ++i) {
      std::vector<std::size_t>& o = by_flops_[i];
      for (std::size_t j = 0; j < pools_[i].items.size(); ++j) o.push_back(j);
      std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) {
        return pools_[i].items[a].flops < pools_[i].items[b].flops;
      });
    }
    const bool bc = may_bind(p_.capex_budget, &pool_candidate::capex);
    const bool bt = may_bind(p_.tco_budget, &pool_candidate::tco);
    double mc = 0, mt = 0;
    for (int round = 0; round < (bc && bt ? 2 : 1); ++round) {
      if (bc) mc = best_price(true, mt);
      if (bt) mt = best_price(false, mc);
    }
    mu_c_ = mc;
    mu_t_ = mt;
    priced_ = priced(mc, mt);
    return mc > 0 || mt > 0;
  }

  // A first incumbent: the LP's solution with its fractional pool rounded up to the next vertex
  // of that pool's hull.
  void round_lp() {
    struct seg {
      double slope;
      std::size_t pool, k;
    };
    std::vector<seg> segs;
    for (std::size_t i = 0; i < pools_.size(); ++i) {
      const hull& h = pools_[i].h_obj;
      for (std::size_t k = 1; k < h.f.size(); ++k)
        segs.push_back({(h.c[k] - h.c[k - 1]) / (h.f[k] - h.f[k - 1]), i, k});
    }
    std::sort(segs.begin(), segs.end(), [](const seg& a, const seg& b) {
      if (a.slope != b.slope) return a.slope < b.slope;
      if (a.pool != b.pool) return a.pool < b.pool;
      return a.k < b.k;
    });
    std::vector<std::size_t> vertex(pools_.size(), 0);
    double f = 0;
    for (const seg& g : segs) {
      if (f >= required_) break;
      const hull& h = pools_[g.pool].h_obj;
      f += h.f[g.k] - h.f[g.k - 1];
      vertex[g.pool] = g.k;
    }
    std::vector<pool_candidate> m;
    for (std::size_t i = 0; i < pools_.size(); ++i)
      if (vertex[i] > 0) m.push_back(pools_[i].items[pools_[i].h_obj.pos[vertex[i]]]);
    offer(evaluate_members(std::move(m), p_, required_));
  }

  // Removes the plans (and the option of no member) whose Lagrangian reduced cost at the LP's
  // price per FLOP/s exceeds the gap to the incumbent. Returns whether anything was removed.
  // The Lagrangian bound at the LP's price per FLOP/s `lambda`: each pool's least reduced cost
  // `m` (w - lambda FLOP/s, or 0 for none), and the gap from that bound to the incumbent, widened
  // for rounding. False when the LP gives no finite price.
  bool reduced_costs(double& lambda, std::vector<double>& m, double& gap) const {
    const suffix_bound& root = obj_lb_[0];
    if (required_ > root.cum_f.back()) return false;
    const std::size_t j = static_cast<std::size_t>(
        std::lower_bound(root.cum_f.begin(), root.cum_f.end(), required_) - root.cum_f.begin());
    lambda = root.slope[j];
    if (!(lambda >= 0) || !std::isfinite(lambda)) return false;
    m.assign(pools_.size(), 0.0);
    if (!has_limit()) return false;
    double bound = lambda * required_ - priced_,
           scale = std::fabs(lambda * required_) + std::fabs(priced_) + std::fabs(limit());
    for (std::size_t i = 0; i < pools_.size(); ++i) {
      for (const auto& r : pools_[i].items) m[i] = std::min(m[i], w(r) - lambda * r.flops);
      bound += m[i];
      scale += std::fabs(m[i]);
    }
    gap = limit() - bound + 1e-9 * scale;
    return true;
  }

  // The root's bound: the best of the LP's, the budget bound's and the target bound's.
  double root_bound() const { return std::max({obj_lb_[0].at(required_) - priced_, kb_root_, cover_root()}); }

  // With a binding budget the incumbent can stay far above the optimum for most of the search,
  // and the bounds prune little against it. So the search runs as exact passes that keep only
  // portfolios at or below a cutoff, raised from the root bound towards the incumbent (the last
  // cutoff is the incumbent itself). Every portfolio at or below a pass's cutoff survives its
  // pruning, so the first pass that finds one has found the optimum, ties broken as in a full
  // search; the passes before it, with tighter cutoffs, cost little. The passes take the pools
  // that spend the least budget per FLOP/s first (order_by_budget), which keeps near-copies
  // together and partial portfolios comparable. Returns whether the optimum was found (false
  // only when cancelled).
  bool solve_staged() {
    const double root = root_bound();
    if (!best_.feasible || !(root < best_.objective)) return false;
    const double gap = best_.objective - root;
    for (const double share : kCutoffs) {
      if (!spend_limit()) return false;
      const double cut = share < 1 ? std::min(root + share * gap, best_.objective) : best_.objective;
      dominance_dp d(p_, required_, cancel_, heuristics_, true);
      d.staged_ = false;
      d.cutoff_ = cut;
      d.prices_given_ = true;
      d.mu_c_ = mu_c_;
      d.mu_t_ = mu_t_;
      d.priced_ = priced_;
      d.kb_lam_ = kb_lam_;
      d.work_limit_ = work_left();
      portfolio_solution s = d.run({});
      nodes_ += d.nodes_;
      work_ += d.work_;
      if (d.stopped_) {
        stopped_ = true;
        limited_ = limited_ || d.limited_;
        offer(std::move(s));
        return false;
      }
      const bool found = s.feasible && s.objective <= cut;
      offer(std::move(s));  // a portfolio above the cutoff may still be a better incumbent
      if (found) return true;
      lower_ = std::max(lower_, cut);  // no feasible portfolio is at or below it
    }
    return false;
  }

  bool reduce() {
    double lambda = 0, gap = 0;
    std::vector<double> m;
    if (!reduced_costs(lambda, m, gap)) return false;
    bool removed = false;
    for (std::size_t i = 0; i < pools_.size(); ++i) {
      pool_data& d = pools_[i];
      const std::size_t before = d.items.size();
      d.items.erase(std::remove_if(d.items.begin(), d.items.end(),
                                   [&](const pool_candidate& r) { return w(r) - lambda * r.flops - m[i] > gap; }),
                    d.items.end());
      if (-m[i] > gap) d.none_ok = false;
      removed = removed || d.items.size() != before || !d.none_ok;
    }
    // A pool left with no plan adds nothing to any state: it is dropped (and the last pool
    // with plans becomes the last stage, which last_ok checks exactly). One left with no plan
    // and no "none" option ends every state: the incumbent stands.
    pools_.erase(std::remove_if(pools_.begin(), pools_.end(),
                                [](const pool_data& d) { return d.items.empty() && d.none_ok; }),
                 pools_.end());
    return removed;
  }

  void offer(portfolio_solution s) {
    if (!s.feasible || !portfolio_better(s, best_)) return;
    best_ = std::move(s);
    best_keys_.clear();
    for (const pool_candidate& r : best_.members) best_keys_.push_back(key_of(r));
    std::sort(best_keys_.begin(), best_keys_.end(), rank_less);
  }


  std::size_t min_more(std::size_t i, double r) const {
    if (r <= 0) return 0;
    const auto& m = more_[i];
    return static_cast<std::size_t>(std::lower_bound(m.begin(), m.end(), r) - m.begin());
  }

  // Bounds are sums of doubles of size up to `mag`: lowered by kSafe of that, they never cut off
  // the optimum through rounding.
  bool surely_above(double v, double mag) const {
    return has_limit() && v - kSafe * mag > limit();
  }

  // Whether a bound v (of a portfolio with at least `members` members) may still beat the
  // incumbent. At or above its objective only the tie-breaks can: fewer members, or as many and
  // smaller ranking keys, which keys_lose tests when the state `s` at stage i is given.
  bool promising(double v, std::size_t members, double mag, const state* s = nullptr, std::size_t i = 0) const {
    if (!has_limit()) return true;
    const double low = v - kSafe * mag;
    if (low > limit()) return false;
    if (!best_.feasible || low < best_.objective) return true;
    if (members > best_.members.size()) return false;
    return !(s != nullptr && members == best_.members.size() && keys_lose(i, *s));
  }

  // Whether every portfolio completing state s (stage i) with as many members as the incumbent
  // has ranking keys, sorted, no smaller than the incumbent's. Its members are s's and others
  // from pools i, i + 1, ...; each of those has a key at least least_key_[i], and sorted lists
  // only grow (element by element, so lexicographically) when an element grows. So the
  // completion with every other member at least_key_[i] bounds them all from below.
  bool keys_lose(std::size_t i, const state& s) const {
    const std::size_t m = best_.members.size();
    if (s.members > m) return true;
    if (s.members < m && !least_key_[i]) return true;  // cannot reach m members
    std::vector<rank_key>& g = scratch_keys_;
    g.clear();
    if (s.item != nullptr) g.push_back(key_of(*s.item));
    for (std::int32_t k = s.parent; k >= 0; k = arena_[static_cast<std::size_t>(k)].parent)
      g.push_back(key_of(*arena_[static_cast<std::size_t>(k)].item));
    g.resize(m, least_key_[i] ? *least_key_[i] : rank_key{});
    std::sort(g.begin(), g.end(), rank_less);
    return !std::lexicographical_compare(g.begin(), g.end(), best_keys_.begin(), best_keys_.end(), rank_less);
  }

  // What a portfolio must not exceed to matter: the incumbent's objective, or the cutoff.
  bool has_limit() const { return best_.feasible || cutoff_ < kInf || cap_ < kInf; }
  double limit() const { return std::min({best_.feasible ? best_.objective : kInf, cutoff_, cap_}); }

  bool budgets_ok(std::size_t i, double r, double capex, double tco) const {
    if (p_.capex_budget && (capex + capex_lb_[i].at(r)) * (1 - kSafe) > *p_.capex_budget) return false;
    if (p_.tco_budget && (tco + tco_lb_[i].at(r)) * (1 - kSafe) > *p_.tco_budget) return false;
    return true;
  }

  // Whether state s may still lead to a portfolio that beats the incumbent from stage i on.
  bool alive(std::size_t i, const state& s) const {
    const double r = required_ - s.f;
    const std::size_t members = s.members + min_more(i, r);
    // The budget bound first: one look-up a table, and the strongest where it applies.
    if (has_limit() && i + 1 == pools_.size()) return last_ok(s, r);
    if (has_limit() && !kb_.empty() && !knap_ok(i, s, r, members)) return false;
    if (has_limit() && !cv_.empty() && !cover_ok(i, s, r, members)) return false;
    const double lb = obj_lb_[i].at(r);
    if (lb == kInf || !promising(w(s) + lb - priced_, members, std::fabs(w(s)) + std::fabs(lb) + std::fabs(priced_), &s, i) ||
        !budgets_ok(i, r, s.capex, s.tco))
      return false;
    // The LP bound at other budget prices, where no budget bound applies (it is stronger).
    if (has_limit() && kb_.empty())
      for (const extra_bound& e : extra_) {
        const double ws = s.obj + e.mu_c * s.capex + e.mu_t * s.tco, l = e.lb[i].at(r);
        if (l == kInf || !promising(ws + l - e.priced, members, std::fabs(ws) + std::fabs(l) + std::fabs(e.priced)))
          return false;
      }
    return true;
  }

  // The budget bounds of state s at stage i (see build_knap): false when one rules it out.
  bool knap_ok(std::size_t i, const state& s, double r, std::size_t members) const {
    const double spent = kb_fig_ == kCapex ? s.capex : s.tco, other = kb_fig_ == kCapex ? s.tco : s.capex;
    // Steps left, rounded down after widening by the margin the double sums may be off by.
    const double x = std::floor((kb_budget_ - spent + kSafe * (kb_budget_ + std::fabs(spent))) / kb_step_);
    if (x < 0) return true;  // over the budget: budgets_ok rules it out
    const std::size_t c = x >= static_cast<double>(kKnapSteps) ? kKnapSteps : static_cast<std::size_t>(x);
    const double base = s.obj + kb_mu_o_ * other - kb_priced_o_;
    const double base_mag = std::fabs(s.obj) + std::fabs(kb_mu_o_ * other) + std::fabs(kb_priced_o_);
    for (const knap_table& t : kb_) {
      const double v = base + t.lam * r + t.h[i][c];
      if (!promising(v, members, base_mag + std::fabs(t.lam * r) + t.mag[i], &s, i)) return false;
    }
    return true;
  }

  std::vector<pool_candidate> members_of(std::int32_t node, const pool_candidate* item) const {
    std::vector<pool_candidate> m;
    if (item != nullptr) m.push_back(*item);
    for (std::int32_t k = node; k >= 0; k = arena_[static_cast<std::size_t>(k)].parent)
      m.push_back(*arena_[static_cast<std::size_t>(k)].item);
    return m;
  }

  // Whether a's members, their ranking keys sorted, come before b's (as many members each). The
  // lists differ only in the members each has and the other lacks; the least of those decides:
  // before it the lists agree, and at it the one that has it shows the smaller key. Links are
  // stored after their parents, so the chains are walked back together to where they join.
  bool keys_before(const state& a, const state& b) const {
    std::vector<const pool_candidate*>& xa = scratch_a_;
    std::vector<const pool_candidate*>& xb = scratch_b_;
    xa.clear();
    xb.clear();
    if (a.item != nullptr) xa.push_back(a.item);
    if (b.item != nullptr) xb.push_back(b.item);
    for (std::int32_t la = a.parent, lb = b.parent; la != lb;) {
      if (la > lb) {
        xa.push_back(arena_[static_cast<std::size_t>(la)].item);
        la = arena_[static_cast<std::size_t>(la)].parent;
      } else {
        xb.push_back(arena_[static_cast<std::size_t>(lb)].item);
        lb = arena_[static_cast<std::size_t>(lb)].parent;
      }
    }
    const pool_candidate* least = nullptr;
    bool from_a = false;
    const auto consider = [&](const std::vector<const pool_candidate*>& mine,
                              const std::vector<const pool_candidate*>& other, bool is_a) {
      for (const pool_candidate* r : mine) {
        if (std::find(other.begin(), other.end(), r) != other.end()) continue;  // both have it
        if (least == nullptr || rank_less(key_of(*r), key_of(*least))) {
          least = r;
          from_a = is_a;
        }
      }
    };
    consider(xa, xb, true);
    consider(xb, xa, false);
    return least != nullptr && from_a;
  }

  // e (sorted before s) wins every tie-break against s after any common completion.
  bool wins_ties(const state& e, const state& s) const {
    if (e.sum[kObj] < s.sum[kObj]) return true;
    if (e.members != s.members) return e.members < s.members;
    return !keys_before(s, e);
  }

  bool covers(const state& e, const state& s) const {
    return e.sum[kFlops] >= s.sum[kFlops] && (!dims_.capex || e.sum[kCapex] <= s.sum[kCapex]) &&
           (!dims_.tco || e.sum[kTco] <= s.sum[kTco]);
  }

  // Keeps the states no other state dominates (see the class comment).
  void filter(std::vector<state>& v) const {
    std::stable_sort(v.begin(), v.end(), [&](const state& a, const state& b) {
      if (a.sum[kObj] != b.sum[kObj]) return a.sum[kObj] < b.sum[kObj];
      if (a.members != b.members) return a.members < b.members;
      return a.sum[kFlops] > b.sum[kFlops];
    });
    // Equal objective and members: order by the sorted ranking keys, so the first of a tie wins.
    for (std::size_t b = 0; b < v.size();) {
      std::size_t e = b + 1;
      while (e < v.size() && v[e].sum[kObj] == v[b].sum[kObj] && v[e].members == v[b].members) ++e;
      if (e - b > 1)
        std::stable_sort(v.begin() + static_cast<std::ptrdiff_t>(b), v.begin() + static_cast<std::ptrdiff_t>(e),
                         [&](const state& x, const state& y) { return keys_before(x, y); });
      b = e;
    }
    std::vector<state> kept;
    kept.reserve(v.size());
    std::size_t ins = 0;                  // kept[0, ins) have a smaller objective than s
    wide best_f = -(wide{1} << 126);  // 2 figures: the most FLOP/s among them (below any sum)
    std::map<wide, wide> stair;           // with budgets: x (capex or TCO) -> the most FLOP/s
    const int xk = dims_.capex ? kCapex : kTco;
    for (const state& s : v) {
      while (ins < kept.size() && kept[ins].sum[kObj] < s.sum[kObj]) {
        const state& e = kept[ins++];
        const wide ef = e.sum[kFlops];
        if (!dims_.capex && !dims_.tco) {
          best_f = std::max(best_f, ef);
          continue;
        }
        const wide x = e.sum[xk];
        const auto at = stair.upper_bound(x);
        if (at != stair.begin() && std::prev(at)->second >= ef) continue;  // adds nothing
        auto [pos, fresh] = stair.emplace(x, ef);
        if (!fresh) {
          if (pos->second >= ef) continue;
          pos->second = ef;
        }
        auto next = std::next(pos);
        while (next != stair.end() && next->second <= ef) next = stair.erase(next);
      }
      bool dominated = false;
      if (!dims_.capex && !dims_.tco) {
        dominated = best_f >= s.sum[kFlops];
      } else {
        auto it = stair.upper_bound(s.sum[xk]);
        if (it != stair.begin() && std::prev(it)->second >= s.sum[kFlops]) {
          if (dims_.capex && dims_.tco) {
            // Dominance only ever drops states, so a bounded look (the latest kept) is exact too.
            for (std::size_t k = ins, m = 0; k-- > 0 && m < kScan && !dominated; ++m) dominated = covers(kept[k], s);
          } else {
            dominated = true;
          }
        }
      }
      for (std::size_t k = kept.size(), m = 0; k-- > ins && m < kScan && !dominated; ++m)
        dominated = covers(kept[k], s) && wins_ties(kept[k], s);
      if (!dominated) kept.push_back(s);
    }
    v.swap(kept);
  }

  // Every state when beam is 0; otherwise at most `beam` states per stage, those with the least
  // bound (a heuristic pass that only finds incumbents).
  void search(std::size_t beam) {
    arena_.clear();
    // A budget that even the largest member of every pool together stays under cannot bind, and
    // one on the objective's own figure is covered by the objective: neither needs a place in
    // dominance (the members' own test still applies).
    dims_ = budget_dims();
    std::vector<state> cur{{0.0, 0.0, 0.0, 0.0, {0, 0, 0, 0}, 0u, -1, nullptr}}, next;
    if (required_ <= 0) {
      offer(evaluate_members({}, p_, required_));
      return;
    }
    for (std::size_t i = 0; i < pools_.size() && !cur.empty() && !done(); ++i) {
      // Drop what the incumbent found during this stage rules out, then the dominated: whenever
      // the children outgrow twice what the last such pass left, and at the end.
      const auto prune = [&] {
        next.erase(std::remove_if(next.begin(), next.end(), [&](const state& t) { return !alive(i + 1, t); }),
                   next.end());
        filter(next);
      };
      next.clear();
      std::size_t kept = 0;
      for (const state& s : cur) {
        expand(i, s, [&](const state& t) { next.push_back(t); });
        if (next.size() >= std::max(kMaxStates, 2 * kept)) {
          prune();
          kept = next.size();
        }
      }
      prune();
      if (beam > 0 && next.size() > beam) {
        std::vector<std::pair<double, std::size_t>> by_bound;
        for (std::size_t k = 0; k < next.size(); ++k) by_bound.push_back({bound(i + 1, next[k]), k});
        std::nth_element(by_bound.begin(), by_bound.begin() + static_cast<std::ptrdiff_t>(beam), by_bound.end());
        by_bound.resize(beam);
        std::sort(by_bound.begin(), by_bound.end(),
                  [](const auto& a, const auto& b) { return a.second < b.second; });
        std::vector<state> narrow;
        for (const auto& b : by_bound) narrow.push_back(next[b.second]);
        next.swap(narrow);
      }
      for (state& t : next) push_link(t);
      cur.swap(next);
      if (beam == 0 && cur.size() > kMaxStates) {
        depth_first(i + 1, cur);
        return;
      }
    }
  }

  // The objective bound of state s from stage i on (w and the priced budgets, see w()).
  double bound(std::size_t i, const state& s) const {
    return w(s) + obj_lb_[i].at(required_ - s.f) - priced_;
  }

  // Makes a state's member of this stage a link of the arena.
  void push_link(state& t) {
    if (t.item == nullptr) return;
    arena_.push_back({t.parent, t.item});
    t.parent = static_cast<std::int32_t>(arena_.size() - 1);
    t.item = nullptr;
  }

  // The children of state s at stage i (no member from pool i, or one of its plans) that may
  // still win, to `emit`; complete portfolios go to the incumbent instead.
  template <class Emit>
  void expand(std::size_t i, const state& s, Emit emit) {
    if (done()) return;
    if ((++nodes_ & 1023) == 0 && cancel_ != nullptr && cancel_->load()) stopped_ = true;
    if (work_limit_ > 0 && work_ >= work_limit_) stopped_ = limited_ = true;
    ++work_;
    if (done() || !alive(i, s)) return;
    const pool_data& d = pools_[i];
    const double r = required_ - s.f;
    const double lb = obj_lb_[i].at(r);
    const double mag = std::fabs(w(s)) + std::fabs(lb) + std::fabs(priced_);
    if (d.none_ok) {
      state t = s;
      t.item = nullptr;
      if (alive(i + 1, t)) emit(t);
    }
    for (std::size_t j = 0; j < d.items.size(); ++j) {
      // Every later plan lies at least as far above the hull: none can beat the incumbent.
      if (surely_above(w(s) + lb - priced_ + d.excess[j], mag + d.excess[j])) break;
      ++work_;
      const pool_candidate& it = d.items[j];
      const auto& x = d.exact[j];
      const state t{s.f + it.flops,
                    s.obj + it.obj,
                    s.capex + it.capex,
                    s.tco + it.tco,
                    {s.sum[0] + x[0], s.sum[1] + x[1], s.sum[2] + x[2], s.sum[3] + x[3]},
                    s.members + 1,
                    s.parent,
                    &it};
      if (t.sum[kFlops] >= req_) {
        if (promising(t.obj, t.members, std::fabs(t.obj)))
          offer(evaluate_members(members_of(t.parent, t.item), p_, required_));
        continue;
      }
      if (alive(i + 1, t)) emit(t);
    }
  }

  // Depth-first search from stage i over `states` (members already links), best bound first.
  void depth_first(std::size_t i, std::vector<state> states) {
    std::stable_sort(states.begin(), states.end(),
                     [&](const state& a, const state& b) { return bound(i, a) < bound(i, b); });
    for (const state& s : states) dive(i, s);
  }

  void dive(std::size_t i, state s) {
    if (i == pools_.size()) return;
    std::vector<state> children;
    expand(i, s, [&](const state& t) { children.push_back(t); });
    std::stable_sort(children.begin(), children.end(),
                     [&](const state& a, const state& b) { return bound(i + 1, a) < bound(i + 1, b); });
    for (state t : children) {
      if (done()) return;
      if (!alive(i + 1, t)) continue;  // the incumbent may have improved meanwhile
      const bool linked = t.item != nullptr;
      push_link(t);
      dive(i + 1, t);
      if (linked) arena_.pop_back();
    }
  }

  // The bounds' cost: the objective plus the budgets' prices (Lagrange multipliers). For any
  // portfolio within the budgets, objective >= w - mu_c capex_budget - mu_t tco_budget, so every
  // bound below is on w and lowered by `priced_` (MODEL.md "Portfolios": budgets).
  double w(const pool_candidate& r) const { return r.obj + mu_c_ * r.capex + mu_t_ * r.tco; }
  double w(const state& s) const { return s.obj + mu_c_ * s.capex + mu_t_ * s.tco; }

  const portfolio_problem& p_;
  double required_;
  double mu_c_ = 0, mu_t_ = 0, priced_ = 0;
  struct extra_bound {
    double mu_c = 0, mu_t = 0, priced = 0;
    std::vector<suffix_bound> lb;
  };
  std::vector<extra_bound> extra_;
  std::vector<std::optional<rank_key>> least_key_;  // [stage]: the least key of pools i, ...
  std::vector<rank_key> best_keys_;                  // the incumbent's keys, sorted
  std::vector<std::size_t> last_by_obj_;  // the last pool's plans by objective (last_ok)
  std::vector<std::vector<double>> cv_;  // the target bound (build_cover): [stage][steps]
  std::vector<double> cv_mag_;            // [stage]: the sum of the largest |w|
  double cv_step_ = 0;
  std::vector<knap_table> kb_;  // the budget bounds (build_knap); empty when no budget binds
  int kb_fig_ = -1;             // the budget they keep whole: kCapex or kTco
  double kb_budget_ = 0, kb_step_ = 0, kb_mu_o_ = 0, kb_priced_o_ = 0, kb_lam_ = 0;
  double kb_root_ = -kInf;      // the root's budget bound
  const std::atomic<bool>* cancel_;
  bool stopped_ = false;
  bool limited_ = false;            // stopped at the work limit
  std::uint64_t work_limit_ = 0;    // set_work_limit
  std::uint64_t work_ = 0;          // work()
  double lower_ = -kInf;            // lower_bound()
  bool any_ = false;     // stop at the first feasible portfolio (stop_at_first)
  std::function<first_result(std::uint64_t)> first_;  // set_first_incumbent
  bool done() const { return stopped_ || (any_ && best_.feasible); }
  // Before a search of its own (a cutoff pass, the first incumbent's): whether work is left
  // under the limit; if none, the search stops here.
  bool spend_limit() {
    if (work_limit_ > 0 && work_ >= work_limit_) stopped_ = limited_ = true;
    return !stopped_;
  }
  // The limit a search of its own gets: what is left of this one's (0: none; spend_limit has
  // made sure some is left).
  std::uint64_t work_left() const { return work_limit_ > 0 ? work_limit_ - work_ : 0; }
  bool heuristics_;      // first incumbents from the LP's rounding and a beam pass
  bool staged_ = true;   // whether run() tries cutoffs first (not within such a pass)
  double cutoff_ = kInf;  // a pass that keeps only portfolios at or below this objective
  double cap_ = kInf;     // a budget on the objective's own figure: no feasible portfolio is above it
  bool prices_given_ = false;  // a pass takes its parent's budget prices
  mutable std::vector<const pool_candidate*> scratch_a_, scratch_b_;
  mutable std::vector<rank_key> scratch_keys_;  // keys_lose
  quanta qa_;
  wide req_ = 0;  // the target in quanta
  std::vector<std::vector<std::size_t>> by_flops_;  // each pool's items by FLOP/s (root_bound)
  pareto_dims dims_{false, false};
  std::vector<pool_data> pools_;
  std::vector<suffix_bound> obj_lb_, capex_lb_, tco_lb_;
  std::vector<std::vector<double>> more_;
  std::vector<link> arena_;
  portfolio_solution best_;
  std::uint64_t nodes_ = 0;
};

}  // namespace

bool portfolio_better(const portfolio_solution& a, const portfolio_solution& b) {
  if (!a.feasible) return false;
  if (!b.feasible) return true;
  if (const int c = compare_objectives(a.members, b.members); c != 0) return c < 0;
  if (a.members.size() != b.members.size()) return a.members.size() < b.members.size();
  return keys_less(a.members, b.members);
}

portfolio_solution solve_portfolio(const portfolio_problem& p, double required,
                                   const std::atomic<bool>* cancel, const portfolio_search_options& o) {
  // A budget that may bind can leave the search without an incumbent for long (every
  // portfolio it meets over the budget). So when the heuristics find none, a search on that
  // budget's own figure, which the budget then caps: it stops at the first feasible portfolio
  // (same constraints), a first incumbent, or proves the problem infeasible.
  const auto may_bind = [&](const std::optional<double>& budget, double pool_candidate::*fig) {
    if (!budget) return false;
    std::map<int, double> most;
    for (const pool_candidate& r : p.items) most[r.pool] = std::max(most[r.pool], r.*fig);
    double sum = 0;
    for (const auto& [pool, m] : most) sum += m;
    return sum * (1 + 1e-9) > *budget;
  };
  double pool_candidate::*first = nullptr;
  if (may_bind(p.tco_budget, &pool_candidate::tco)) first = &pool_candidate::tco;
  else if (may_bind(p.capex_budget, &pool_candidate::capex)) first = &pool_candidate::capex;
  dominance_dp dp(p, required, cancel, o.heuristics);
  dp.set_work_limit(o.work_limit);
  if (first != nullptr &&
      std::any_of(p.items.begin(), p.items.end(), [&](const pool_candidate& r) { return r.obj != r.*first; }))
    dp.set_first_incumbent([&p, required, cancel, first, &o](std::uint64_t limit) {
      portfolio_problem q = p;
      for (pool_candidate& r : q.items) r.obj = r.*first;
      dominance_dp first_dp(q, required, cancel, o.heuristics);
      first_dp.stop_at_first();
      first_dp.set_work_limit(limit);
      const portfolio_solution s = first_dp.run({});
      first_result f;
      f.nodes = s.nodes;
      f.stopped = first_dp.stopped();
      f.limited = first_dp.limited();
      f.work = first_dp.work();
      f.infeasible = !f.stopped && !s.feasible;
      for (const pool_candidate& m : s.members)
        for (const pool_candidate& r : p.items)
          if (r.index == m.index && r.pool == m.pool) {
            f.members.push_back(r);
            break;
          }
      return f;
    });
  portfolio_solution s = dp.run({});
  s.work = dp.work();
  // Stopped at the work limit: the best found and a lower bound, unless the root's bound itself
  // proves no portfolio feasible.
  if (dp.limited() && !(!s.feasible && dp.lower_bound() == kInf)) {
    s.proven = false;
    s.lower_bound = s.feasible ? std::min(dp.lower_bound(), s.objective) : dp.lower_bound();
  }
  return s;
}

portfolio_solution solve_portfolio_brute_force(const portfolio_problem& p, double required) {
  std::vector<std::vector<pool_candidate>> pools;
  std::vector<pool_candidate> items = p.items;
  std::sort(items.begin(), items.end(), detail::pool_then_rank{});
  for (const auto& r : items) {
    if (pools.empty() || pools.back()[0].pool != r.pool) pools.emplace_back();
    pools.back().push_back(r);
  }
  portfolio_solution best;
  std::vector<pool_candidate> chosen;
  std::uint64_t visited = 0;
  auto rec = [&](auto&& self, std::size_t i) -> void {
    ++visited;
    if (i == pools.size()) {
      portfolio_solution s = evaluate_members(chosen, p, required);
      if (s.feasible && portfolio_better(s, best)) best = std::move(s);
      return;
    }
    self(self, i + 1);
    for (const auto& r : pools[i]) {
      chosen.push_back(r);
      self(self, i + 1);
      chosen.pop_back();
    }
  };
  rec(rec, 0);
  best.nodes = visited;
  return best;
}

void check_portfolio_scenario(const scenario& sc) {
  if (sc.training)
    throw input_error(sc.file, 0, 0, "target.portfolio",
                      "a training target is one cluster and never a portfolio; give "
                      "target.effective_flops for a fleet");
  if (sc.obj == objective::ready_months || sc.obj == objective::effective_flops)
    throw input_error(sc.file, 0, 0, "objective",
                      std::string("the ") + to_string(sc.obj) +
                          " objective does not sum over a portfolio; valid for portfolios: tco, "
                          "capex, carbon");
  if (!sc.target_effective_flops)
    throw input_error(sc.file, 0, 0, "target.effective_flops",
                      "a portfolio needs a fleet target: give target.effective_flops");
}

portfolio_report run_portfolio(const scenario& sc, const plan_space& sp, backend_kind backend,
                               const engine_options& opt, const portfolio_options& popt) {
  check_portfolio_scenario(sc);
  return solve_portfolio_report(sc, find_pool_candidates(sc, sp, backend, opt), opt, popt);
}

portfolio_report solve_portfolio_report(const scenario& sc, pool_candidates_result fr,
                                        const engine_options& opt,
                                        const portfolio_options& popt) {
  portfolio_report rep;
  rep.candidates_seconds = fr.seconds;
  rep.candidate_count = fr.items.size();
  portfolio_problem p;
  p.items = std::move(fr.items);
  p.capex_budget = sc.budget_capex_usd;
  p.tco_budget = sc.budget_tco_usd;
  const double required = sc.globals().required_effective_flops;
  const auto t0 = std::chrono::steady_clock::now();
  // The cost curve's solves are independent: one per thread, each exact and deterministic.
  constexpr int kPoints = static_cast<int>(std::size(kCostCurveFractions));
  std::vector<portfolio_solution> sol(kPoints);
  // The target's own solve starts first; its time from the start is the time to the optimum.
  std::vector<int> order;
  for (int k = 0; k < kPoints; ++k)
    if (kCostCurveFractions[k] == 1.0) order.insert(order.begin(), k);
    else order.push_back(k);
  const int threads = opt.threads > 0 ? opt.threads : omp_get_num_procs();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int n = 0; n < kPoints; ++n) {
    const int k = order[static_cast<std::size_t>(n)];
    if (opt.cancel && opt.cancel->load()) continue;
    portfolio_search_options o;
    if (kCostCurveFractions[k] != 1.0) o.work_limit = popt.curve_work_limit;
    sol[k] = solve_portfolio(p, required * kCostCurveFractions[k], opt.cancel, o);
    if (kCostCurveFractions[k] == 1.0)
      rep.target_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
  for (int k = 0; k < kPoints; ++k) {
    rep.nodes += sol[k].nodes;
    rep.cost_curve.push_back(sol[k].feasible ? std::optional<double>(sol[k].objective) : std::nullopt);
    rep.cost_curve_bound.push_back(sol[k].proven ? std::nullopt : std::optional<double>(sol[k].lower_bound));
    if (kCostCurveFractions[k] == 1.0) rep.best = std::move(sol[k]);
  }
  rep.candidates = std::move(p.items);
  rep.solve_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace dcplan
