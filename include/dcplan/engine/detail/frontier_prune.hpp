#pragma once
// The cost frontier (cost_frontier.hpp) from the pruned pass (range_reduce.hpp). The pass
// decides which plans of each piece of a combination can be near-feasible: it hands on one range
// of node counts per piece, [R, C) of detail::reduce_range (R the first plan passing test 9, C
// the first failing the capex budget), when test 7 passes; every plan outside it fails the year,
// cooling, rack, fabric, power, replica, deadline or capex test. (Where reduce_range evaluates a
// combination plan by plan, it hands on each near-feasible plan instead.) Once the pass is done,
// the ranges are walked here, the most promising first, against the frontier of the plans
// evaluated so far: from each plan evaluated, the longest run of following plans that one point
// of that frontier covers whole is skipped, and the plans evaluated are merged into it.
//
// Why a skipped range holds no frontier plan. For node counts n0 <= n <= n1 of one
// combination, detail/pareto_prune.hpp's bounds hold (the same guards: scaling_k >= 0, a
// positive PUE and candidate_ranges_exact): TCO(n0) lowered by 1e-9 relative is at most any
// plan's TCO in the range, and peak(n1) mfu efficiency(n0) raised by 1e-9 relative is at least
// any plan's effective FLOP/s. A near-feasible plan p with TCO strictly below the first bound
// and effective FLOP/s at least the second covers every plan q of the range (frontier_covers:
// TCO lower, so p comes first in frontier_before's order), so no q is on the frontier. The
// points the check reads are real near-feasible plans, so the covering plan is itself either
// on the frontier or covered by a plan that is (covering is transitive, and frontier_before is
// a total order), and the final merge (merge_frontier) drops q in any case. Where a guard fails,
// every plan of the range is evaluated.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <vector>

#include "dcplan/engine/detail/cost_frontier.hpp"
#include "dcplan/engine/detail/pareto_prune.hpp"
#include "dcplan/engine/detail/range_reduce.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/model/macros.hpp"
#include "dcplan/model/model.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan::detail {

/// Plan offsets [lo, hi) of combination `k` that may hold near-feasible plans, for the walk;
/// `score` (effective FLOP/s per USD of TCO of the piece's first plan) only orders the work.
struct frontier_range {
  int k;
  std::uint64_t lo, hi;
  double score;
};

/// The first index in [0, n) where `pred` holds (n when none), for a predicate false then true
/// over the indices, searched outward from `hint` (exponential steps, then halving): a search
/// near the previous answer costs a few comparisons.
template <class Pred>
DCPLAN_HD_HOT std::uint64_t gallop_first(std::uint64_t n, std::uint64_t hint, Pred pred) {
  std::uint64_t lo, hi; // the answer lies in [lo, hi]
  if (hint >= n) hint = n;
  if (hint < n && !pred(hint)) {
    std::uint64_t step = 1;
    lo = hint + 1;
    while (lo + step - 1 < n && !pred(lo + step - 1)) {
      lo += step;
      step *= 2;
    }
    hi = lo + step - 1 < n ? lo + step - 1 : n;
  } else {
    std::uint64_t step = 1;
    hi = hint;
    while (hi >= step && pred(hi - step)) {
      hi -= step;
      step *= 2;
    }
    lo = hi >= step ? hi - step + 1 : 0;
  }
  return first_true(lo, hi, pred);
}

/// Look-ups in a frontier (TCO and eff rising) that start where the last one ended.
struct frontier_cursor {
  frontier_view fr;
  std::uint64_t at = 0;

  /// Whether a point has TCO below `tco_lo` and effective FLOP/s of at least `eff_hi`. The
  /// first point with enough FLOP/s has the least TCO of those that do and alone decides.
  DCPLAN_HD_HOT bool covers_box(double tco_lo, double eff_hi) {
    const frontier_point* p = fr.points;
    at = gallop_first(fr.n, at, [p, eff_hi](std::uint64_t i) { return p[i].eff >= eff_hi; });
    return at < fr.n && p[at].tco < tco_lo;
  }
  /// The most effective FLOP/s of a point with TCO below `tco`, -1 when none (FLOP/s are
  /// positive): the last such point's.
  DCPLAN_HD_HOT double best_eff_below(double tco) {
    const frontier_point* p = fr.points;
    at = gallop_first(fr.n, at, [p, tco](std::uint64_t i) { return p[i].tco >= tco; });
    return at > 0 ? p[at - 1].eff : -1.0;
  }
  /// frontier_view_covers: the last point with TCO at most q's decides.
  DCPLAN_HD_HOT bool covers(const frontier_point& q) {
    const frontier_point* p = fr.points;
    at = gallop_first(fr.n, at, [p, &q](std::uint64_t i) { return p[i].tco > q.tco; });
    return at > 0 && frontier_covers(p[at - 1], q);
  }
};

/// One thread's frontier so far: merged points, and the points they did not cover when they
/// came, merged in batches. Host only.
struct frontier_acc {
  static constexpr std::size_t kBatch = 1024;
  std::vector<frontier_point> front;   // frontier_before order: TCO and eff rising
  std::vector<frontier_point> pending; // not yet merged into `front`
  std::uint64_t at = 0;                // where the last look-up in `front` ended (frontier_cursor)

