#pragma once
// The every-plan path: the node counts of one combination (site, system, cooling, fabric,
// sourcing) in one fused pass that counts plans by reason and hands every plan passing all tests
// but perhaps the target to a sink (for the top K, the closest plan and the cost frontier at
// once). Written once for both backends: the CPU runs it per piece of a combination under
// OpenMP (host/engine/engine_cpu.cpp), a CUDA block per combination with its threads striding
// over the node counts (kernels/engine_cuda.cu, `sweep_kernel`).
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
//
// On the host, a piece walked with stride 1 goes by blocks of kSweepBlock node counts in
// structure-of-arrays form (`sweep_nodes_blocked`), so that the compiler vectorizes the stages
// that decide most plans. Per block, one loop without control flow computes the fabric figures and
// test 4 (`fabric_figures_of`) into arrays; a block whose plans all fail it is counted at once;
// else a second loop computes the load figures and test 5 (`add_load_figures`), and a scalar pass
// counts the plans failing test 4 (reason fabric, MODEL.md "Feasibility", whatever their power
// figures) and those failing test 5, and lists the open plans' offsets, ascending. In a
// combination past its deadline, the open plans' reasons come from `perf_figures_with`: for a
// FLOP/s target without a reliability block by arrays, the library's `log2` in a scalar loop of its
// own and the rest in a vectorized loop; each open plan of any other combination runs the scalar
// stages above in ascending order, from the very doubles of the arrays and `racks_of`. So counts
// and the sink's calls are those of the plain loop (`sweep_nodes_strided`, which the CUDA kernel's
// threads run).
#include <cmath>
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

/// The stages after test 5 of a plan `z` passing tests 1-5 (plan index `index`).
template <class Sink>
DCPLAN_HD_HOT void sweep_open_plan(const model_view& v, const combo_figures& k,
                                   const size_figures& z, std::uint64_t index,
                                   std::uint64_t* counts, Sink& sink) {
  if (!k.t_deadline) {
    const perf_figures q = perf_figures_of(v, k, z);
    ++counts[!q.t_replica ? reason_replica : !q.t_target ? reason_target : reason_deadline];
    return;
  }
  const plan_figures p = evaluate_sized(v, k, z);
  ++counts[p.reason];
  if (p.near_feasible) sink(p, index);
}

/// Plans j = b, b + stride, ... < e of the combination `k` (node counts (j + 1) * node_step; plan
/// index base + j): adds each plan's reason to `counts` and calls `sink(figures, index)` for
/// each plan that passes every test except possibly the target (plan_figures::near_feasible).
/// One plan at a time, each stage run only while the plan's reason is open.
template <class Sink>
DCPLAN_HD void sweep_nodes_strided(const model_view& v, const combo_figures& k, double node_step,
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
    sweep_open_plan(v, k, z, base + j, counts, sink);
  }
}

#if !defined(__CUDA_ARCH__)
/// Node counts per block of `sweep_nodes_blocked`: its arrays take 68 bytes a plan on the stack
/// (17 KiB), and those of `past_deadline_counts` 24 bytes a plan more.
inline constexpr int kSweepBlock = 256;

/// Test 6 of the open plans of a block of a combination past its deadline, for a FLOP/s target
/// without a reliability block (`HasTarget` being g.has_target): `log2_ratio` holds each plan's
/// log2(scale_out_ratio), `fails` gets 1 where the plan fails test 6, else 0. The copy of the
/// globals holds the three flags as constants, so the loop has no control flow.
template <bool HasTarget>
void fails_target_of(const model_view& v, const combo_figures& k, const double* acc,
                     const double* log2_ratio, int count, double* fails) {
  model_view vs = v;
  vs.g.inference = false;
  vs.g.has_reliability = false;
  vs.g.has_target = HasTarget;
  for (int t = 0; t < count; ++t) { // vectorized
    size_figures z{};
    z.acc = acc[t];
    const perf_figures q = perf_figures_with(vs, k, z, log2_ratio[t]);
    fails[t] = q.t_target ? 0.0 : 1.0;
  }
}

