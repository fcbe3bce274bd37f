#pragma once
// Exact pruning over the node counts of one combination (site, system, cooling, fabric,
// sourcing): MODEL.md's tests are monotone in the node count n, so whole ranges of plans share
// their outcome and are counted without evaluating each plan. Only the plans that pass tests
// 1-7 (and 9) are evaluated one by one (for the TCO budget and their ranking keys).
//
// Why each split is exact (every figure is the IEEE double of MODEL.md, evaluated as written):
// - year, cooling, rack and deadline do not depend on n: the first plan decides the range.
// - fabric: tiers is a step function of acc = n * accelerators_per_node, non-decreasing in n.
// - power: it_kw = n * node_kw + acc * w / 1000 * tiers / 2 is a sum of products of non-negative
//   non-decreasing terms; IEEE rounding is monotone, so it_kw, facility_kw and acc are
//   non-decreasing in n and each power test fails on a suffix of the range.
// - capex: hw_capex (n, acc, tiers, racks = ceil(n / per_rack)) and fac_capex (it_kw) are
//   likewise non-decreasing, so the capex budget fails on a suffix.
// - target: effective_flops = acc * peak * mfu / (1 + k log2(max(1, acc / d))). For k <= 0.5 its
//   exact value grows by a factor of at least 1 + (1 - k / ln 2) / (n (1 + k log2(acc))) from one
//   plan to the next, over 1e-11 relative for n <= 1e9 and acc <= 2^40, while the double differs
//   from the exact value by under 1e-14 relative (a few roundings and log2's error of an ulp or
//   two). So the computed figure is strictly increasing too and the target passes on a suffix.
//   Outside those bounds every plan is evaluated.
// - target with goodput (MODEL.md "Goodput", a reliability block): effective_flops is multiplied
//   by goodput, which falls as the cluster grows, so the figure rises and then falls and test 6
//   passes on an interval of node counts, not a suffix. No range is claimed for it: every plan
//   that passes tests 1-5 is evaluated one by one (the year, cooling, rack, fabric and power
//   splits above do not involve goodput and stay exact).
// - replica and target with an inference target (MODEL.md "Inference targets"; test 9 comes
//   after test 5 and before test 6): the replica search depends on the system only, so `p`,
//   `batch` and `step_s` are the same for every plan of the combination, and n enters only
//   through replicas = floor(acc / D) * floor(D / p) + floor((acc - floor(acc / D) * D) / p).
//   Exactly, that is non-decreasing in acc: within a domain the second term grows, and from
//   acc = kD - 1 to kD the first grows by floor(D / p) >= floor((D - 1) / p), the second's most.
//   As computed, acc and D are integers below 2^40 here and p a power of two: acc / D rounds to
//   an integer only when it is one (a non-integer quotient is at least 1 / D from the next
//   integer, over 2^-52 relative of it), acc - floor(acc / D) * D is exact and the division by p
//   is exact, so every floor is the exact one and the double is the exact integer.
//   tokens_per_second = replicas * batch / step_s rounds a non-decreasing value by monotone
//   roundings, so it is non-decreasing in n too. Hence test 9 (replicas >= 1, or no p at all)
//   fails on a prefix of [b, P) and test 6 (tokens_per_second >= required) passes on a suffix
//   of what remains; neither reads effective_flops, so no bound on scaling_k is needed.
//   Under the guards n_max <= 1e9 and acc <= 2^40; outside them every plan is evaluated.
// - the TCO budget has no such guarantee (the residual value is subtracted), so it is tested
//   plan by plan, as are the ranking keys.
#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "dcplan/model/macros.hpp"
#include "dcplan/model/model.hpp"
#include "dcplan/model/rank.hpp"
#include "dcplan/engine/detail/sweep.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan::detail {

/// A piece of one combination: plan offsets [begin, end) within it; the unit of parallel work.
struct piece {
  int combo;
  std::uint64_t begin, end;
};

/// The space as pieces of at most `max_len` plans, in plan-index order.
inline std::vector<piece> split_pieces(const plan_space& sp, std::uint64_t max_len) {
  std::vector<piece> out;
  for (std::size_t k = 0; k < sp.combos.size(); ++k)
    for (std::uint64_t b = 0; b < sp.combos[k].count; b += max_len)
      out.push_back({static_cast<int>(k), b, std::min(sp.combos[k].count, b + max_len)});
  return out;
}

/// The pieces of plan indices [begin, end) only, clipped at both ends, in plan-index order.
inline std::vector<piece> split_pieces(const plan_space& sp, std::uint64_t max_len,
                                       std::uint64_t begin, std::uint64_t end) {
  std::vector<piece> out;
  for (const piece& p : split_pieces(sp, max_len)) {
    const std::uint64_t base = sp.starts[p.combo];
    const std::uint64_t b = std::max(p.begin, begin > base ? begin - base : 0);
    const std::uint64_t e = std::min(p.end, end > base ? end - base : 0);
    if (b < e) out.push_back({p.combo, b, e});
  }
  return out;
}

