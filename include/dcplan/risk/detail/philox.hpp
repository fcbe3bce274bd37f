#pragma once
// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random
// numbers: as easy as 1, 2, 3" (SC'11), written from the paper's definition: ten rounds of two
// 32x32->64 multiplications per round, with the Weyl key schedule between rounds. Its output is
// a pure function of (counter, key), so any thread on any backend can compute draw k directly.
// The known answers of the Random123 distribution (kat_vectors) are checked in tests/test_risk.cpp.
#include <cstdint>

#include "dcplan/model/macros.hpp"

namespace dcplan::detail {

struct philox_ctr {
  std::uint32_t v[4];
};
struct philox_key {
  std::uint32_t v[2];
};

// The multipliers and Weyl constants of the paper (golden ratio and sqrt(3) - 1, scaled to 2^32).
constexpr std::uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr std::uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr std::uint32_t kPhiloxW0 = 0x9E3779B9u;
constexpr std::uint32_t kPhiloxW1 = 0xBB67AE85u;

DCPLAN_HD void mulhilo32(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b);
  hi = static_cast<std::uint32_t>(p >> 32);
  lo = static_cast<std::uint32_t>(p);
}

DCPLAN_HD philox_ctr philox_round(const philox_ctr& c, const philox_key& k) {
  std::uint32_t hi0, lo0, hi1, lo1;
  mulhilo32(kPhiloxM0, c.v[0], hi0, lo0);
  mulhilo32(kPhiloxM1, c.v[2], hi1, lo1);
  return {{hi1 ^ c.v[1] ^ k.v[0], lo1, hi0 ^ c.v[3] ^ k.v[1], lo0}};
}

/// Philox4x32 with `rounds` rounds (10 is the standard, crush-resistant choice).
DCPLAN_HD philox_ctr philox4x32(philox_ctr c, philox_key k, int rounds = 10) {
  for (int r = 0; r < rounds; ++r) {
    if (r > 0) {
      k.v[0] += kPhiloxW0;
      k.v[1] += kPhiloxW1;
    }
    c = philox_round(c, k);
  }
  return c;
}

/// A double in the open interval (0, 1) from 64 random bits: the top 52 bits, offset by half a
/// step, so that neither 0 nor 1 is ever returned (log(u) is always finite). With 53 bits the
/// largest value, 2^53 - 0.5, would round up to 2^53 and give exactly 1.
DCPLAN_HD double uniform_open01(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t x = (static_cast<std::uint64_t>(hi) << 32) | lo;
  return (static_cast<double>(x >> 12) + 0.5) * (1.0 / 4503599627370496.0);
}

} // namespace dcplan::detail