/// sweep_open_plan's first case for the `count` open plans of a block at offsets `open_at` of a
/// combination past its deadline: a plan's reason is replica, target or deadline (MODEL.md
/// "Feasibility": 9, 6, 7). For a FLOP/s target without a reliability block, by arrays: the
/// scale-out ratios in a vectorized loop, their log2 by the library one at a time, test 6 in a
/// vectorized loop (perf_figures_with); else perf_figures_of one plan at a time. The counts are
/// kept in registers, not in `counts`, until the end.
inline void past_deadline_counts(const model_view& v, const combo_figures& k, const double* acc,
                                 const int* open_at, int count, std::uint64_t* counts) {
  std::uint64_t replica = 0, target = 0;
  if (v.g.inference || v.g.has_reliability) {
    for (int t = 0; t < count; ++t) {
      size_figures z{};
      z.acc = acc[open_at[t]];
      const perf_figures q = perf_figures_of(v, k, z);
      replica += q.t_replica ? 0 : 1;
      target += q.t_replica && !q.t_target ? 1 : 0;
    }
  } else {
    double open_acc[kSweepBlock], ratio[kSweepBlock], fails[kSweepBlock];
    for (int t = 0; t < count; ++t) open_acc[t] = acc[open_at[t]];
    for (int t = 0; t < count; ++t) ratio[t] = scale_out_ratio(v, k, open_acc[t]); // vectorized
    for (int t = 0; t < count; ++t) ratio[t] = log2(ratio[t]);
    if (v.g.has_target)
      fails_target_of<true>(v, k, open_acc, ratio, count, fails);
    else
      fails_target_of<false>(v, k, open_acc, ratio, count, fails);
    for (int t = 0; t < count; ++t) target += static_cast<std::uint64_t>(fails[t]);
  }
  counts[reason_replica] += replica;
  counts[reason_target] += target;
  counts[reason_deadline] += static_cast<std::uint64_t>(count) - replica - target;
}

/// sweep_nodes_blocked for a combination whose `build` and `cloud` are `Build` and `Cloud`: the
/// block loop reads them from a copy that holds them as constants, so the stages' branches on the
/// sourcing fold away and the loop has no control flow left (a condition kept would guard a
/// floating-point operation, which may trap, and stop the compiler from vectorizing the loop).
template <bool Build, bool Cloud, class Sink>
void sweep_nodes_blocked_as(const model_view& v, const combo_figures& k, double node_step,
                            std::uint64_t base, std::uint64_t b, std::uint64_t e,
                            std::uint64_t* counts, Sink& sink) {
  combo_figures ks = k;
  ks.build = Build;
  ks.cloud = Cloud;
  // The block's figures, one array each. The flags are doubles, 0 or 1, so that every lane of
  // the vectorized loops is 64 bits wide.
  double n[kSweepBlock], acc[kSweepBlock], tiers[kSweepBlock], fab_scale[kSweepBlock];
  double it_kw[kSweepBlock], facility_kw[kSweepBlock];
  double fails_fabric[kSweepBlock], open[kSweepBlock]; // open: passes tests 4 and 5
  int open_at[kSweepBlock]; // the block offsets of the open plans, ascending
  for (std::uint64_t j0 = b; j0 < e; j0 += kSweepBlock) {
    const int m = e - j0 < kSweepBlock ? static_cast<int>(e - j0) : kSweepBlock;
    // Below 2^53 (sweep_nodes_blocked), j0 + 1 + i is an integer a double holds exactly, so this
    // sum is static_cast<double>(j0 + 1 + i), the plain loop's factor of node_step.
    const double count0 = static_cast<double>(j0 + 1);
    for (int i = 0; i < m; ++i) { // vectorized
      const size_figures z =
          fabric_figures_of(v, ks, (count0 + static_cast<double>(i)) * node_step);
      n[i] = z.n;
      acc[i] = z.acc;
      tiers[i] = z.tiers;
      fab_scale[i] = z.fab_scale;
      fails_fabric[i] = z.t_fabric ? 0.0 : 1.0;
    }
    // The fabric figures of offset i, as fabric_figures_of gave them.
    auto fabric_figures_at = [&](int i) {
      size_figures z;
      z.n = n[i];
      z.acc = acc[i];
      z.tiers = tiers[i];
      z.fab_scale = fab_scale[i];
      z.t_fabric = fails_fabric[i] == 0.0;
      z.racks = z.it_kw = z.facility_kw = 0.0;
      z.t_power = false;
      return z;
    };
    // A block whose plans all fail test 4 (often the last ones of a combination) needs nothing
    // more; a plan passing it is usually found at once.
    int first_pass = 0;
    while (first_pass < m && fails_fabric[first_pass] != 0.0) ++first_pass;
    if (first_pass == m) {
      counts[reason_fabric] += static_cast<std::uint64_t>(m);
      continue;
    }
    for (int i = 0; i < m; ++i) { // vectorized
      size_figures z = fabric_figures_at(i);
      add_load_figures(v, ks, z);
      it_kw[i] = z.it_kw;
      facility_kw[i] = z.facility_kw;
      const double fails_power = z.t_power ? 0.0 : 1.0;
      open[i] = (1 - fails_fabric[i]) * (1 - fails_power);
    }
    // Each plan fails test 4 (reason fabric, whatever its power figures: MODEL.md
    // "Feasibility"), or else fails test 5 (reason power), or else is open.
    int fabric = 0, open_count = 0;
    for (int i = 0; i < m; ++i) {
      fabric += static_cast<int>(fails_fabric[i]);
      open_at[open_count] = i;
      open_count += static_cast<int>(open[i]);
    }
    counts[reason_fabric] += static_cast<std::uint64_t>(fabric);
    counts[reason_power] += static_cast<std::uint64_t>(m - fabric - open_count);
    if (!k.t_deadline) {
      past_deadline_counts(v, k, acc, open_at, open_count, counts);
      continue;
    }
    for (int t = 0; t < open_count; ++t) {
      const int i = open_at[t];
      size_figures z = fabric_figures_at(i);
      z.racks = racks_of(k, n[i]);
      z.it_kw = it_kw[i];
      z.facility_kw = facility_kw[i];
      z.t_power = true;
      sweep_open_plan(v, k, z, base + j0 + static_cast<std::uint64_t>(i), counts, sink);
    }
  }
}