/// The first j in [lo, hi) where `pred` holds, for a predicate false then true over the range.
template <class Pred>
DCPLAN_HD std::uint64_t first_true(std::uint64_t lo, std::uint64_t hi, Pred pred) {
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (pred(mid))
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

DCPLAN_HD bool fails(const plan_figures& p, int test) { return (p.failed >> test) & 1u; }

/// reduce_range's frontier hook when no cost frontier is wanted: nothing is handed on, and the
/// plans evaluated one by one are evaluated in place.
struct no_frontier {
  DCPLAN_HD void near(const plan_figures&, std::uint64_t) {}
  DCPLAN_HD void range(int, std::uint64_t, std::uint64_t, const plan_figures&) {}
  DCPLAN_HD bool defer(int, std::uint64_t, std::uint64_t) { return false; }
};

/// Plans [b, e) of combination `k`, each passing tests 1-7 and the capex budget (reduce_range's
/// [T, C)), evaluated one by one for the TCO budget and their ranking keys: counted by reason,
/// the feasible ones handed to `on_feasible` with their index.
template <class OnFeasible>
DCPLAN_HD void dense_range(const model_view& v, const space_view& sp, int k, std::uint64_t b,
                           std::uint64_t e, std::uint64_t* counts, OnFeasible& on_feasible) {
  const combo& cb = sp.combos[k];
  const std::uint64_t base = sp.starts[k];
  for (std::uint64_t j = b; j < e; ++j) {
    const plan_figures p = evaluate_plan(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing,
                                         static_cast<double>(j + 1) * sp.node_step);
    if (p.reason == feasible) {
      ++counts[feasible];
      on_feasible(p, base + j);
    } else {
      ++counts[p.reason];
    }
  }
}

/// A sweep_nodes sink that hands on the feasible plans to `on_feasible` and the near-feasible
/// ones to the frontier hook.
template <class OnFeasible, class Frontier>
struct plan_by_plan_sink {
  OnFeasible& on_feasible;
  Frontier& frontier;
  DCPLAN_HD void operator()(const plan_figures& p, std::uint64_t index) {
    if (p.reason == feasible) on_feasible(p, index);
    frontier.near(p, index); // sweep_nodes hands on near-feasible plans only
  }
};

/// Counts plans [b, e) of combination `k` by reason and hands each feasible plan (its figures
/// and index) to `on_feasible`. For the cost frontier (frontier_prune.hpp), `frontier.near(p,
/// index)` receives the near-feasible plans of the combinations evaluated plan by plan, and
/// `frontier.range(k, lo, hi, first)` the offsets [lo, hi) that hold every other near-feasible
/// plan of [b, e) (`first` is plan b's figures). The plans evaluated one by one, [T, C) of the
/// header's splits, are evaluated here unless `frontier.defer(k, T, C)` takes them (returns true):
/// then the caller runs dense_range over them later, at a time of its choosing.
template <class OnFeasible, class Frontier = no_frontier>
DCPLAN_HD void reduce_range(const model_view& v, const space_view& sp, int k, std::uint64_t b,
                            std::uint64_t e, std::uint64_t* counts, OnFeasible on_feasible,
                            Frontier&& frontier = Frontier{}) {
  const combo& cb = sp.combos[k];
  const std::uint64_t base = sp.starts[k];
  const auto plan = [&](std::uint64_t j) {
    return evaluate_plan(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing,
                         static_cast<double>(j + 1) * sp.node_step);
  };
  const plan_figures first = plan(b);
  if (first.reason == reason_year || first.reason == reason_cooling ||
      first.reason == reason_rack) {
    counts[first.reason] += e - b;
    return;
  }
  // Tests 4 and 5 fail on suffixes; a plan failing both counts as fabric.
  const std::uint64_t F =
      first_true(b, e, [&](std::uint64_t j) { return fails(plan(j), reason_fabric); });
  const std::uint64_t G =
      first_true(b, F, [&](std::uint64_t j) { return fails(plan(j), reason_power); });
  counts[reason_fabric] += e - F;
  counts[reason_power] += F - G;
  const std::uint64_t P = G; // plans [b, P) pass tests 1-5

  const double n_max = static_cast<double>(e) * sp.node_step;
  const double acc_max = n_max * v.systems[cb.system].accelerators_per_node;
  const bool target_splits =
      v.g.inference ? n_max <= 1e9 && acc_max <= 1099511627776.0 // the inference argument
                    : !v.g.has_target ||
                          // The goodput argument in the header: plan by plan.
                          (!v.g.has_reliability && (v.fabrics[cb.fabric].scaling_k <= 0.5 &&
                                                    n_max <= 1e9 && acc_max <= 1099511627776.0));
  if (!target_splits) {
    // Plan by plan through the every-plan loop (sweep.hpp), which hoists the combination's
    // figures and evaluates each plan exactly as evaluate_plan does.
    const combo_figures kf =
        combo_figures_of(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing);
    plan_by_plan_sink<OnFeasible, std::remove_reference_t<Frontier>> sink{on_feasible, frontier};
    sweep_nodes(v, kf, sp.node_step, base, b, P, 1, counts, sink);
    return;
  }
  // Test 9 (inference targets only) fails on a prefix, before test 6 (see the header).
  const std::uint64_t R =
      v.g.inference
          ? first_true(b, P, [&](std::uint64_t j) { return !fails(plan(j), reason_replica); })
          : b;
  counts[reason_replica] += R - b;
  const std::uint64_t T =
      v.g.has_target
          ? first_true(R, P, [&](std::uint64_t j) { return !fails(plan(j), reason_target); })
          : R;
  counts[reason_target] += T - R;
  if (T == P) {
    // Test 7 does not depend on n: failing it, no plan of the range is near-feasible.
    if (R < P && !fails(first, reason_deadline)) frontier.range(k, R, P, first);
    return;
  }
  if (fails(first, reason_deadline)) {
    counts[reason_deadline] += P - T;
    return;
  }
  const std::uint64_t C =
      v.g.has_budget_capex
          ? first_true(T, P, [&](std::uint64_t j) { return plan(j).capex > v.g.budget_capex_usd; })
          : P;
  counts[reason_budget] += P - C;
  if (R < C) frontier.range(k, R, C, first); // [C, P) fails the capex budget
  if (!frontier.defer(k, T, C)) dense_range(v, sp, k, T, C, counts, on_feasible);
}

} // namespace dcplan::detail
