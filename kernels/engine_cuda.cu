// The CUDA backend: the same detail::reduce_chunk as the CPU, under thrust::cuda::par, with the
// scenario's records and the plan space copied to the device once.
#include <algorithm>
#include <vector>

#include <thrust/device_vector.h>
#include <thrust/system/cuda/execution_policy.h>

#include "cuda_try.cuh"
#include "dcplan/detail/frontier.hpp"
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
    const std::uint64_t chunk = opt.chunk_plans ? opt.chunk_plans : (std::uint64_t{1} << 24);
    thrust::device_vector<std::uint64_t> cand(static_cast<std::size_t>(std::min(chunk, sp.total)));
    thrust::device_vector<rank_key> keys(cand.size());
    detail::reduce_state st;
    st.k = opt.top_k;
    const auto fetch = [](const auto* src, std::size_t n, auto* dst) {
      if (n == 0) return;
      DCPLAN_CUDA_TRY(cudaMemcpy(dst, src, n * sizeof(*src), cudaMemcpyDeviceToHost));
    };
    // The frontier's buffers, only when asked for (docs/report.md "The cost frontier").
    thrust::device_vector<frontier_point> pts(opt.want_frontier ? cand.size() : 0);
    thrust::device_vector<double> flag(pts.size());
    thrust::device_vector<frontier_point> front;  // the running frontier, for the next chunk
    detail::frontier_state fr;
    const auto publish = [&front](const std::vector<frontier_point>& p) {
      front.assign(p.begin(), p.end());
      return detail::frontier_view{thrust::raw_pointer_cast(front.data()), p.size()};
    };
    for (std::uint64_t b = 0; b < sp.total; b += chunk) {
      if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
      const std::uint64_t e = std::min(sp.total, b + chunk);
      detail::reduce_chunk(thrust::cuda::par, v, s, b, e, thrust::raw_pointer_cast(cand.data()),
                           thrust::raw_pointer_cast(keys.data()), st, fetch);
      if (opt.want_frontier)
        detail::frontier_chunk(thrust::cuda::par, v, s, b, e, thrust::raw_pointer_cast(cand.data()),
                               thrust::raw_pointer_cast(pts.data()),
                               thrust::raw_pointer_cast(flag.data()), fr, fetch, publish);
      if (opt.progress) opt.progress(e, sp.total);
    }
    for (int k = 0; k < kReasonCount; ++k) r.counts[k] = st.acc.counts[k];
    r.top = std::move(st.top);
    r.has_closest = st.acc.closest_flops >= 0;
    r.closest_index = st.acc.closest_index;
    r.closest_flops = st.acc.closest_flops;
    r.frontier = std::move(fr.points);
    r.has_frontier = opt.want_frontier;
  } catch (const thrust::system_error& e) {
    cudaGetLastError();
    throw resource_error(std::string("CUDA: ") + e.what());
  } catch (const std::bad_alloc&) {
    cudaGetLastError();
    throw resource_error("CUDA: out of device memory; try a smaller --chunk");
  }
  r.backend = "cuda";
  r.threads = 1;
  r.device = prop.name;
  r.plans_evaluated = sp.total;
  return r;
}

}  // namespace dcplan
