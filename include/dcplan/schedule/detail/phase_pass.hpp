#pragma once
// The phase pass of MODEL.md "A phase" as Thrust over a chunk of phase indices, written once and
// run by both backends: thrust::cuda::par in kernels/phase_pass_cuda.cu, thrust::omp::par in
// host/schedule/phases.cpp (run_phase_pass_thrust), so that the CPU tests run the GPU's code.
// Per chunk: every phase's figures into a buffer (transform), the counts by reason (an exact
// integer reduction), and the candidates copied out in index order (copy_if is stable), which is
// the key order of run_phase_pass's CPU loop.
#include <cstdint>
#include <memory>
#include <vector>

#include <thrust/copy.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform.h>
#include <thrust/transform_reduce.h>

#include "dcplan/model/macros.hpp"
#include "dcplan/scenario/space.hpp"
#include "dcplan/schedule/schedule.hpp"

namespace dcplan::detail {

/// The schedule's constants (MODEL.md "A phase"), every power with C pow on the host, and their
/// flat view. Not copyable: the view points into this object's arrays.
struct schedule_constants {
  std::vector<double> df, price, cloud, grid_max;
  std::unique_ptr<bool[]> grid_by_year; // one per site
  schedule_view view{};

  explicit schedule_constants(const scenario& sc);
  schedule_constants(const schedule_constants&) = delete;
  schedule_constants& operator=(const schedule_constants&) = delete;
};

/// MODEL.md "A phase": the plan space of the phases, n up to v1's n_hi with each site's largest
/// grid_mw_by_year value. Phase i is plan i % total of this space decided in period i / total.
plan_space phase_plan_space(const scenario& sc, const schedule_view& v);

/// Phases [range_begin, range_end) of the pass, within [0, total).
inline std::pair<std::uint64_t, std::uint64_t> phase_range(const phase_pass_options& o,
                                                           std::uint64_t total) {
  const std::uint64_t e = o.range_end > total ? total : o.range_end;
  return {o.range_begin < e ? o.range_begin : e, e};
}

/// Phase i: its key, figures and index (MODEL.md "A phase"; key order is index order).
struct phase_at {
  model_view v;
  schedule_view sv;
  space_view sp;
  std::uint64_t plans; // plans of the space, sp's total
  DCPLAN_HD phase operator()(std::uint64_t i) const {
    const std::uint64_t j = i % plans;
    const int d = static_cast<int>(i / plans);
    const int k = find_combo(sp, j);
    const combo& c = sp.combos[k];
    const double n = static_cast<double>(j - sp.starts[k] + 1) * sp.node_step;
    phase x;
    x.key = {d, c.site, c.system, c.cooling, c.fabric, c.sourcing, n};
    x.index = i;
    x.fig = evaluate_phase(v, sv, c.site, c.system, c.cooling, c.fabric, c.sourcing, n, d);
    return x;
  }
};

/// Phases by reason: n[0] candidates, n[k] the phases that reason k ruled out.
struct reason_counts {
  std::uint64_t n[kReasonCount];
};

/// A phase as a count of one under its reason.
struct reason_one {
  DCPLAN_HD reason_counts operator()(const phase& x) const {
    reason_counts c{};
    c.n[x.fig.reason] = 1;
    return c;
  }
};

struct add_counts {
  DCPLAN_HD reason_counts operator()(const reason_counts& a, const reason_counts& b) const {
    reason_counts c;
    for (int k = 0; k < kReasonCount; ++k) c.n[k] = a.n[k] + b.n[k];
    return c;
  }
};

struct is_candidate {
  DCPLAN_HD bool operator()(const phase& x) const { return x.fig.reason == feasible; }
};

/// Phases [begin, end): their figures into `buf` (room for end - begin), their counts added to
/// `counts`, the candidates into `out` (room for end - begin) in index order; returns how many
/// candidates. `buf` and `out` live on the policy's side.
template <class Policy>
std::size_t phase_chunk(Policy policy, const phase_at& at, std::uint64_t begin, std::uint64_t end,
                        phase* buf, phase* out, reason_counts& counts) {
  const auto n = static_cast<std::ptrdiff_t>(end - begin);
  const thrust::counting_iterator<std::uint64_t> first(begin);
  thrust::transform(policy, first, first + n, buf, at);
  const reason_counts c =
      thrust::transform_reduce(policy, buf, buf + n, reason_one{}, reason_counts{}, add_counts{});
  counts = add_counts{}(counts, c);
  return static_cast<std::size_t>(thrust::copy_if(policy, buf, buf + n, out, is_candidate{}) - out);
}

/// Every chunk of phases [begin, end) through phase_chunk, the counts and the candidates (moved
/// to the host by `fetch(src, n, dst)`) added to `r` in index order.
template <class Policy, class Fetch>
void phase_chunks(Policy policy, const phase_at& at, std::uint64_t begin, std::uint64_t end,
                  std::uint64_t chunk, phase* buf, phase* out, Fetch fetch, phase_pass_result& r) {
  reason_counts counts{};
  for (std::uint64_t b = begin; b < end; b += chunk) {
    const std::uint64_t e = end - b < chunk ? end : b + chunk;
    const std::size_t k = phase_chunk(policy, at, b, e, buf, out, counts);
    const std::size_t had = r.candidates.size();
    r.candidates.resize(had + k);
    if (k > 0) fetch(out, k, r.candidates.data() + had);
  }
  for (int k = 0; k < kReasonCount; ++k) r.counts[k] += counts.n[k];
}

/// Device bytes a phase of a chunk needs: its figures, its place among the candidates, and as
/// much again for Thrust's temporary storage.
constexpr std::uint64_t kDeviceBytesPerPhase = 4 * sizeof(phase);
/// The CUDA pass's chunk when memory does not bind: 2^18 phases (about 250 MiB).
constexpr std::uint64_t kDefaultCudaChunkPhases = std::uint64_t{1} << 18;
/// The smallest chunk of phases worth launching.
constexpr std::uint64_t kMinChunkPhases = 1024;

/// Phases per chunk of the CUDA pass within `budget_bytes` (0: no budget) of which `fixed_bytes`
/// hold the scenario, the space and the constants: `requested` (or the default when 0) cut to
/// three quarters of the rest, a multiple of kMinChunkPhases; 0 when not even that fits.
inline std::uint64_t chunk_phases_for_memory(std::uint64_t budget_bytes, std::uint64_t fixed_bytes,
                                             std::uint64_t requested) {
  const std::uint64_t want = requested ? requested : kDefaultCudaChunkPhases;
  if (budget_bytes == 0) return want;
  if (budget_bytes <= fixed_bytes) return 0;
  std::uint64_t fit = (budget_bytes - fixed_bytes) / 4 * 3 / kDeviceBytesPerPhase;
  fit -= fit % kMinChunkPhases;
  if (fit < kMinChunkPhases) return 0;
  return want < fit ? want : fit;
}

/// The pass through phase_chunks under thrust::omp::par on the CPU (`threads` as
/// run_phase_pass's), for the tests: the CUDA backend's code on the host.
phase_pass_result run_phase_pass_thrust(const scenario& sc, const phase_pass_options& opt);

} // namespace dcplan::detail
