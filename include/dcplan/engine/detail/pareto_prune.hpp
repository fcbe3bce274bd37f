#pragma once
// The pruned pool-candidate pass (MODEL.md "Portfolios"): per combination, the candidate
// plans (tests 1-5 and 7, each budget alone) form a prefix of the node counts, and a whole range
// of node counts is skipped when one known candidate of its pool beats every plan of the range
// on every figure the optimizer compares. Only ranges near the pool candidates are evaluated plan
// by plan; the exact sweep (host/pareto.cpp) then keeps the undominated candidates.
//
// Why a skipped range holds no pool candidate. For node counts n0 <= n <= n1 of one combination:
// - capex, TCO and tco2_per_year are non-decreasing in n: every term is a product of
//   non-negative non-decreasing factors (range_reduce.hpp), and TCO = hw_capex +
//   fac_capex (1 - residual_life discount_h) + opex annuity with residual_life discount_h < 1.
//   The doubles differ from the exact values by a few ulps (TCO's subtraction loses at most a
//   factor 1 / (1 - residual_life discount_h), capped at 1000 here), so figure(n0) lowered by
//   1e-9 relative is a lower bound over the range.
// - effective_flops = peak(n) mfu efficiency(n) with peak non-decreasing and efficiency
//   non-increasing (scaling_k >= 0), so peak(n1) mfu efficiency(n0), raised by 1e-9 relative, is
//   an upper bound, whatever scaling_k is. With goodput (MODEL.md "Goodput") effective_flops is
//   further multiplied by goodput = interval / (M exp(R/M) expm1((interval + delta)/M)), whose
//   exact value is below interval / (interval + delta) < 1 (exp(R/M) >= 1, expm1(y) >= y), and
//   whose double is within 1e-14 relative of it; so the same bound, which leaves goodput out,
//   still holds with its 1e-9 margin, though goodput makes the figure non-monotone in n.
//   The objective's bound is the objective at n0, except under the effective_flops objective
//   with goodput, where the FLOP/s bound above gives it (-flops_hi).
// - inference targets (MODEL.md "Inference targets"): effective_flops, capex, TCO and
//   tco2_per_year keep their v1 formulas, so the bounds above hold unchanged; the candidates and
//   the cost frontier stay on the effective FLOP/s axis. near_feasible now includes test 9,
//   which fails on a prefix of the node counts (range_reduce.hpp), so near-feasible plans are no
//   longer a prefix: `one` tests near_feasible plan by plan, and a skipped range only needs to
//   be dominated, whichever of its plans pass test 9. Inference targets are never portfolios.
// A candidate r of the same pool with more FLOP/s than the bound, an objective strictly below
// the objective's bound and capex and TCO (where compared) at most their bounds dominates every
// plan of the range (pool_candidates.hpp `dominates`: the strict objective makes it ranked first).
// A dominated plan is never on the pool candidates, and dominance is transitive, so the sweep over
// the remaining candidates plus r gives the exact pool candidates. Where a guard fails (a TCO with
// the residual cancelling almost all of the facility capex), every candidate is evaluated.
#include <cstdint>

#include "dcplan/engine/detail/range_reduce.hpp"
#include "dcplan/engine/pool_candidates.hpp"
#include "dcplan/model/macros.hpp"
#include "dcplan/model/model.hpp"

namespace dcplan::detail {

/// Known candidates of each pool, sorted by FLOP/s ascending within the pool, for dominance
/// look-ups: pool p holds recs[begin[p], begin[p + 1]).
struct rep_index {
  const pool_candidate* recs;
  const std::uint32_t* begin;
  int pools;
  pareto_dims d;
  // The cost frontier's pass (cost_frontier.hpp): every plan in pool 0, the objective TCO, and
  // `dominated` in frontier_covers' sense instead of `dominates`.
  bool cost_frontier = false;

