#pragma once
// The priced LP bound: the LP suffix bound at other budget prices (MODEL.md "Portfolios").
//
// Why it is a valid lower bound: the LP suffix bound's argument holds at any prices mu >= 0
// (for a portfolio within the budgets, objective >= w_mu - priced_mu), so the LP of w_mu over
// the pools left, less priced_mu, bounds every completion too. One price pair, chosen for the
// root, is the tightest there; a partial portfolio that has spent more (or less) of a budget
// than the root's balance is bounded more tightly at a higher (or lower) price, so the bound is
// also taken at 0, 1/2, 2 and 4 times the root's prices.
#include <cmath>
#include <cstddef>
#include <vector>

#include "dcplan/portfolio/detail/pools.hpp"

namespace dcplan::detail {

class priced_lp_bound {
public:
  // The LPs at the scaled prices; none when `pr` prices no budget.
  void build(const std::vector<pool_data>& pools, const portfolio_problem& p,
             const budget_prices& pr);

  // Whether state s at stage i, r FLOP/s short, passes `may(v, mag)` at every price.
  template <class May>
  bool admits(std::size_t i, const state& s, double r, May may) const {
    for (const at_price& e : prices_) {
      const double ws = e.pr.w(s), l = e.lb[i].at(r);
      if (l == kInf) return false;
      if (!may(ws + l - e.pr.priced, std::fabs(ws) + std::fabs(l) + std::fabs(e.pr.priced)))
        return false;
    }
    return true;
  }

private:
  struct at_price {
    budget_prices pr;
    std::vector<suffix_bound> lb;
  };
  std::vector<at_price> prices_;
};

} // namespace dcplan::detail
