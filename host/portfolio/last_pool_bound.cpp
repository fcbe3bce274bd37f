// The exact last-pool bound (see dcplan/portfolio/detail/last_pool_bound.hpp for why it is
// valid).
#include "dcplan/portfolio/detail/last_pool_bound.hpp"

#include <algorithm>

namespace dcplan::detail {

void last_pool_bound::build(const std::vector<pool_data>& pools, const portfolio_problem& p,
                            double required) {
  pools_ = &pools;
  p_ = &p;
  required_ = required;
  by_obj_.clear();
  if (pools.empty()) return;
  const std::vector<pool_candidate>& items = pools.back().items;
  for (std::size_t j = 0; j < items.size(); ++j) by_obj_.push_back(j);
  std::stable_sort(by_obj_.begin(), by_obj_.end(),
                   [&](std::size_t a, std::size_t b) { return items[a].obj < items[b].obj; });
}

} // namespace dcplan::detail
