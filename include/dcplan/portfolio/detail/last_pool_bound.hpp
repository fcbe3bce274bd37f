#pragma once
// The exact last-pool bound (MODEL.md "Portfolios").
//
// Why it is a valid lower bound: a state at the last stage can be completed only by one plan of
// the last pool (or none, which cannot complete a state still short of the target). So its
// best completion is the cheapest of those plans that meets the target within the budgets, and
// its objective, s's plus that plan's, is the bound: exact but for the margins, which only keep
// more. The plans are taken by objective, so the scan ends at the first that `may` rejects.
#include <cmath>
#include <cstddef>
#include <vector>

#include "dcplan/portfolio/detail/pools.hpp"

namespace dcplan::detail {

class last_pool_bound {
public:
  // Orders the last of `pools` by objective (the pools must outlive this bound's use).
  void build(const std::vector<pool_data>& pools, const portfolio_problem& p, double required);

  // Whether one plan of the last pool completes state s (r FLOP/s short) within the budgets
  // with an objective that passes `may(v, mag)`.
  template <class May>
  bool admits(const state& s, double r, May may) const {
    const pool_data& d = pools_->back();
    const double f_low = r - kSafe * (required_ + std::fabs(s.f));
    for (const std::size_t j : by_obj_) {
      const pool_candidate& it = d.items[j];
      if (!may(s.obj + it.obj, std::fabs(s.obj) + std::fabs(it.obj))) return false;
      if (it.flops < f_low) continue;
      if (p_->capex_budget &&
          s.capex + it.capex > *p_->capex_budget + kSafe * (*p_->capex_budget + std::fabs(s.capex)))
        continue;
      if (p_->tco_budget &&
          s.tco + it.tco > *p_->tco_budget + kSafe * (*p_->tco_budget + std::fabs(s.tco)))
        continue;
      return true;
    }
    return false;
  }

private:
  const std::vector<pool_data>* pools_ = nullptr;
  const portfolio_problem* p_ = nullptr;
  double required_ = 0;
  std::vector<std::size_t> by_obj_; // the last pool's plans by objective
};

} // namespace dcplan::detail
