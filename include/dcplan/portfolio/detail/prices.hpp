#pragma once
// Prices and reduced costs (MODEL.md "Portfolios": budgets). The budgets enter the bounds as
// Lagrange multipliers: for any prices mu >= 0 and any portfolio within the budgets,
// objective >= w - priced (see budget_prices), so every price gives a valid bound and the
// search picks those that make the root's bound the highest (the bound is concave in them).
#include <cstddef>
#include <utility>
#include <vector>

#include "dcplan/portfolio/detail/pools.hpp"

namespace dcplan::detail {

// The maximum of a concave function g on [lo, hi] by golden-section search in `steps` steps:
// the better of the last two points, and g there.
template <class G>
std::pair<double, double> golden_max(G g, double lo, double hi, int steps) {
  const double phi = 0.6180339887498949;
  double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo), ga = g(a), gb = g(b);
  for (int it = 0; it < steps; ++it) {
    if (ga < gb) {
      lo = a;
      a = b;
      ga = gb;
      b = lo + phi * (hi - lo);
      gb = g(b);
    } else {
      hi = b;
      b = a;
      gb = ga;
      a = hi - phi * (hi - lo);
      ga = g(a);
    }
  }
  return ga > gb ? std::pair{a, ga} : std::pair{b, gb};
}

// The root Lagrangian bound at budget prices (mu_c, mu_t): the LP of w over every pool at the
// target, less the priced budgets (kInf when even the LP cannot meet the target). `by_flops`
// lists each pool's plans by FLOP/s (sorted once for every price tried).
double root_lp_bound(const std::vector<pool_data>& pools,
                     const std::vector<std::vector<std::size_t>>& by_flops,
                     const portfolio_problem& p, double required, double mu_c, double mu_t);

// The budget prices that make the root's bound the highest, for the budgets that may bind
// (zero for the others). Returns them with `priced` filled in.
budget_prices choose_prices(const std::vector<pool_data>& pools, const portfolio_problem& p,
                            double required);

// Reduced-cost fixing. The Lagrangian bound at the LP's price per FLOP/s lambda is
//   lambda required - priced + sum over pools of m_i,
// m_i the pool's least reduced cost w - lambda FLOP/s (or 0 for no member); a plan whose
// reduced cost exceeds the pool's least by more than the gap from that bound to `limit` (the
// incumbent or a cutoff) is in no portfolio that beats it, nor is the option of no member when
// -m_i exceeds the gap. Removes those plans, and the pools left with no plan and "none"
// allowed. Returns whether anything was removed.
bool reduce_pools(std::vector<pool_data>& pools, const suffix_bound& root_lp,
                  const budget_prices& pr, double required, bool has_limit, double limit);

} // namespace dcplan::detail
