#pragma once
// Exact sums (MODEL.md "Portfolios": the true minimum, ties broken by members and keys). Every
// double is an integer multiple of a power of two, its quantum; counted in the smallest quantum
// of a set of figures, the figures' sum is an exact integer, the same in any order of addition.
// So portfolios compare by their true sums whatever order the optimizer takes the pools in, and
// each reported sum is the true sum rounded once to double.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "dcplan/portfolio/portfolio.hpp"

namespace dcplan::detail {

using wide = __int128;
enum figure : int { kObj, kCapex, kTco, kFlops, kFigures };

inline double figure_of(const pool_candidate& r, int k) {
  switch (k) {
  case kObj:
    return r.obj;
  case kCapex:
    return r.capex;
  case kTco:
    return r.tco;
  default:
    return r.flops;
  }
}

// The quantum exponent of one figure over `items`: the least ulp among them, coarsened only when
// the largest sum would not fit 125 bits (figures spanning over 2^60 in size; never in practice).
template <class It>
int quantum_of(It first, It last, int k, std::size_t terms) {
  int lo = std::numeric_limits<int>::max(), hi = std::numeric_limits<int>::min();
  for (It it = first; it != last; ++it) {
    const double v = figure_of(*it, k);
    if (v == 0 || !std::isfinite(v)) continue;
    const int e = std::ilogb(v);
    lo = std::min(lo, e - std::numeric_limits<double>::digits + 1);
    hi = std::max(hi, e);
  }
  if (lo == std::numeric_limits<int>::max()) return 0;
  int bits = 1;
  while ((std::size_t{1} << bits) <= terms + 1) ++bits;
  return std::max(lo, hi + 1 + bits - 125);
}

inline wide to_wide(double v, int q) {
  return static_cast<wide>(std::nearbyint(std::ldexp(v, -q)));
}
inline double to_double(wide w, int q) { return std::ldexp(static_cast<double>(w), q); }
// The least integer count of quanta at or above v (for the target: an exact sum S*2^q meets v
// exactly when S meets this).
wide wide_ceil(double v, int q);
// The greatest integer count of quanta at or below v (for the budgets).
wide wide_floor(double v, int q);

// The quantum of each figure over a set of records.
struct quanta {
  int q[kFigures] = {0, 0, 0, 0};
  quanta() = default;
  template <class It>
  quanta(It first, It last, std::size_t terms) {
    for (int k = 0; k < kFigures; ++k) q[k] = quantum_of(first, last, k, terms);
  }
};

// The exact sum of figure k over `m`, in quanta 2^q.
wide exact_sum(const std::vector<pool_candidate>& m, int k, int q);

// Whether a's ranking keys, sorted, come before b's (lexicographically).
bool keys_less(const std::vector<pool_candidate>& a, const std::vector<pool_candidate>& b);

// MODEL.md "Portfolios": the figures of a set of members (listed in pool order), each the exact
// sum rounded once; feasibility is decided on the exact sums.
portfolio_solution evaluate_members(std::vector<pool_candidate> m, const portfolio_problem& p,
                                    double required);

// The members' true objectives compared: negative, zero or positive as a's is below, equal to
// or above b's.
int compare_objectives(const std::vector<pool_candidate>& a, const std::vector<pool_candidate>& b);

} // namespace dcplan::detail