  /// How many candidates from the first with enough FLOP/s are compared against a query. The
  /// choice only affects speed: a query that finds no dominating candidate keeps the plans.
  static constexpr std::uint32_t kScan = 8;

  DCPLAN_HD std::uint32_t first_at_least(int pool, double flops) const {
    std::uint32_t lo = begin[pool], hi = begin[pool + 1];
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      if (recs[mid].flops >= flops)
        hi = mid;
      else
        lo = mid + 1;
    }
    return lo;
  }

  /// Whether a candidate beats every plan of a range with these bounds (see the header).
  DCPLAN_HD bool dominates_box(int pool, double flops_hi, double obj_lo, double capex_lo,
                               double tco_lo) const {
    if (pool < 0 || pool >= pools) return false;
    const std::uint32_t end = begin[pool + 1];
    for (std::uint32_t k = first_at_least(pool, flops_hi), m = 0; k < end && m < kScan; ++k, ++m) {
      const pool_candidate& r = recs[k];
      if (r.obj < obj_lo && (!d.capex || r.capex <= capex_lo) && (!d.tco || r.tco <= tco_lo))
        return true;
    }
    return false;
  }

  /// Whether a candidate dominates `q` exactly.
  DCPLAN_HD bool dominated(const pool_candidate& q) const {
    if (q.pool < 0 || q.pool >= pools) return false;
    const std::uint32_t end = begin[q.pool + 1];
    for (std::uint32_t k = first_at_least(q.pool, q.flops), m = 0; k < end && m < kScan; ++k, ++m) {
      const pool_candidate& r = recs[k];
      if (cost_frontier ? r.obj <= q.obj && r.flops >= q.flops &&
                              (r.obj < q.obj || r.flops > q.flops || r.index < q.index)
                        : dominates(r, q, d))
        return true;
    }
    return false;
  }
};

/// Whether this scenario's figures are monotone enough for range skipping (see the header).
DCPLAN_HD bool candidate_ranges_exact(const model_view& v) {
  return v.g.residual_life * v.g.discount_h <= 0.999 && v.g.annuity >= 0 && v.g.utilization >= 0 &&
         v.g.maintenance_rate >= 0 && v.g.staff_usd_per_mw_year >= 0 &&
         v.g.build_usd_per_mw_it >= 0 && v.g.rack_usd >= 0;
}

/// The end of the candidate prefix of plan offsets [b, e) of combination `k`: tests 1-3 and 7 do
/// not depend on n, and tests 4, 5 and the capex budget fail on suffixes (range_reduce.hpp).
/// Returns b when no plan of the range can be a candidate.
DCPLAN_HD std::uint64_t candidate_prefix_end(const model_view& v, const space_view& sp, int k,
                                             std::uint64_t b, std::uint64_t e) {
  if (b >= e) return b;
  const combo& cb = sp.combos[k];
  const auto plan = [&](std::uint64_t j) {
    return evaluate_plan(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing,
                         static_cast<double>(j + 1) * sp.node_step);
  };
  const plan_figures first = plan(b);
  constexpr unsigned kConstant =
      (1u << reason_year) | (1u << reason_cooling) | (1u << reason_rack) | (1u << reason_deadline);
  if (first.failed & kConstant) return b;
  return first_true(b, e, [&](std::uint64_t j) {
    const plan_figures p = plan(j);
    return fails(p, reason_fabric) || fails(p, reason_power) ||
           (v.g.has_budget_capex && p.capex > v.g.budget_capex_usd);
  });
}

