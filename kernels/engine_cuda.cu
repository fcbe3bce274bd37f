// The CUDA backend, with the scenario's records and the plan space copied to the device once
// (device.cuh): the pruned path runs detail::reduce_range a thread per piece, handing on what
// the cost frontier needs (its ranges and the near-feasible plans of the combinations evaluated
// plan by plan) for the host's walk (detail/frontier_prune.hpp, as on the CPU); the every-plan
// path (`--no-pruning`, and the closest plan when nothing is feasible) runs detail::sweep_nodes,
// the CPU's every-plan loop, a block per piece of a combination with its threads striding over
// the node counts. Any overflowing batch, and the cost frontier of `--no-pruning` or of a pass
// whose near-feasible plans overflow their buffer, go through the Thrust chunk code of
// detail/reduce.hpp and detail/cost_frontier.hpp.
#include <algorithm>
#include <vector>

#include <thrust/device_vector.h>
#include <thrust/fill.h>
#include <thrust/reduce.h>
#include <thrust/sort.h>
#include <thrust/system/cuda/execution_policy.h>

#include "device.cuh"
#include "dcplan/engine/chunking.hpp"
#include "dcplan/engine/detail/range_reduce.hpp"
#include "dcplan/engine/detail/cost_frontier.hpp"
#include "dcplan/engine/detail/frontier_prune.hpp"
#include "dcplan/engine/detail/reduce.hpp"
#include "dcplan/engine/detail/sweep.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"

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

// reduce_range's frontier hook on the device: the ranges (at most one per piece, so `ranges`
// holds one per thread of the launch) and the near-feasible plans of the combinations evaluated
// plan by plan (at most `point_cap`; more and the host knows from the count) go to buffers.
struct frontier_hand_on {
  detail::frontier_range* ranges;
  unsigned long long* range_count;
  frontier_point* points;
  unsigned long long* point_count;
  unsigned long long point_cap;
  bool enabled;
  __host__ __device__ void near(const plan_figures& p, std::uint64_t index) const {
#if defined(__CUDA_ARCH__)
    if (!enabled) return;
    const unsigned long long slot = atomicAdd(point_count, 1ull);
    if (slot < point_cap) points[slot] = detail::frontier_point_of(p, index);
#endif
  }
  __host__ __device__ void range(int k, std::uint64_t lo, std::uint64_t hi,
                                 const plan_figures& first) const {
#if defined(__CUDA_ARCH__)
    if (!enabled) return;
    const double score = first.effective_flops / first.tco;
    ranges[atomicAdd(range_count, 1ull)] = {k, lo, hi, isnan(score) ? 0.0 : score}; // sortable
#endif
  }
  __host__ __device__ bool defer(int, std::uint64_t, std::uint64_t) const { return false; }
};

// One thread per piece of a combination: the exact range pruning of detail::reduce_range, the
// code the CPU backend runs; counts are summed per thread, then once per thread into `counts`.
__global__ void pruned_kernel(model_view v, space_view s, const detail::piece* pieces, int n,
                              candidate_sink sink, frontier_hand_on frontier,
                              unsigned long long* counts) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  std::uint64_t c[kReasonCount] = {};
  detail::reduce_range(v, s, pieces[i].combo, pieces[i].begin, pieces[i].end, c, sink, frontier);
  for (int r = 0; r < kReasonCount; ++r)
    if (c[r]) atomicAdd(&counts[r], static_cast<unsigned long long>(c[r]));
}

// The closest plan of a block (closest_figure, ties to the lower index), -1 when none.
struct closest_pick {
  double figure;
  std::uint64_t index;
};

struct closest_better {
  __host__ __device__ closest_pick operator()(const closest_pick& x, const closest_pick& y) const {
    const bool take_y = y.figure > x.figure || (y.figure == x.figure && y.index < x.index);
    return take_y ? y : x;
  }
};

// What one thread of the sweep keeps: the top-K candidates go straight to the buffer.
struct sweep_sink {
  candidate_sink top;
  bool inference;
  closest_pick best;
  __device__ void operator()(const plan_figures& f, std::uint64_t index) {
    if (f.reason == feasible) top(f, index);
    best = closest_better{}(best, closest_pick{detail::closest_figure(inference, f), index});
  }
};

constexpr int kSweepThreads = 256;

