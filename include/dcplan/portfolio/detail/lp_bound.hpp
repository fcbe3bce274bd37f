#pragma once
// The LP suffix bound (MODEL.md "Portfolios").
//
// Why it is a valid lower bound: any completion of a state s from stage i takes at most one
// plan from each pool i, i + 1, ... and must find r = required - f(s) more FLOP/s. Allowing
// fractions of plans only enlarges that set, and the cheapest fractional choice of cost w for
// r FLOP/s is the greedy walk along the pools' lower convex hulls in order of slope (each hull
// is the least cost of a fraction of its pool's plans; the multiple-choice LP's optimum takes
// segments by cost per FLOP/s). So every completion within the budgets has
//   objective >= w(s) + lp_i(r) - priced
// (w and priced: budget_prices). The same walk over the capex (TCO) hulls bounds the capex
// (TCO) any completion must add, so a state whose spend plus that bound exceeds its budget has
// no feasible completion.
#include <cmath>
#include <cstddef>
#include <vector>

#include "dcplan/portfolio/detail/pools.hpp"

namespace dcplan::detail {

class lp_suffix_bound {
public:
  // The bounds of every suffix of `pools` at prices `pr` (the budget LPs only for the budgets
  // that are set).
  void build(const std::vector<pool_data>& pools, const portfolio_problem& p,
             const budget_prices& pr);

  // The LP of w over pools i, i + 1, ...
  const suffix_bound& objective(std::size_t i) const { return obj_[i]; }

  // Whether state s at stage i, r FLOP/s short, may still lead to a portfolio that matters:
  // `may(v, mag)` judges the objective bound v (a sum of doubles of size up to mag), and the
  // budget LPs must leave room in the budgets.
  template <class May>
  bool admits(std::size_t i, const state& s, double r, May may) const {
    const double lb = obj_[i].at(r);
    if (lb == kInf) return false;
    const double ws = pr_.w(s);
    if (!may(ws + lb - pr_.priced, std::fabs(ws) + std::fabs(lb) + std::fabs(pr_.priced)))
      return false;
    return budgets_ok(i, r, s.capex, s.tco);
  }

  // Whether the budget LPs leave room for a state that has spent capex and tco.
  bool budgets_ok(std::size_t i, double r, double capex, double tco) const {
    if (p_->capex_budget && (capex + capex_[i].at(r)) * (1 - kSafe) > *p_->capex_budget)
      return false;
    if (p_->tco_budget && (tco + tco_[i].at(r)) * (1 - kSafe) > *p_->tco_budget) return false;
    return true;
  }

private:
  const portfolio_problem* p_ = nullptr;
  budget_prices pr_;
  std::vector<suffix_bound> obj_, capex_, tco_;
};

} // namespace dcplan::detail
