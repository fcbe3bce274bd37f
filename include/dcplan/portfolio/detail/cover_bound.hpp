#pragma once
// The target cover bound (MODEL.md "Portfolios").
//
// The LP also takes a fraction of a plan to meet the target exactly, and near the last pools,
// where a state needs its remaining FLOP/s from one or two plans, that can lie well below the
// true cost. This bound keeps the target whole instead, as a covering knapsack over a grid of
// it, solved exactly by dynamic programming for every suffix of the pools, with the budgets at
// their LP prices (the bounds' cost w).
//
// Why it is a valid lower bound: for a state s at stage i with r FLOP/s still to find, any
// completion C within the budgets has FLOP/s(C) >= r and, at prices mu >= 0,
//   objective >= w(s) - priced + sum over C of w >= w(s) - priced + cover[i][g]
// where g is the number of whole grid steps in r and cover[i][g] the least sum of w over at
// most one plan from each pool i, i + 1, ... whose steps sum to at least g. Each plan's FLOP/s
// is rounded up to whole steps and r down, so C's steps sum to at least g: the grid only
// relaxes the target. When cover[i][g] is infinite, even every pool left together falls short.
#include <cmath>
#include <cstddef>
#include <vector>

#include "dcplan/portfolio/detail/pools.hpp"

namespace dcplan::detail {

class cover_bound {
public:
  static constexpr std::size_t kSteps = 4096;

  // The tables for `pools` at prices `pr` (none when no target is left).
  void build(const std::vector<pool_data>& pools, double required, const budget_prices& pr);

  bool empty() const { return cover_.empty(); }
  // The bound of the empty portfolio, or -inf.
  double root() const;

  // Whether state s at stage i, r FLOP/s short, may be completed at all and passes
  // `may(v, mag)`.
  template <class May>
  bool admits(std::size_t i, const state& s, double r, May may) const {
    // Steps in r, rounded down after narrowing by the margin the double sums may be off by.
    const double x = std::floor((r - kSafe * (required_ + std::fabs(s.f))) / step_);
    if (!(x > 0)) return true;
    const double c = cover_[i][grid_steps(x, kSteps)];
    if (c == kInf) return false; // even every pool left together falls short
    const double ws = pr_.w(s);
    return may(ws - pr_.priced + c, std::fabs(ws) + std::fabs(pr_.priced) + mag_[i]);
  }

private:
  double required_ = 0, step_ = 0;
  budget_prices pr_;
  std::vector<std::vector<double>> cover_; // [stage][steps]
  std::vector<double> mag_;                // [stage]: the sum of the largest |w|
};

} // namespace dcplan::detail
