// The CPU backend of MODEL.md "Risk": detail::risk_batch under thrust::omp::par, over batches of
// plans small enough that a batch's (plan, draw) matrices stay within a few tens of MB.
#include <algorithm>
#include <vector>

#include <thrust/system/omp/execution_policy.h>

#include "dcplan/engine/detail/omp_threads.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/risk/detail/risk.hpp"
#include "dcplan/risk/risk.hpp"

namespace dcplan {

std::vector<risk_figures> evaluate_risk_cpu(const scenario& sc, const plan_space& sp,
                                            const std::vector<std::uint64_t>& indices, int threads,
                                            std::uint64_t max_pairs) {
  if (!sc.uncert || indices.empty()) return {};
  const detail::omp_threads_guard guard(threads);

  const model_view v = make_model_view(sc);
  const std::uint64_t S = sc.uncert->scenarios;
  std::vector<risk_draw> draws(S);
  thrust::transform(thrust::omp::par, thrust::counting_iterator<std::uint64_t>(0),
                    thrust::counting_iterator<std::uint64_t>(S), draws.begin(),
                    detail::draw_of_index{make_risk_params(*sc.uncert)});
  const std::vector<risk_plan> plans = risk_plans_of(sp, indices);

  if (max_pairs == 0) max_pairs = std::uint64_t{1} << 22;
  const std::uint64_t batch = std::max<std::uint64_t>(1, max_pairs / S);
  const std::uint64_t cap = std::min<std::uint64_t>(batch, plans.size()) * S;
  std::vector<double> tco(cap);
  std::vector<std::uint32_t> plan_of(cap);
  std::vector<std::uint8_t> flags(cap);
  std::vector<risk_figures> out(plans.size());
  for (std::uint64_t b = 0; b < plans.size(); b += batch) {
    const std::uint64_t n = std::min<std::uint64_t>(batch, plans.size() - b);
    detail::risk_batch(thrust::omp::par, v, plans.data() + b, n, draws.data(), S, tco.data(),
                       plan_of.data(), flags.data(), out.data() + b);
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
  const std::uint64_t m = d1 - d0, n = indices.size();
  std::vector<risk_draw> draws(m);
  thrust::transform(thrust::omp::par, thrust::counting_iterator<std::uint64_t>(d0),
                    thrust::counting_iterator<std::uint64_t>(d1), draws.begin(),
                    detail::draw_of_index{make_risk_params(*sc.uncert)});
  const std::vector<risk_plan> plans = risk_plans_of(sp, indices);
  r.tco.resize(n * m);
  std::vector<std::uint32_t> plan_of(n * m);
  std::vector<std::uint8_t> flags(n * m);
  // The pass risk_batch starts with, over this share's draws.
  const thrust::counting_iterator<std::uint64_t> first(0);
  thrust::for_each(thrust::omp::par, first, first + n * m,
                   detail::evaluate_pair{v, plans.data(), draws.data(), m, r.tco.data(),
                                         plan_of.data(), flags.data()});
  r.meets_target.assign(n, 0);
  r.meets_deadline.assign(n, 0);
  for (std::uint64_t j = 0; j < n * m; ++j) {
    r.meets_target[j / m] += (flags[j] & detail::kMeetsTarget) ? 1 : 0;
    r.meets_deadline[j / m] += (flags[j] & detail::kMeetsDeadline) ? 1 : 0;
  }
  return r;
}

} // namespace dcplan