  /// Whether a point of `front` covers `q`. Plans of a combination come in rising TCO, so the
  /// look-up starts where the last one ended.
  bool covers(const frontier_point& q) {
    frontier_cursor cur{view(), at};
    const bool c = cur.covers(q);
    at = cur.at;
    return c;
  }
  void add(const frontier_point& q) {
    if (covers(q)) return;
    pending.push_back(q);
    if (pending.size() >= kBatch) flush();
  }
  void flush() {
    if (pending.empty()) return;
    std::sort(pending.begin(), pending.end(), frontier_before);
    merge_frontier(front, pending);
    pending.clear();
    at = 0;
  }
  frontier_view view() const { return {front.data(), front.size()}; }
};

/// Hands every near-feasible plan of offsets [lo, hi) of combination `k` that `fr` may not cover
/// to `emit(frontier_point)`, skipping the runs of plans a point of `fr` covers whole (the header).
/// From each plan it evaluates, it skips the longest run of later plans that its box bound lets
/// a point of `fr` cover, and evaluates the plan after it. The bound's FLOP/s at the far end need
/// the peak FLOP/s alone, a product of the node count, so trying a far end costs no evaluation.
/// Plans are evaluated with the combination's figures hoisted (model.hpp `evaluate_sized`, the
/// last stage of evaluate_plan), so every figure is evaluate_plan's.
template <class Emit>
DCPLAN_HD void frontier_in_range(const model_view& v, const space_view& sp, int k, std::uint64_t lo,
                                 std::uint64_t hi, const frontier_view& fr, Emit emit) {
  if (lo >= hi) return;
  const combo& cb = sp.combos[k];
  const std::uint64_t base = sp.starts[k];
  const combo_figures kf =
      combo_figures_of(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing);
  const auto nodes = [&](std::uint64_t j) { return static_cast<double>(j + 1) * sp.node_step; };
  const bool ranges =
      v.fabrics[cb.fabric].scaling_k >= 0 && candidate_ranges_exact(v) && kf.pue > 0;
  const system_rec& sys = v.systems[cb.system];
  const accelerator_rec& ar = v.accelerators[sys.accelerator];
  const double peak_per_acc =
      v.g.prec == static_cast<int>(precision::fp8) ? ar.peak_fp8_flops : ar.peak_bf16_flops;
  constexpr double kMargin = 1e-9; // pareto_prune.hpp's
  frontier_cursor cur{fr};
  for (std::uint64_t a = lo; a < hi;) {
    const plan_figures p = evaluate_sized(v, kf, size_figures_of(v, kf, nodes(a)));
    const frontier_point q = frontier_point_of(p, base + a);
    if (p.near_feasible && !cur.covers(q)) emit(q);
    ++a;
    if (!ranges || a == hi) continue;
    // The most FLOP/s of a point with TCO below the bound's (none: every point's TCO is higher).
    const double tco_lo = q.tco - kMargin * fabs(q.tco);
    const double best = cur.best_eff_below(tco_lo);
    // The plan's box [a - 1, c] is covered while peak(c) mfu efficiency(a - 1) (1 + margin),
    // which grows with c, stays at most `best`; peak(c) is perf_figures_of's product acc * peak.
    const auto open = [&](std::uint64_t i) {
      const double peak = fabric_figures_of(v, kf, nodes(a + i)).acc * peak_per_acc;
      return !(peak * sys.mfu * p.efficiency * (1 + kMargin) <= best);
    };
    a += gallop_first(hi - a, 0, open);
  }
}

/// walk_frontier's emit: a point for the next merge into the frontier so far.
struct pend_point {
  frontier_acc& fr;
  DCPLAN_HD void operator()(const frontier_point& q) const {
#if !defined(__CUDA_ARCH__) // the walk runs on the host only
    fr.pending.push_back(q);
#endif
  }
};

/// The cost frontier of the near-feasible plans of `ranges` (frontier_in_range) and of the
/// frontier `front` (frontier_before order) the plans evaluated one by one gave. The ranges whose
/// first plan gives the most FLOP/s per dollar go first, as their plans are the likeliest to lie
/// on the frontier and cover later ranges; the order only affects the speed. One thread: in order,
/// each range meets every earlier range's plans (measured slower split over two threads,
/// docs/benchmarks.md). Throws interrupted_error once `cancel` is set. Host only.
inline std::vector<frontier_point> walk_frontier(const model_view& v, const space_view& s,
                                                 std::vector<frontier_range> ranges,
                                                 std::vector<frontier_point> front,
                                                 const std::atomic<bool>* cancel) {
  std::sort(ranges.begin(), ranges.end(), [](const frontier_range& x, const frontier_range& y) {
    if (x.score != y.score) return x.score > y.score;
    return x.k != y.k ? x.k < y.k : x.lo < y.lo;
  });
  frontier_acc fr;
  fr.front = std::move(front);
  for (const frontier_range& r : ranges) {
    if (cancel && cancel->load()) throw interrupted_error("interrupted");
    frontier_in_range(v, s, r.k, r.lo, r.hi, fr.view(), pend_point{fr});
    fr.flush();
  }
  return std::move(fr.front);
}

} // namespace dcplan::detail