/// sweep_nodes_strided with stride 1, on the host, by blocks of kSweepBlock node counts: the
/// same counts and the same sink calls in the same order, with the same doubles.
template <class Sink>
void sweep_nodes_blocked(const model_view& v, const combo_figures& k, double node_step,
                         std::uint64_t base, std::uint64_t b, std::uint64_t e,
                         std::uint64_t* counts, Sink& sink) {
  if (combo_reason(k) != feasible || e >= (std::uint64_t{1} << 53)) {
    sweep_nodes_strided(v, k, node_step, base, b, e, 1, counts, sink);
    return;
  }
  if (k.build)
    sweep_nodes_blocked_as<true, false>(v, k, node_step, base, b, e, counts, sink);
  else if (k.cloud)
    sweep_nodes_blocked_as<false, true>(v, k, node_step, base, b, e, counts, sink);
  else
    sweep_nodes_blocked_as<false, false>(v, k, node_step, base, b, e, counts, sink);
}
#endif

/// Plans j = b, b + stride, ... < e of the combination `k` (node counts (j + 1) * node_step; plan
/// index base + j): adds each plan's reason to `counts` and calls `sink(figures, index)` for
/// each plan that passes every test except possibly the target (plan_figures::near_feasible).
/// By blocks on the host with stride 1, else one plan at a time; the same result either way.
template <class Sink>
DCPLAN_HD void sweep_nodes(const model_view& v, const combo_figures& k, double node_step,
                           std::uint64_t base, std::uint64_t b, std::uint64_t e,
                           std::uint64_t stride, std::uint64_t* counts, Sink& sink) {
#if !defined(__CUDA_ARCH__)
  if (stride == 1) {
    sweep_nodes_blocked(v, k, node_step, base, b, e, counts, sink);
    return;
  }
#endif
  sweep_nodes_strided(v, k, node_step, base, b, e, stride, counts, sink);
}

} // namespace dcplan::detail