// A block per piece of a combination: thread 0 hoists the combination's figures into shared
// memory, every thread sweeps node counts begin + tid, begin + tid + 256, ... through
// detail::sweep_nodes; counts and the closest plan are reduced by warp shuffles, then once per
// block into `counts` and `closest[blockIdx.x]`.
__global__ void __launch_bounds__(kSweepThreads)
    sweep_kernel(model_view v, space_view s, const detail::piece* pieces, candidate_sink top,
                 unsigned long long* counts, closest_pick* closest) {
  __shared__ combo_figures k;
  __shared__ unsigned long long block_counts[kReasonCount];
  __shared__ closest_pick warp_best[kSweepThreads / 32];
  const detail::piece pc = pieces[blockIdx.x];
  const int tid = threadIdx.x;
  if (tid == 0) {
    const combo& cb = s.combos[pc.combo];
    k = combo_figures_of(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing);
  }
  if (tid < kReasonCount) block_counts[tid] = 0;
  __syncthreads();
  std::uint64_t c[kReasonCount] = {};
  sweep_sink sink{top, v.g.inference, closest_pick{-1.0, 0}};
  detail::sweep_nodes(v, k, s.node_step, s.starts[pc.combo], pc.begin + tid, pc.end, kSweepThreads,
                      c, sink);
  const int lane = tid % 32;
  for (int r = 0; r < kReasonCount; ++r) {
    unsigned long long x = c[r];
    for (int d = 16; d > 0; d /= 2) x += __shfl_down_sync(0xffffffffu, x, d);
    if (lane == 0 && x) atomicAdd(&block_counts[r], x);
  }
  closest_pick b = sink.best;
  for (int d = 16; d > 0; d /= 2) {
    const closest_pick o{__shfl_down_sync(0xffffffffu, b.figure, d),
                         __shfl_down_sync(0xffffffffu, b.index, d)};
    b = closest_better{}(b, o);
  }
  if (lane == 0) warp_best[tid / 32] = b;
  __syncthreads();
  if (tid < kReasonCount && block_counts[tid]) atomicAdd(&counts[tid], block_counts[tid]);
  if (tid == 0) {
    closest_pick best = warp_best[0];
    for (int w = 1; w < kSweepThreads / 32; ++w) best = closest_better{}(best, warp_best[w]);
    closest[blockIdx.x] = best;
  }
}

} // namespace

