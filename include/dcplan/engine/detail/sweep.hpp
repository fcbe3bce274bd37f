#pragma once
// The every-plan path: the node counts of one combination (site, system, cooling, fabric,
// sourcing) in one fused pass that counts plans by reason and hands every plan passing all tests
// but perhaps the target to a sink (for the top K, the closest plan and the cost frontier at
// once). Written once for both backends: the CPU runs it per piece of a combination under
// OpenMP (host/engine/engine_cpu.cpp), a CUDA block per combination with its threads striding
// over the node counts (kernels/sweep_cuda.cu).
//
// What is hoisted (model.hpp, `combo_figures_of`): every figure and test that does not depend on
// the node count (per_rack, pue, ready_months, tests 1-3 and 7, the replica search) is computed
// once per combination by the expression a plan used before, so every double is unchanged. Per
// plan, in MODEL.md's order of tests (1, 2, 3, 4, 5, 9, 6, 7, 8), each stage of `evaluate_plan`
// runs only when the plan's reason is still open:
// - `fabric_figures_of` gives test 4; a plan failing it has reason fabric (tests 1-3 passed);
// - `add_power_figures` gives test 5; failing it, reason power;
// - in a combination failing test 7 (the deadline does not depend on n), `perf_figures_of`
//   gives tests 9 and 6 and the reason is replica, target or deadline; such a plan is not
//   near-feasible, so nothing else of it is needed;
// - any other plan is evaluated whole by `evaluate_sized`, the last stage of `evaluate_plan`.
// So each plan's reason and figures are exactly `evaluate_plan`'s, whatever the scenario: nothing
// here assumes a figure is monotone in the node count.
#include <cstdint>

#include "dcplan/model/macros.hpp"
#include "dcplan/model/model.hpp"

namespace dcplan::detail {

/// How many of j = b, b + stride, ... lie below e.
DCPLAN_HD std::uint64_t strided_count(std::uint64_t b, std::uint64_t e, std::uint64_t stride) {
  return b < e ? (e - b + stride - 1) / stride : 0;
}

/// The first failing test among 1-3 and 7 of a combination, by MODEL.md's order (7 only matters
/// once tests 4, 5, 9 and 6 pass, so it is not returned here); feasible when 1-3 pass.
DCPLAN_HD int combo_reason(const combo_figures& k) {
  if (!k.t_year) return reason_year;
  if (!k.t_cooling) return reason_cooling;
  if (!k.t_rack) return reason_rack;
  return feasible;
}

/// Plans j = b, b + stride, ... < e of the combination `k` (node counts (j + 1) * node_step; plan
/// index base + j): adds each plan's reason to `counts` and calls `sink(figures, index)` for
/// each plan that passes every test except possibly the target (plan_figures::near_feasible).
template <class Sink>
DCPLAN_HD void sweep_nodes(const model_view& v, const combo_figures& k, double node_step,
                           std::uint64_t base, std::uint64_t b, std::uint64_t e,
                           std::uint64_t stride, std::uint64_t* counts, Sink& sink) {
  const int first = combo_reason(k);
  if (first != feasible) {
    counts[first] += strided_count(b, e, stride);
    return;
  }
  for (std::uint64_t j = b; j < e; j += stride) {
    size_figures z = fabric_figures_of(v, k, static_cast<double>(j + 1) * node_step);
    if (!z.t_fabric) {
      ++counts[reason_fabric];
      continue;
    }
    add_power_figures(v, k, z);
    if (!z.t_power) {
      ++counts[reason_power];
      continue;
    }
    if (!k.t_deadline) {
      const perf_figures q = perf_figures_of(v, k, z);
      ++counts[!q.t_replica ? reason_replica : !q.t_target ? reason_target : reason_deadline];
      continue;
    }
    const plan_figures p = evaluate_sized(v, k, z);
    ++counts[p.reason];
    if (p.near_feasible) sink(p, base + j);
  }
}

} // namespace dcplan::detail
