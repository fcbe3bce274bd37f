#pragma once
// The reduction of one chunk of the plan space, written once with Thrust and run by both
// backends: the CPU passes thrust::omp::par, CUDA passes thrust::cuda::par, and nothing else
// differs. Per chunk: one fused pass counts plans by reason and finds the closest plan; a
// second pass keeps the plans that beat the current K-th best (few, once the top K fills);
// those are sorted by MODEL.md's total ranking and merged into the top K on the host.
#include <algorithm>
#include <cstdint>
#include <vector>

#include <thrust/copy.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/sort.h>
#include <thrust/transform.h>
#include <thrust/transform_reduce.h>

#include "dcplan/model/macros.hpp"
#include "dcplan/model/model.hpp"
#include "dcplan/model/rank.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan::detail {

/// The figure the closest plan maximises (docs/report.md): tokens/s under an inference target,
/// whose test 6 is on tokens/s (MODEL.md "Inference targets"), else effective FLOP/s.
DCPLAN_HD double closest_figure(bool inference, const plan_figures& p) {
  return inference ? p.tokens_per_second : p.effective_flops;
}

struct chunk_accum {
  std::uint64_t counts[kReasonCount];
  double closest_flops; // closest_figure; -1 when no plan passes every test but the target
  std::uint64_t closest_index;
};

DCPLAN_HD chunk_accum empty_accum() {
  chunk_accum a;
  for (int r = 0; r < kReasonCount; ++r) a.counts[r] = 0;
  a.closest_flops = -1.0;
  a.closest_index = 0;
  return a;
}

struct accum_of_plan {
  model_view v;
  space_view sp;
  DCPLAN_HD chunk_accum operator()(std::uint64_t i) const {
    const plan_figures p = evaluate_index(v, sp, i);
    chunk_accum a = empty_accum();
    a.counts[p.reason] = 1;
    if (p.near_feasible) {
      a.closest_flops = closest_figure(v.g.inference, p);
      a.closest_index = i;
    }
    return a;
  }
};

/// Associative and commutative, so every grouping of the reduction gives the same result.
struct accum_plus {
  DCPLAN_HD chunk_accum operator()(const chunk_accum& x, const chunk_accum& y) const {
    chunk_accum a;
    for (int r = 0; r < kReasonCount; ++r) a.counts[r] = x.counts[r] + y.counts[r];
    const bool take_y = y.closest_flops > x.closest_flops ||
                        (y.closest_flops == x.closest_flops && y.closest_index < x.closest_index);
    a.closest_flops = take_y ? y.closest_flops : x.closest_flops;
    a.closest_index = take_y ? y.closest_index : x.closest_index;
    return a;
  }
};

/// Feasible and ranked before `threshold` (every feasible plan while the top K is not full).
struct beats_threshold {
  model_view v;
  space_view sp;
  rank_key threshold;
  bool full;
  DCPLAN_HD bool operator()(std::uint64_t i) const {
    const plan_figures p = evaluate_index(v, sp, i);
    if (p.reason != feasible) return false;
    return !full || rank_less(make_rank_key(p, v.g.obj, i), threshold);
  }
};

struct key_of_plan {
  model_view v;
  space_view sp;
  DCPLAN_HD rank_key operator()(std::uint64_t i) const {
    return make_rank_key(evaluate_index(v, sp, i), v.g.obj, i);
  }
};

/// What the host keeps between chunks.
struct reduce_state {
  chunk_accum acc = empty_accum();
  std::vector<rank_key> top; // best first, at most k
  std::size_t k = 10;
};

/// Merges keys sorted best first into the top K of `st`.
inline void merge_top(reduce_state& st, const std::vector<rank_key>& fresh) {
  std::vector<rank_key> merged(st.top.size() + fresh.size());
  std::merge(st.top.begin(), st.top.end(), fresh.begin(), fresh.end(), merged.begin(),
             [](const rank_key& x, const rank_key& y) { return rank_less(x, y); });
  if (merged.size() > st.k) merged.resize(st.k);
  st.top.swap(merged);
}

/// Reduces plans [begin, end) into `st`. `cand` and `keys` hold at least end - begin elements
/// on the policy's side; `fetch(keys, n, out)` copies n keys from that side to the host.
template <class Policy, class Fetch>
void reduce_chunk(Policy policy, const model_view& v, const space_view& sp, std::uint64_t begin,
                  std::uint64_t end, std::uint64_t* cand, rank_key* keys, reduce_state& st,
                  Fetch fetch) {
  const thrust::counting_iterator<std::uint64_t> first(begin), last(end);
  const chunk_accum a = thrust::transform_reduce(policy, first, last, accum_of_plan{v, sp},
                                                 empty_accum(), accum_plus{});
  st.acc = accum_plus{}(st.acc, a);
  if (st.k == 0 || a.counts[feasible] == 0) return;

  const bool full = st.top.size() >= st.k;
  const rank_key threshold = full ? st.top.back() : rank_key{0, 0, 0, 0};
  std::uint64_t* cand_end =
      thrust::copy_if(policy, first, last, cand, beats_threshold{v, sp, threshold, full});
  const std::size_t n = static_cast<std::size_t>(cand_end - cand);
  if (n == 0) return;
  thrust::transform(policy, cand, cand_end, keys, key_of_plan{v, sp});
  thrust::sort(policy, keys, keys + n, rank_less_fn{});

  const std::size_t take = std::min(n, st.k);
  std::vector<rank_key> fresh(take);
  fetch(keys, take, fresh.data());
  merge_top(st, fresh);
}

} // namespace dcplan::detail
