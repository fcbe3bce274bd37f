#pragma once
// The portfolio pass over one chunk of the plan space (MODEL.md "Portfolios"), written once with
// Thrust and run by both backends like reduce.hpp. Per chunk: keep the plans that pass tests 1-5
// and 7 (and each budget on their own, since figures are non-negative and a member over a budget
// puts the sum over it too) and that no representative pool candidate of their pool already
// dominates; sort them by (pool, ranking key) for the exact sweep on the host (host/pareto.cpp).
#include <cstdint>

#include <thrust/copy.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/sort.h>

#include "dcplan/engine/pool_candidates.hpp"

namespace dcplan::detail {

/// A candidate that none of its pool's representatives (a table of pools x kFlopBins candidate
/// plans, pool -1 where empty) dominates. The bins only choose which plans to compare: the test
/// itself is exact, so this never drops a plan of the pool candidates.
struct undominated_candidate {
  const pool_candidate* reps;
  pareto_dims d;
  DCPLAN_HD bool operator()(const pool_candidate& q) const {
    if (q.pool < 0) return false;
    if (reps == nullptr) return true;
    const int b = flop_bin(q.flops);
    const pool_candidate* row = reps + static_cast<std::size_t>(q.pool) * kFlopBins;
    for (int k = b; k < b + kRepWindow && k < kFlopBins; ++k)
      if (row[k].pool >= 0 && dominates(row[k], q, d)) return false;
    return true;
  }
};

/// Writes the candidates of plans [begin, end) to `out` (room for end - begin), sorted by pool
/// and ranking key, and returns how many there are. `reps` lives on the policy's side.
template <class Policy>
std::size_t candidate_chunk(Policy policy, const model_view& v, const space_view& sp,
                            std::uint64_t begin, std::uint64_t end, const pool_candidate* reps,
                            pareto_dims d, pool_candidate* out) {
  const thrust::counting_iterator<std::uint64_t> first(begin), last(end);
  const auto recs = thrust::make_transform_iterator(first, rec_of_plan{v, sp});
  pool_candidate* out_end =
      thrust::copy_if(policy, recs, recs + static_cast<std::ptrdiff_t>(end - begin), out,
                      undominated_candidate{reps, d});
  const std::size_t n = static_cast<std::size_t>(out_end - out);
  thrust::sort(policy, out, out_end, pool_then_rank{});
  return n;
}

} // namespace dcplan::detail
