// The pool-candidate pass on CUDA: the same detail::candidate_chunk as the CPU, under
// thrust::cuda::par; each chunk's sorted candidates come back to the host for the exact sweep,
// and the representatives' table goes to the device before each chunk.
#include <algorithm>
#include <chrono>
#include <vector>

#include <thrust/device_vector.h>
#include <thrust/system/cuda/execution_policy.h>

#include "device.cuh"
#include "dcplan/engine/detail/pareto.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/engine/pool_candidates.hpp"

namespace dcplan {

pool_candidates_result find_pool_candidates_cuda(const scenario& sc, const plan_space& sp,
                                                 const engine_options& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  detail::require_cuda_device();
  pool_candidates_result r;
  try {
    const detail::device_scenario on_device(sc, sp);
    const model_view& v = on_device.model();
    const space_view& s = on_device.space();
    const pareto_dims d = pareto_dims_of(sc);
    const std::uint64_t chunk = opt.chunk_plans ? opt.chunk_plans : (std::uint64_t{1} << 24);
    const std::pair<std::uint64_t, std::uint64_t> range = plan_range(opt, sp.total);
    const std::uint64_t range_b = range.first, range_e = range.second;
    thrust::device_vector<pool_candidate> out(
        static_cast<std::size_t>(std::min(chunk, range_e - range_b)));
    candidate_builder fb(static_cast<int>(sc.sites.size()) * 3, d);
    thrust::device_vector<pool_candidate> reps(fb.reps().size());
    std::vector<pool_candidate> host;
    for (std::uint64_t b = range_b; b < range_e; b += chunk) {
      if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
      const std::uint64_t e = std::min(range_e, b + chunk);
      thrust::copy(fb.reps().begin(), fb.reps().end(), reps.begin());
      const std::size_t n = detail::candidate_chunk(thrust::cuda::par, v, s, b, e,
                                                    thrust::raw_pointer_cast(reps.data()), d,
                                                    thrust::raw_pointer_cast(out.data()));
      host.resize(n);
      DCPLAN_CUDA_TRY(cudaMemcpy(host.data(), thrust::raw_pointer_cast(out.data()),
                                 n * sizeof(pool_candidate), cudaMemcpyDeviceToHost));
      fb.add_sorted(host.data(), n);
    }
    r.items = fb.finish();
  } catch (...) {
    DCPLAN_RETHROW_DEVICE_ERROR("try a smaller --chunk");
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

} // namespace dcplan
