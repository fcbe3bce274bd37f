// The CUDA backend of MODEL.md "Risk": the same detail::risk_batch as the CPU, under
// thrust::cuda::par, with the scenario's records, the plans and the draws on the device.
#include <algorithm>
#include <vector>

#include <thrust/device_vector.h>
#include <thrust/system/cuda/execution_policy.h>

#include "device.cuh"
#include "dcplan/risk/detail/risk.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/risk/risk.hpp"

namespace dcplan {

std::vector<risk_figures> evaluate_risk_cuda(const scenario& sc, const plan_space& sp,
                                             const std::vector<std::uint64_t>& indices) {
  if (!sc.uncert || indices.empty()) return {};
  detail::require_cuda_device();
  std::vector<risk_figures> out(indices.size());
  try {
    const detail::device_scenario on_device(sc);
    const model_view& v = on_device.model();
    const std::uint64_t S = sc.uncert->scenarios;
    thrust::device_vector<risk_draw> draws(S);
    thrust::transform(thrust::cuda::par, thrust::counting_iterator<std::uint64_t>(0),
                      thrust::counting_iterator<std::uint64_t>(S), draws.begin(),
                      detail::draw_of_index{make_risk_params(*sc.uncert)});
    const auto plans = detail::to_device(risk_plans_of(sp, indices));

    // 2^26 pairs: under 1 GiB with the sort's buffers.
    const std::uint64_t max_pairs = std::uint64_t{1} << 26;
    const std::uint64_t batch = std::max<std::uint64_t>(1, max_pairs / S);
    const std::uint64_t cap = std::min<std::uint64_t>(batch, indices.size()) * S;
    thrust::device_vector<double> tco(cap);
    thrust::device_vector<std::uint32_t> plan_of(cap);
    thrust::device_vector<std::uint8_t> flags(cap);
    thrust::device_vector<risk_figures> fig(indices.size());
    for (std::uint64_t b = 0; b < indices.size(); b += batch) {
      const std::uint64_t n = std::min<std::uint64_t>(batch, indices.size() - b);
      detail::risk_batch(
          thrust::cuda::par, v, thrust::raw_pointer_cast(plans.data()) + b, n,
          thrust::raw_pointer_cast(draws.data()), S, thrust::raw_pointer_cast(tco.data()),
          thrust::raw_pointer_cast(plan_of.data()), thrust::raw_pointer_cast(flags.data()),
          thrust::raw_pointer_cast(fig.data()) + b);
    }
    DCPLAN_CUDA_TRY(cudaMemcpy(out.data(), thrust::raw_pointer_cast(fig.data()),
                               out.size() * sizeof(risk_figures), cudaMemcpyDeviceToHost));
  } catch (...) {
    DCPLAN_RETHROW_DEVICE_ERROR("try fewer uncertainty scenarios or plans, or --backend cpu");
  }
  return out;
}

} // namespace dcplan
