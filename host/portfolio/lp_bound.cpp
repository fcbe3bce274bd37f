// The LP suffix bound (see dcplan/portfolio/detail/lp_bound.hpp for why it is valid).
#include "dcplan/portfolio/detail/lp_bound.hpp"

namespace dcplan::detail {

void lp_suffix_bound::build(const std::vector<pool_data>& pools, const portfolio_problem& p,
                            const budget_prices& pr) {
  p_ = &p;
  pr_ = pr;
  const std::size_t k = pools.size();
  std::vector<const hull*> ho, hc, ht;
  for (const pool_data& d : pools) {
    ho.push_back(&d.h_obj);
    hc.push_back(&d.h_capex);
    ht.push_back(&d.h_tco);
  }
  obj_ = suffix_bounds(ho);
  capex_ = p.capex_budget ? suffix_bounds(hc) : std::vector<suffix_bound>(k + 1);
  tco_ = p.tco_budget ? suffix_bounds(ht) : std::vector<suffix_bound>(k + 1);
}

} // namespace dcplan::detail
