// The CPU backend of MODEL.md "Risk": a thread per plan (OpenMP, dynamic), each
// plan's S draws evaluated into that thread's row with what the draws do not
// change hoisted, the row radix sorted alone and summarized
// (include/dcplan/risk/detail/risk_rows.hpp, which shows why every figure
// equals detail::risk_batch's, the Thrust path of the CUDA backend). A thread
// holds one row of S doubles and its sort's scratch, so memory stays within a
// few rows per thread whatever `max_pairs` asks of the batched matrices; the
// figures of a plan depend neither on the thread that ran it nor on the
// schedule.
#include <cstdint>
#include <vector>

#include <omp.h>

#include <thrust/system/omp/execution_policy.h>

#include "dcplan/engine/detail/omp_threads.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/risk/detail/risk.hpp"
#include "dcplan/risk/detail/risk_rows.hpp"
#include "dcplan/risk/risk.hpp"

namespace dcplan {

namespace {

/// Draws [d0, d1) of the run (a pure function of (seed, k)).
std::vector<risk_draw> draws_of(const uncertainty& u, std::uint64_t d0, std::uint64_t d1) {
  std::vector<risk_draw> draws(d1 - d0);
  thrust::transform(thrust::omp::par, thrust::counting_iterator<std::uint64_t>(d0),
                    thrust::counting_iterator<std::uint64_t>(d1), draws.begin(),
                    detail::draw_of_index{make_risk_params(u)});
  return draws;
}

} // namespace

std::vector<risk_figures> evaluate_risk_cpu(const scenario& sc, const plan_space& sp,
                                            const std::vector<std::uint64_t>& indices, int threads,
                                            std::uint64_t /*max_pairs*/) {
  if (!sc.uncert || indices.empty()) return {};
  const detail::omp_threads_guard guard(threads);
  const model_view v = make_model_view(sc);
  const std::uint64_t S = sc.uncert->scenarios;
  const std::vector<risk_draw> draws = draws_of(*sc.uncert, 0, S);
  const std::vector<risk_plan> plans = risk_plans_of(sp, indices);
  const std::int64_t n = static_cast<std::int64_t>(plans.size());
  std::vector<risk_figures> out(plans.size());
#pragma omp parallel
  {
    std::vector<double> row(S);
    detail::row_sort_buffers buffers;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t p = 0; p < n; ++p)
      out[p] = detail::risk_of_row(v, plans[p], draws.data(), S, row.data(), buffers);
  }
  return out;
}

risk_samples risk_samples_cpu(const scenario& sc, const plan_space& sp,
                              const std::vector<std::uint64_t>& indices, std::uint64_t d0,
                              std::uint64_t d1, int threads) {
  risk_samples r;
  if (!sc.uncert) return r;
  const detail::omp_threads_guard guard(threads);
  const model_view v = make_model_view(sc);
  const std::uint64_t m = d1 - d0;
  const std::vector<risk_draw> draws = draws_of(*sc.uncert, d0, d1);
  const std::vector<risk_plan> plans = risk_plans_of(sp, indices);
  const std::int64_t n = static_cast<std::int64_t>(plans.size());
  r.tco.resize(plans.size() * m);
  r.meets_target.assign(plans.size(), 0);
  r.meets_deadline.assign(plans.size(), 0);
  // The rows evaluate_risk_cpu sorts, over this share's draws, unsorted.
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t p = 0; p < n; ++p)
    detail::evaluate_row(v, plans[p], draws.data(), m, r.tco.data() + p * m, r.meets_target[p],
                         r.meets_deadline[p]);
  return r;
}

} // namespace dcplan
