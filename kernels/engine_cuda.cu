// The CUDA backend: the same detail::reduce_chunk as the CPU, under thrust::cuda::par, with the
// scenario's records and the plan space copied to the device once.
#include <algorithm>
#include <vector>

#include <thrust/device_vector.h>
#include <thrust/system/cuda/execution_policy.h>

#include "cuda_try.cuh"
#include "dcplan/chunking.hpp"
#include "dcplan/detail/reduce.hpp"
#include "dcplan/engine.hpp"
#include "dcplan/errors.hpp"

namespace dcplan {
namespace {

template <class T>
thrust::device_vector<T> upload(const std::vector<T>& v) {
  return thrust::device_vector<T>(v.begin(), v.end());
}

}  // namespace

bool cuda_device_available(std::string* why) {
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    cudaGetLastError();
    if (why) *why = cudaGetErrorString(e);
    return false;
  }
  if (n == 0) {
    if (why) *why = "no CUDA device found";
    return false;
  }
  return true;
}

engine_result evaluate_plans_cuda(const scenario& sc, const plan_space& sp,
                                  const engine_options& opt) {
  std::string why;
  if (!cuda_device_available(&why)) throw resource_error("--backend cuda: " + why);
  int dev = 0;
  DCPLAN_CUDA_TRY(cudaGetDevice(&dev));
  cudaDeviceProp prop{};
  DCPLAN_CUDA_TRY(cudaGetDeviceProperties(&prop, dev));

  engine_result r;
  try {
    const auto acc = upload(sc.accelerators);
    const auto sys = upload(sc.systems);
    const auto cool = upload(sc.cooling);
    const auto fab = upload(sc.fabrics);
    const auto site = upload(sc.sites);
    const auto combos = upload(sp.combos);
    const auto starts = upload(sp.starts);
    const model_view v{thrust::raw_pointer_cast(acc.data()), thrust::raw_pointer_cast(sys.data()),
                       thrust::raw_pointer_cast(cool.data()), thrust::raw_pointer_cast(fab.data()),
                       thrust::raw_pointer_cast(site.data()), sc.globals()};
    const space_view s{thrust::raw_pointer_cast(combos.data()),
                       thrust::raw_pointer_cast(starts.data()), static_cast<int>(sp.combos.size()),
                       sp.node_step};
    // The chunk fits the memory budget: the cap when one is set, else what the device has free.
    std::size_t free_bytes = 0, total_bytes = 0;
    DCPLAN_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
    std::uint64_t budget = free_bytes;
    if (opt.device_memory_cap && opt.device_memory_cap < budget) budget = opt.device_memory_cap;
    const std::uint64_t fixed =
        sizeof(accelerator_rec) * sc.accelerators.size() + sizeof(system_rec) * sc.systems.size() +
        sizeof(cooling_rec) * sc.cooling.size() + sizeof(fabric_rec) * sc.fabrics.size() +
        sizeof(site_rec) * sc.sites.size() + sizeof(combo) * sp.combos.size() +
        sizeof(std::uint64_t) * sp.starts.size();
    std::uint64_t chunk = chunk_plans_for_memory(budget, fixed, opt.chunk_plans);
    if (chunk == 0)
      throw resource_error("CUDA: " + std::to_string(budget) +
                           " bytes of device memory cannot hold a chunk of " +
                           std::to_string(kMinChunkPlans) + " plans");
    // Device memory can still be short (another process took it): halve the chunk and retry.
    thrust::device_vector<std::uint64_t> cand;
    thrust::device_vector<rank_key> keys;
    for (;;) {
      try {
        cand.resize(static_cast<std::size_t>(std::min(chunk, sp.total)));
        keys.resize(cand.size());
        break;
      } catch (const std::bad_alloc&) {
        cudaGetLastError();
        cand.clear();
        cand.shrink_to_fit();
        keys.clear();
        keys.shrink_to_fit();
        if (chunk / 2 < kMinChunkPlans) throw;
        chunk /= 2;
      }
    }
    detail::reduce_state st;
    st.k = opt.top_k;
    const auto fetch = [](const rank_key* src, std::size_t n, rank_key* dst) {
      DCPLAN_CUDA_TRY(cudaMemcpy(dst, src, n * sizeof(rank_key), cudaMemcpyDeviceToHost));
    };
    for (std::uint64_t b = 0; b < sp.total; b += chunk) {
      if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
      const std::uint64_t e = std::min(sp.total, b + chunk);
      detail::reduce_chunk(thrust::cuda::par, v, s, b, e, thrust::raw_pointer_cast(cand.data()),
                           thrust::raw_pointer_cast(keys.data()), st, fetch);
      if (opt.progress) opt.progress(e, sp.total);
    }
    for (int k = 0; k < kReasonCount; ++k) r.counts[k] = st.acc.counts[k];
    r.top = std::move(st.top);
    r.has_closest = st.acc.closest_flops >= 0;
    r.closest_index = st.acc.closest_index;
    r.closest_flops = st.acc.closest_flops;
  } catch (const thrust::system_error& e) {
    cudaGetLastError();
    throw resource_error(std::string("CUDA: ") + e.what());
  } catch (const std::bad_alloc&) {
    cudaGetLastError();
    throw resource_error("CUDA: out of device memory; try a smaller --chunk or --gpu-memory-cap");
  }
  r.backend = "cuda";
  r.threads = 1;
  r.device = prop.name;
  r.plans_evaluated = sp.total;
  return r;
}

}  // namespace dcplan
