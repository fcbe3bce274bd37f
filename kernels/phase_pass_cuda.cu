// The schedule's phase pass on CUDA (MODEL.md "A phase"): the same detail::phase_chunks as the
// CPU's Thrust pass, under thrust::cuda::par; each chunk's candidates come back to the host in
// index order. The schedule's constants are computed on the host (C pow) and copied over.
#include <algorithm>
#include <chrono>
#include <string>

#include <thrust/device_vector.h>
#include <thrust/system/cuda/execution_policy.h>

#include "dcplan/model/errors.hpp"
#include "dcplan/schedule/detail/phase_pass.hpp"
#include "device.cuh"

namespace dcplan {

phase_pass_result run_phase_pass_cuda(const scenario& sc, const phase_pass_options& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  detail::require_cuda_device();
  const detail::schedule_constants k(sc);
  const plan_space sp = detail::phase_plan_space(sc, k.view);
  const std::uint64_t total = sp.total * static_cast<std::uint64_t>(sc.schedule->years);
  const std::pair<std::uint64_t, std::uint64_t> range = detail::phase_range(opt, total);
  const std::uint64_t range_b = range.first, range_e = range.second;
  phase_pass_result r;
  r.backend = backend_kind::cuda;
  r.threads = 1;
  r.plans_evaluated = range_e - range_b;
  try {
    const detail::device_scenario on_device(sc, sp);
    const std::size_t sites = sc.sites.size();
    const thrust::device_vector<double> df = detail::to_device(k.df);
    const thrust::device_vector<double> price = detail::to_device(k.price);
    const thrust::device_vector<double> cloud = detail::to_device(k.cloud);
    const thrust::device_vector<double> grid_max = detail::to_device(k.grid_max);
    const thrust::device_vector<bool> grid_by_year(k.grid_by_year.get(),
                                                   k.grid_by_year.get() + sites);
    schedule_view sv = k.view;
    sv.df = thrust::raw_pointer_cast(df.data());
    sv.price = thrust::raw_pointer_cast(price.data());
    sv.cloud = thrust::raw_pointer_cast(cloud.data());
    sv.grid_max_mw = thrust::raw_pointer_cast(grid_max.data());
    sv.grid_by_year = thrust::raw_pointer_cast(grid_by_year.data());
    const detail::phase_at at{on_device.model(), sv, on_device.space(), sp.total};

    // The chunk fits the memory budget: the cap when one is set, else what the device has free.
    std::size_t free_bytes = 0, total_bytes = 0;
    DCPLAN_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
    std::uint64_t budget = free_bytes;
    if (opt.device_memory_cap && opt.device_memory_cap < budget) budget = opt.device_memory_cap;
    const std::uint64_t fixed =
        on_device.bytes() +
        sizeof(double) * (k.df.size() + k.price.size() + k.cloud.size() + sites) + sites;
    const std::uint64_t chunk = detail::chunk_phases_for_memory(budget, fixed, opt.chunk);
    if (chunk == 0)
      throw resource_error("CUDA: " + std::to_string(budget) +
                           " bytes of device memory cannot hold a chunk of " +
                           std::to_string(detail::kMinChunkPhases) + " phases");
    const std::size_t room =
        static_cast<std::size_t>(std::max<std::uint64_t>(1, std::min(chunk, range_e - range_b)));
    thrust::device_vector<phase> buf(room), cand(room);
    const auto fetch = [](const phase* src, std::size_t n, phase* dst) {
      DCPLAN_CUDA_TRY(cudaMemcpy(dst, src, n * sizeof(phase), cudaMemcpyDeviceToHost));
    };
    detail::phase_chunks(thrust::cuda::par, at, range_b, range_e, chunk,
                         thrust::raw_pointer_cast(buf.data()),
                         thrust::raw_pointer_cast(cand.data()), fetch, r);
  } catch (...) {
    DCPLAN_RETHROW_DEVICE_ERROR("try a smaller --chunk or --gpu-memory-cap");
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

} // namespace dcplan