engine_result evaluate_plans_cuda(const scenario& sc, const plan_space& sp,
                                  const engine_options& opt) {
  detail::require_cuda_device();
  int dev = 0;
  DCPLAN_CUDA_TRY(cudaGetDevice(&dev));
  cudaDeviceProp prop{};
  DCPLAN_CUDA_TRY(cudaGetDeviceProperties(&prop, dev));

  engine_result r;
  try {
    const detail::device_scenario on_device(sc, sp);
    const model_view& v = on_device.model();
    const space_view& s = on_device.space();
    const std::pair<std::uint64_t, std::uint64_t> range = plan_range(opt, sp.total);
    const std::uint64_t range_b = range.first, range_e = range.second;
    const std::uint64_t range_n = range_e - range_b;
    // The chunk fits the memory budget: the cap when one is set, else what the device has free.
    std::size_t free_bytes = 0, total_bytes = 0;
    DCPLAN_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
    std::uint64_t budget = free_bytes;
    if (opt.device_memory_cap && opt.device_memory_cap < budget) budget = opt.device_memory_cap;
    const std::uint64_t fixed = on_device.bytes();
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
        cand.resize(static_cast<std::size_t>(std::max<std::uint64_t>(1, std::min(chunk, range_n))));
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
    const auto fetch = [](const auto* src, std::size_t n, auto* dst) {
      if (n == 0) return;
      DCPLAN_CUDA_TRY(cudaMemcpy(dst, src, n * sizeof(*src), cudaMemcpyDeviceToHost));
    };
    // The Thrust frontier pass's buffers, made when it runs (docs/report.md "The cost frontier").
    thrust::device_vector<frontier_point> pts;
    thrust::device_vector<double> flag;
    thrust::device_vector<frontier_point> front; // the running frontier, for the next chunk
    detail::frontier_state fr;
    const auto publish = [&front](const std::vector<frontier_point>& p) {
      front.assign(p.begin(), p.end());
      return detail::frontier_view{thrust::raw_pointer_cast(front.data()), p.size()};
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
    // A sink for the candidates beating the current K-th best, into `cbuf` (its count at cnt[0]).
    const auto sink_for = [&](thrust::device_vector<rank_key>& cbuf, unsigned long long* cnt,
                              unsigned long long cap) {
      const bool full = st.top.size() >= st.k;
      return candidate_sink{thrust::raw_pointer_cast(cbuf.data()),
                            cnt,
                            cap,
                            full && st.k > 0 ? st.top.back() : rank_key{0, 0, 0, 0},
                            full,
                            st.k > 0,
                            v.g.obj};
    };
    // The first m candidates of `cbuf`, sorted on the device, merged into the top K.
    const auto merge_candidates = [&](thrust::device_vector<rank_key>& cbuf, std::size_t m) {
      if (m == 0) return;
      thrust::sort(thrust::cuda::par, cbuf.begin(), cbuf.begin() + m, rank_less_fn{});
      std::vector<rank_key> fresh(std::min(m, st.k));
      fetch(thrust::raw_pointer_cast(cbuf.data()), fresh.size(), fresh.data());
      detail::merge_top(st, fresh);
    };
    // The kernels' own time (engine_result::kernel_seconds), by events around each launch.
    detail::event_timer kernel_timer;
    bool done = false;
    // What the pruned pass hands on for the cost frontier, gathered on the host; `hand_on_full`
    // when the near-feasible plans overflowed their buffer (the Thrust pass below then runs).
    std::vector<detail::frontier_range> fr_ranges;
    std::vector<frontier_point> fr_points;
    bool handed_on = false, hand_on_full = false;
    if (!opt.reference) {
      // Pruned path: pieces of combinations in batches; candidates beating the current K-th
      // best go to a buffer. A batch whose candidates overflow the buffer is redone exactly
      // through the Thrust path, so the answer never depends on the buffer's size.
      const std::vector<detail::piece> pieces = detail::split_pieces(sp, 4096, range_b, range_e);
      const thrust::device_vector<detail::piece> dpieces(pieces.begin(), pieces.end());
      // The candidate buffer shares the memory budget with the Thrust fallback's buffers.
      const unsigned long long cap =
          std::max<unsigned long long>(1024, std::min<unsigned long long>(1ull << 22, chunk / 4));
      thrust::device_vector<rank_key> cbuf(cap);
      // counts[0]: candidates, [1, 1 + kReasonCount): reasons, then the frontier's two counts.
      thrust::device_vector<unsigned long long> dcount(3 + kReasonCount);
      constexpr std::size_t kBatch = std::size_t{1} << 18; // pieces per launch
      const bool hand_on = opt.want_frontier;
      thrust::device_vector<detail::frontier_range> dranges(hand_on ? kBatch : 0);
      thrust::device_vector<frontier_point> dpoints(hand_on ? cap : 0);
      std::size_t i = 0;
      while (i < pieces.size()) {
        if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
        const std::size_t j = std::min(pieces.size(), i + kBatch);
        thrust::fill(dcount.begin(), dcount.end(), 0ull);
        unsigned long long* cnt = thrust::raw_pointer_cast(dcount.data());
        const candidate_sink sink = sink_for(cbuf, cnt, cap);
        const frontier_hand_on frontier{thrust::raw_pointer_cast(dranges.data()),
                                        cnt + 1 + kReasonCount,
                                        thrust::raw_pointer_cast(dpoints.data()),
                                        cnt + 2 + kReasonCount,
                                        cap,
                                        hand_on && !hand_on_full};
        const int n = static_cast<int>(j - i);
        kernel_timer.start();
        pruned_kernel<<<(n + 255) / 256, 256>>>(v, s, thrust::raw_pointer_cast(dpieces.data()) + i,
                                                n, sink, frontier, cnt + 1);
        DCPLAN_CUDA_TRY(cudaGetLastError());
        kernel_timer.stop();
        DCPLAN_CUDA_TRY(cudaDeviceSynchronize());
        unsigned long long h[3 + kReasonCount];
        DCPLAN_CUDA_TRY(cudaMemcpy(h, cnt, sizeof(h), cudaMemcpyDeviceToHost));
        if (frontier.enabled) {
          const unsigned long long nr = h[1 + kReasonCount], np = h[2 + kReasonCount];
          hand_on_full = np > cap;
          if (!hand_on_full) {
            const std::size_t r0 = fr_ranges.size(), p0 = fr_points.size();
            fr_ranges.resize(r0 + nr);
            fr_points.resize(p0 + np);
            fetch(thrust::raw_pointer_cast(dranges.data()), nr, fr_ranges.data() + r0);
            fetch(thrust::raw_pointer_cast(dpoints.data()), np, fr_points.data() + p0);
          }
        }
        const std::uint64_t b = sp.starts[pieces[i].combo] + pieces[i].begin;
        const std::uint64_t e = sp.starts[pieces[j - 1].combo] + pieces[j - 1].end;
        if (h[0] > cap) {
          thrust_range(b, e, false);
        } else {
          for (int k = 0; k < kReasonCount; ++k) st.acc.counts[k] += h[1 + k];
          merge_candidates(cbuf, static_cast<std::size_t>(h[0]));
        }
        if (opt.progress) opt.progress(e - range_b, range_n);
        i = j;
      }
      handed_on = hand_on && !hand_on_full;
      done = st.acc.counts[feasible] > 0;
      // The closest plan is reported only when nothing is feasible: then every plan is
      // evaluated once more through the Thrust path, which finds it.
      if (!done) st = detail::reduce_state{detail::empty_accum(), {}, opt.top_k};
    }
    if (!done) {
      // Every plan: the sweep kernel over pieces of combinations in batches. A batch whose
      // top-K candidates overflow the buffer is redone exactly through the Thrust path.
      const std::vector<detail::piece> pieces =
          detail::split_pieces(sp, std::uint64_t{1} << 16, range_b, range_e);
      const thrust::device_vector<detail::piece> dpieces(pieces.begin(), pieces.end());
      const unsigned long long cap =
          std::max<unsigned long long>(1024, std::min<unsigned long long>(1ull << 22, chunk / 4));
      thrust::device_vector<rank_key> cbuf(cap);
      thrust::device_vector<unsigned long long> dcount(1 + kReasonCount);
      constexpr std::size_t kBatch = std::size_t{1} << 14; // blocks per launch
      thrust::device_vector<closest_pick> dclosest(std::min(pieces.size(), kBatch));
      // Batches grow from 64 blocks, so the top K fills before a batch can flood the buffer.
      std::size_t batch = 64;
      for (std::size_t i = 0; i < pieces.size(); batch = std::min(kBatch, batch * 2)) {
        if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
        const std::size_t j = std::min(pieces.size(), i + batch);
        thrust::fill(dcount.begin(), dcount.end(), 0ull);
        unsigned long long* cnt = thrust::raw_pointer_cast(dcount.data());
        const candidate_sink sink = sink_for(cbuf, cnt, cap);
        const int blocks = static_cast<int>(j - i);
        kernel_timer.start();
        sweep_kernel<<<blocks, kSweepThreads>>>(v, s, thrust::raw_pointer_cast(dpieces.data()) + i,
                                                sink, cnt + 1,
                                                thrust::raw_pointer_cast(dclosest.data()));
        DCPLAN_CUDA_TRY(cudaGetLastError());
        kernel_timer.stop();
        DCPLAN_CUDA_TRY(cudaDeviceSynchronize());
        unsigned long long h[1 + kReasonCount];
        DCPLAN_CUDA_TRY(cudaMemcpy(h, cnt, sizeof(h), cudaMemcpyDeviceToHost));
        const std::uint64_t b = sp.starts[pieces[i].combo] + pieces[i].begin;
        const std::uint64_t e = sp.starts[pieces[j - 1].combo] + pieces[j - 1].end;
        if (h[0] > cap) {
          thrust_range(b, e, false);
        } else {
          for (int k = 0; k < kReasonCount; ++k) st.acc.counts[k] += h[1 + k];
          const closest_pick c =
              thrust::reduce(thrust::cuda::par, dclosest.begin(), dclosest.begin() + blocks,
                             closest_pick{-1.0, 0}, closest_better{});
          detail::chunk_accum a = detail::empty_accum();
          a.closest_flops = c.figure;
          a.closest_index = c.index;
          st.acc = detail::accum_plus{}(st.acc, a);
          merge_candidates(cbuf, static_cast<std::size_t>(h[0]));
        }
        if (opt.progress) opt.progress(e - range_b, range_n);
        i = j;
      }
    }
    if (handed_on) {
      // The host's walk over what the pruned pass handed on, as on the CPU.
      std::sort(fr_points.begin(), fr_points.end(), frontier_before);
      std::vector<frontier_point> front;
      detail::merge_frontier(front, fr_points);
      fr.points = detail::walk_frontier(make_model_view(sc), sp.view(), std::move(fr_ranges),
                                        std::move(front), opt.cancel);
    } else if (opt.want_frontier) {
      pts.resize(cand.size());
      flag.resize(cand.size());
      for (std::uint64_t b = range_b; b < range_e; b += chunk) {
        if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
        const std::uint64_t e = std::min(range_e, b + chunk);
        detail::cost_frontier_chunk(thrust::cuda::par, v, s, b, e,
                                    thrust::raw_pointer_cast(cand.data()),
                                    thrust::raw_pointer_cast(pts.data()),
                                    thrust::raw_pointer_cast(flag.data()), fr, fetch, publish);
      }
    }
    for (int k = 0; k < kReasonCount; ++k) r.counts[k] = st.acc.counts[k];
    r.top = std::move(st.top);
    r.has_closest = st.acc.closest_flops >= 0;
    r.closest_index = st.acc.closest_index;
    r.closest_flops = st.acc.closest_flops;
    r.frontier = std::move(fr.points);
    r.has_frontier = opt.want_frontier;
    r.kernel_seconds = kernel_timer.seconds;
  } catch (...) {
    DCPLAN_RETHROW_DEVICE_ERROR("try a smaller --chunk or --gpu-memory-cap");
  }
  r.backend = backend_kind::cuda;
  r.threads = 1;
  r.device = prop.name;
  const std::pair<std::uint64_t, std::uint64_t> range = plan_range(opt, sp.total);
  r.plans_evaluated = range.second - range.first;
  return r;
}

} // namespace dcplan