/// Hands every candidate of plan offsets [b, e) of combination `k` that no range test or
/// look-up in `reps` rules out to `emit` (a pool_candidate). With `skip_ranges` false (or where a
/// guard fails) every candidate is evaluated; the look-up still drops exactly dominated plans.
template <class Emit>
DCPLAN_HD void range_candidates(const model_view& v, const space_view& sp, int k, std::uint64_t b,
                                std::uint64_t e, const rep_index& reps, bool skip_ranges,
                                Emit emit) {
  const combo& cb = sp.combos[k];
  const std::uint64_t base = sp.starts[k];
  const auto plan = [&](std::uint64_t j) {
    return evaluate_plan(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing,
                         static_cast<double>(j + 1) * sp.node_step);
  };
  const std::uint64_t end = candidate_prefix_end(v, sp, k, b, e);
  if (end <= b) return;
  const auto one = [&](std::uint64_t j) {
    const plan_figures p = plan(j);
    if (!p.near_feasible) return;
    const pool_candidate r = make_candidate(v, cb, p, base + j, reps.cost_frontier);
    if (!reps.dominated(r)) emit(r);
  };
  const plan_figures first = plan(b);
  const bool ranges = skip_ranges && v.fabrics[cb.fabric].scaling_k >= 0 && first.pue > 0 &&
                      candidate_ranges_exact(v);
  if (!ranges) {
    for (std::uint64_t j = b; j < end; ++j) one(j);
    return;
  }
  constexpr std::uint64_t kLeaf = 8;
  constexpr double kMargin = 1e-9;
  const int pool = reps.cost_frontier ? 0 : pool_id(cb.site, cb.sourcing);
  const double mfu = v.systems[cb.system].mfu;
  // Depth-first bisection with an explicit stack (log2 of 2^64 ranges at most on it).
  std::uint64_t lo_stack[72], hi_stack[72];
  int top = 0;
  lo_stack[0] = b;
  hi_stack[0] = end - 1;
  top = 1;
  while (top > 0) {
    --top;
    const std::uint64_t lo = lo_stack[top], hi = hi_stack[top];
    if (hi - lo < kLeaf) {
      for (std::uint64_t j = lo; j <= hi; ++j) one(j);
      continue;
    }
    const plan_figures pl = plan(lo), ph = plan(hi);
    const double flops_hi = ph.peak_flops * mfu * pl.efficiency * (1 + kMargin);
    // See the header: with goodput, effective FLOP/s at n0 does not bound the range's.
    const double obj_lo =
        v.g.has_reliability && v.g.obj == static_cast<int>(objective::effective_flops)
            ? -flops_hi
            : objective_key(pl, v.g.obj);
    const bool skip =
        reps.dominates_box(pool, flops_hi, obj_lo - kMargin * fabs(obj_lo),
                           pl.capex - kMargin * fabs(pl.capex), pl.tco - kMargin * fabs(pl.tco));
    if (skip) continue;
    const std::uint64_t mid = lo + (hi - lo) / 2;
    lo_stack[top] = mid + 1;
    hi_stack[top] = hi;
    ++top;
    lo_stack[top] = lo;
    hi_stack[top] = mid;
    ++top;
  }
}

/// Samples of the candidates of offsets [b, e) of combination `k` at geometrically spaced node
/// counts (ratio about 1 + 1/32), for the first set of known candidates.
template <class Emit>
DCPLAN_HD void candidate_samples(const model_view& v, const space_view& sp, int k, std::uint64_t b,
                                 std::uint64_t e, bool one_pool, Emit emit) {
  const combo& cb = sp.combos[k];
  const std::uint64_t end = candidate_prefix_end(v, sp, k, b, e);
  for (std::uint64_t j = b; j < end; j += 1 + (j - b) / 32) {
    const plan_figures p = evaluate_plan(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing,
                                         static_cast<double>(j + 1) * sp.node_step);
    if (p.near_feasible) emit(make_candidate(v, cb, p, sp.starts[k] + j, one_pool));
  }
  if (end > b) {
    const std::uint64_t j = end - 1;
    const plan_figures p = evaluate_plan(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing,
                                         static_cast<double>(j + 1) * sp.node_step);
    if (p.near_feasible) emit(make_candidate(v, cb, p, sp.starts[k] + j, one_pool));
  }
}

} // namespace dcplan::detail
