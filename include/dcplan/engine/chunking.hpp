#pragma once
// How many plans one chunk of the CUDA backend holds within a device memory budget. Plain C++,
// so the CPU tests check the same arithmetic the CUDA backend runs.
#include <cstdint>

#include "dcplan/model/rank.hpp"

namespace dcplan {

/// Device bytes one plan of a chunk needs: its candidate index and its ranking key, and as much
/// again for the sort's temporary storage.
constexpr std::uint64_t kDeviceBytesPerPlan = 2 * (sizeof(std::uint64_t) + sizeof(rank_key));
/// The smallest chunk worth launching (below it, launch overhead dominates).
constexpr std::uint64_t kMinChunkPlans = 1024;
/// The CUDA backend's chunk when memory does not bind: 2^24 plans (about 1 GiB of buffers).
constexpr std::uint64_t kDefaultCudaChunkPlans = std::uint64_t{1} << 24;

/// Plans per chunk for `budget_bytes` of device memory, of which `fixed_bytes` hold the
/// scenario and the space: `requested` (or the default when 0) cut to fit three quarters of
/// what is left (the rest is slack for Thrust's own allocations), a multiple of kMinChunkPlans.
/// Returns 0 when not even kMinChunkPlans fit. `budget_bytes` 0 means no budget.
inline std::uint64_t chunk_plans_for_memory(std::uint64_t budget_bytes, std::uint64_t fixed_bytes,
                                            std::uint64_t requested) {
  const std::uint64_t want = requested ? requested : kDefaultCudaChunkPlans;
  if (budget_bytes == 0) return want;
  if (budget_bytes <= fixed_bytes) return 0;
  const std::uint64_t usable = (budget_bytes - fixed_bytes) / 4 * 3;
  std::uint64_t fit = usable / kDeviceBytesPerPlan;
  fit -= fit % kMinChunkPlans;
  if (fit < kMinChunkPlans) return 0;
  return want < fit ? want : fit;
}

} // namespace dcplan
