#pragma once
// The Monte Carlo evaluation of MODEL.md "Risk", written once with Thrust and run by both
// backends: the CPU passes thrust::omp::par, CUDA passes thrust::cuda::par. Per batch of plans:
// one pass evaluates every (plan, draw) pair into a plan-major TCO matrix and a flag matrix; a
// segmented sort (two stable sorts by key: by TCO, then by plan) orders each plan's TCOs; one
// pass per plan reads its sorted row into the figures. Sorted rows are unique whatever the sort's
// split, and each plan's sums run in ascending order, so every split of the work gives the same
// figures.
#include <cstdint>

#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/sort.h>
#include <thrust/transform.h>

#include "dcplan/model/macros.hpp"
#include "dcplan/risk/risk.hpp"

namespace dcplan::detail {

constexpr std::uint8_t kMeetsTarget = 1;
constexpr std::uint8_t kMeetsDeadline = 2;

/// Draw k for every k of the run (a pure function of (seed, k)).
struct draw_of_index {
  risk_params p;
  DCPLAN_HD risk_draw operator()(std::uint64_t k) const { return make_draw(p, k); }
};

/// Pair j = (plan j / S of the batch, draw j % S): its TCO, its plan and whether it meets the
/// target (test 6) and the deadline (test 7, with the draw's delay).
struct evaluate_pair {
  model_view v;
  const risk_plan* plans; // the batch's plans
  const risk_draw* draws;
  std::uint64_t S;
  double* tco;
  std::uint32_t* plan_of;
  std::uint8_t* flags;
  DCPLAN_HD void operator()(std::uint64_t j) const {
    const std::uint64_t p = j / S;
    const plan_figures f = evaluate_under_draw(v, plans[p], draws[j - p * S]);
    tco[j] = f.tco;
    plan_of[j] = static_cast<std::uint32_t>(p);
    std::uint8_t b = 0;
    // Test 6: tokens/s for an inference target (MODEL.md "Inference targets"), else FLOP/s.
    if (meets_target(v.g, f)) b |= kMeetsTarget;
    if (passes_deadline(v.g, f.ready_months)) b |= kMeetsDeadline;
    flags[j] = b;
  }
};

/// Plan p of the batch: the figures from its sorted TCO row and its flags.
struct summarize_plan {
  const double* sorted_tco;
  const std::uint8_t* flags;
  std::uint64_t S;
  bool has_deadline;
  DCPLAN_HD risk_figures operator()(std::uint64_t p) const {
    risk_figures r;
    summarize_sorted(sorted_tco + p * S, S, r);
    std::uint64_t target = 0, deadline = 0;
    const std::uint8_t* fl = flags + p * S;
    for (std::uint64_t k = 0; k < S; ++k) {
      target += (fl[k] & kMeetsTarget) ? 1 : 0;
      deadline += (fl[k] & kMeetsDeadline) ? 1 : 0;
    }
    r.p_meets_target = static_cast<double>(target) / static_cast<double>(S);
    r.p_meets_deadline =
        has_deadline ? static_cast<double>(deadline) / static_cast<double>(S) : NAN;
    return r;
  }
};

/// Evaluates `n` plans (`plans`, on the policy's side) under the S draws `draws`, writing one
/// risk_figures each to `out`. `tco`, `plan_of` and `flags` hold at least n * S elements.
template <class Policy>
void risk_batch(Policy policy, const model_view& v, const risk_plan* plans, std::uint64_t n,
                const risk_draw* draws, std::uint64_t S, double* tco, std::uint32_t* plan_of,
                std::uint8_t* flags, risk_figures* out) {
  const std::uint64_t pairs = n * S;
  const thrust::counting_iterator<std::uint64_t> first(0);
  thrust::for_each(policy, first, first + pairs,
                   evaluate_pair{v, plans, draws, S, tco, plan_of, flags});
  // Segmented sort: stable by TCO, then stable by plan, leaves each plan's row sorted by TCO.
  thrust::stable_sort_by_key(policy, tco, tco + pairs, plan_of);
  thrust::stable_sort_by_key(policy, plan_of, plan_of + pairs, tco);
  thrust::transform(policy, first, first + n, out, summarize_plan{tco, flags, S, v.g.has_deadline});
}

} // namespace dcplan::detail
