// The CUDA backend's chunk size under a device memory budget (include/dcplan/engine/chunking.hpp),
// checked on the CPU: a smaller cap gives smaller chunks, never more bytes than the cap.
#include <catch2/catch.hpp>

#include "dcplan/engine/chunking.hpp"

using namespace dcplan;

TEST_CASE("no budget: the requested chunk, or the default", "[chunking]") {
  CHECK(chunk_plans_for_memory(0, 0, 0) == kDefaultCudaChunkPlans);
  CHECK(chunk_plans_for_memory(0, 1000, 4096) == 4096);
}

TEST_CASE("a budget caps the chunk to three quarters of what the scenario leaves", "[chunking]") {
  // 80 bytes a plan (an 8-byte index and a 32-byte key, twice): the sizes are the contract.
  REQUIRE(kDeviceBytesPerPlan == 80);
  // 16 MiB + 4 KiB fixed: 12 MiB usable = 157286 plans, cut to a multiple of 1024.
  const std::uint64_t budget = (std::uint64_t{16} << 20) + 4096;
  CHECK(chunk_plans_for_memory(budget, 4096, 0) == 156672);
  // A smaller request than what fits is kept.
  CHECK(chunk_plans_for_memory(budget, 4096, 2048) == 2048);
  // 99999 plans fit -> 99328.
  CHECK(chunk_plans_for_memory(100000 * 80 / 3 * 4 + 3, 0, 0) == 99328);
}

TEST_CASE("the chunk shrinks with the cap and its buffers stay within it", "[chunking]") {
  std::uint64_t last = kDefaultCudaChunkPlans;
  for (std::uint64_t cap = std::uint64_t{8} << 30; cap >= (std::uint64_t{1} << 20); cap /= 2) {
    const std::uint64_t fixed = 123456;
    const std::uint64_t c = chunk_plans_for_memory(cap, fixed, 0);
    INFO("cap " << cap << " chunk " << c);
    REQUIRE(c >= kMinChunkPlans);
    CHECK(c <= last);
    CHECK(c % kMinChunkPlans == 0);
    CHECK(fixed + c * kDeviceBytesPerPlan <= cap);
    last = c;
  }
  CHECK(last < kDefaultCudaChunkPlans);
}

TEST_CASE("a cap too small for one minimal chunk is refused", "[chunking]") {
  CHECK(chunk_plans_for_memory(1000, 2000, 0) == 0); // the scenario alone does not fit
  CHECK(chunk_plans_for_memory(2000 + kMinChunkPlans * kDeviceBytesPerPlan, 2000, 0) == 0);
  CHECK(chunk_plans_for_memory(2000 + kMinChunkPlans * kDeviceBytesPerPlan / 3 * 4 + 4, 2000, 0) ==
        kMinChunkPlans);
}
