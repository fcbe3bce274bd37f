// The LP bound at other budget prices (see dcplan/portfolio/detail/priced_lp_bound.hpp).
#include "dcplan/portfolio/detail/priced_lp_bound.hpp"

#include <utility>

namespace dcplan::detail {

void priced_lp_bound::build(const std::vector<pool_data>& pools, const portfolio_problem& p,
                            const budget_prices& pr) {
  prices_.clear();
  if (!(pr.mu_c > 0 || pr.mu_t > 0)) return;
  const std::size_t k = pools.size();
  for (double scale : {0.0, 0.5, 2.0, 4.0}) {
    at_price e;
    e.pr.mu_c = pr.mu_c * scale;
    e.pr.mu_t = pr.mu_t * scale;
    std::vector<hull> hs(k);
    std::vector<const hull*> hp;
    for (std::size_t i = 0; i < k; ++i) {
      std::vector<hull_point> pts;
      for (const auto& r : pools[i].items) pts.push_back({r.flops, e.pr.w(r), 0});
      hs[i] = lower_hull(std::move(pts));
      hp.push_back(&hs[i]);
    }
    e.lb = suffix_bounds(hp);
    e.pr.priced = priced(p, e.pr.mu_c, e.pr.mu_t);
    prices_.push_back(std::move(e));
  }
}

} // namespace dcplan::detail
