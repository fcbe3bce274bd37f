// The CUDA backend: the same detail::reduce_chunk as the CPU, under thrust::cuda::par, with the
// scenario's records and the plan space copied to the device once.
#include <algorithm>
#include <vector>

#include <thrust/device_vector.h>
#include <thrust/fill.h>
#include <thrust/sort.h>
#include <thrust/system/cuda/execution_policy.h>

#include "cuda_try.cuh"
#include "dcplan/detail/range_reduce.hpp"
#include "dcplan/detail/reduce.hpp"
#include "dcplan/engine.hpp"
#include "dcplan/errors.hpp"

namespace dcplan {
namespace {

// Hands a feasible plan's key to the candidate buffer when it beats the current K-th best.
struct candidate_sink {
  rank_key* buf;
  unsigned long long* count;
  unsigned long long cap;
  rank_key threshold;
  bool full;
  bool enabled;
  int obj;
  __host__ __device__ void operator()(const plan_figures& f, std::uint64_t index) const {
#if defined(__CUDA_ARCH__)
    if (!enabled) return;
    const rank_key k = make_rank_key(f, obj, index);
    if (full && !rank_less(k, threshold)) return;
    const unsigned long long slot = atomicAdd(count, 1ull);
    if (slot < cap) buf[slot] = k;
#endif
  }
};

// One thread per piece of a combination: the exact range pruning of detail::reduce_range, the
// code the CPU backend runs; counts are summed per thread, then once per thread into `counts`.
__global__ void pruned_kernel(model_view v, space_view s, const detail::piece* pieces, int n,
                              candidate_sink sink, unsigned long long* counts) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  std::uint64_t c[kReasonCount] = {};
  detail::reduce_range(v, s, pieces[i].combo, pieces[i].begin, pieces[i].end, c, sink);
  for (int r = 0; r < kReasonCount; ++r)
    if (c[r]) atomicAdd(&counts[r], static_cast<unsigned long long>(c[r]));
}

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

bool cuda_select_device(int ordinal) {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess || n == 0) {
    cudaGetLastError();
    return false;
  }
  return cudaSetDevice(ordinal % n) == cudaSuccess;
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
    const std::pair<std::uint64_t, std::uint64_t> range = plan_range(opt, sp.total);
    const std::uint64_t range_b = range.first, range_e = range.second;
    const std::uint64_t range_n = range_e - range_b;
    thrust::device_vector<std::uint64_t> cand(static_cast<std::size_t>(std::min(chunk, range_n)));
    thrust::device_vector<rank_key> keys(cand.size());
    detail::reduce_state st;
    st.k = opt.top_k;
    const auto fetch = [](const rank_key* src, std::size_t n, rank_key* dst) {
      DCPLAN_CUDA_TRY(cudaMemcpy(dst, src, n * sizeof(rank_key), cudaMemcpyDeviceToHost));
    };
    // Every plan of [b, e) through the Thrust path (detail/reduce.hpp).
    const auto thrust_range = [&](std::uint64_t b, std::uint64_t e, bool report) {
      for (std::uint64_t x = b; x < e; x += chunk) {
        if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
        const std::uint64_t y = std::min(e, x + chunk);
        detail::reduce_chunk(thrust::cuda::par, v, s, x, y, thrust::raw_pointer_cast(cand.data()),
                             thrust::raw_pointer_cast(keys.data()), st, fetch);
        if (report && opt.progress) opt.progress(y - range_b, range_n);
      }
    };
    bool done = false;
    if (!opt.reference) {
      // Pruned path: pieces of combinations in batches; candidates beating the current K-th
      // best go to a buffer. A batch whose candidates overflow the buffer is redone exactly
      // through the Thrust path, so the answer never depends on the buffer's size.
      const std::vector<detail::piece> pieces = detail::split_pieces(sp, 4096, range_b, range_e);
      const thrust::device_vector<detail::piece> dpieces(pieces.begin(), pieces.end());
      const unsigned long long cap = 1ull << 22;
      thrust::device_vector<rank_key> cbuf(cap);
      thrust::device_vector<unsigned long long> dcount(1 + kReasonCount);
      std::size_t i = 0;
      while (i < pieces.size()) {
        if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
        const std::size_t j = std::min(pieces.size(), i + (std::size_t{1} << 18));
        thrust::fill(dcount.begin(), dcount.end(), 0ull);
        unsigned long long* cnt = thrust::raw_pointer_cast(dcount.data());
        const bool full = st.top.size() >= st.k;
        const candidate_sink sink{thrust::raw_pointer_cast(cbuf.data()), cnt, cap,
                                  full && st.k > 0 ? st.top.back() : rank_key{0, 0, 0, 0}, full,
                                  st.k > 0, v.g.obj};
        const int n = static_cast<int>(j - i);
        pruned_kernel<<<(n + 255) / 256, 256>>>(v, s, thrust::raw_pointer_cast(dpieces.data()) + i, n,
                                                 sink, cnt + 1);
        DCPLAN_CUDA_TRY(cudaGetLastError());
        DCPLAN_CUDA_TRY(cudaDeviceSynchronize());
        unsigned long long h[1 + kReasonCount];
        DCPLAN_CUDA_TRY(cudaMemcpy(h, cnt, sizeof(h), cudaMemcpyDeviceToHost));
        const std::uint64_t b = sp.starts[pieces[i].combo] + pieces[i].begin;
        const std::uint64_t e = sp.starts[pieces[j - 1].combo] + pieces[j - 1].end;
        if (h[0] > cap) {
          thrust_range(b, e, false);
        } else {
          for (int k = 0; k < kReasonCount; ++k) st.acc.counts[k] += h[1 + k];
          const std::size_t m = static_cast<std::size_t>(h[0]);
          if (m > 0) {
            thrust::sort(thrust::cuda::par, cbuf.begin(), cbuf.begin() + m, rank_less_fn{});
            std::vector<rank_key> fresh(std::min(m, st.k));
            fetch(thrust::raw_pointer_cast(cbuf.data()), fresh.size(), fresh.data());
            detail::merge_top(st, fresh);
          }
        }
        if (opt.progress) opt.progress(e - range_b, range_n);
        i = j;
      }
      done = st.acc.counts[feasible] > 0;
      // The closest plan is reported only when nothing is feasible: then every plan is
      // evaluated once more through the Thrust path, which finds it.
      if (!done) st = detail::reduce_state{detail::empty_accum(), {}, opt.top_k};
    }
    if (!done) thrust_range(range_b, range_e, true);
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
    throw resource_error("CUDA: out of device memory; try a smaller --chunk");
  }
  r.backend = "cuda";
  r.threads = 1;
  r.device = prop.name;
  const std::pair<std::uint64_t, std::uint64_t> range = plan_range(opt, sp.total);
  r.plans_evaluated = range.second - range.first;
  return r;
}

}  // namespace dcplan
