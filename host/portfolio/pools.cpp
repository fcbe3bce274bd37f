// The optimizer's pools (see dcplan/portfolio/detail/pools.hpp).
#include "dcplan/portfolio/detail/pools.hpp"

#include <utility>

namespace dcplan::detail {

std::vector<pool_data> make_pools(const std::vector<pool_candidate>& all) {
  std::vector<pool_candidate> items = all;
  std::sort(items.begin(), items.end(), detail::pool_then_rank{});
  std::vector<pool_data> pools;
  for (std::size_t b = 0; b < items.size();) {
    std::size_t e = b;
    while (e < items.size() && items[e].pool == items[b].pool) ++e;
    pool_data d;
    d.items.assign(items.begin() + static_cast<std::ptrdiff_t>(b),
                   items.begin() + static_cast<std::ptrdiff_t>(e));
    pools.push_back(std::move(d));
    b = e;
  }
  return pools;
}

void prepare_pool(pool_data& d, const budget_prices& pr, const quanta& qa) {
  std::vector<hull_point> po, pc, pt;
  for (std::size_t j = 0; j < d.items.size(); ++j) {
    const pool_candidate& r = d.items[j];
    po.push_back({r.flops, pr.w(r), j});
    pc.push_back({r.flops, r.capex, j});
    pt.push_back({r.flops, r.tco, j});
  }
  d.h_obj = lower_hull(po);
  d.h_capex = lower_hull(pc);
  d.h_tco = lower_hull(pt);
  std::vector<std::pair<double, std::size_t>> order;
  for (std::size_t j = 0; j < d.items.size(); ++j)
    order.push_back({std::max(0.0, pr.w(d.items[j]) - d.h_obj.at(d.items[j].flops)), j});
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<pool_candidate> sorted;
  std::vector<std::size_t> moved(d.items.size());
  d.excess.clear();
  for (const auto& [e, j] : order) {
    moved[j] = sorted.size();
    sorted.push_back(d.items[j]);
    d.excess.push_back(e);
  }
  d.items.swap(sorted);
  for (std::size_t& p : d.h_obj.pos)
    if (p != kNoPlan) p = moved[p];
  d.exact.clear();
  for (const pool_candidate& r : d.items) {
    std::array<wide, kFigures> e;
    for (int k = 0; k < kFigures; ++k)
      e[static_cast<std::size_t>(k)] = to_wide(figure_of(r, k), qa.q[k]);
    d.exact.push_back(e);
  }
}

bool may_bind(const std::vector<pool_data>& pools, const std::optional<double>& budget,
              double pool_candidate::*fig) {
  if (!budget) return false;
  double most = 0;
  for (const pool_data& d : pools) {
    double m = 0;
    for (const auto& r : d.items) m = std::max(m, r.*fig);
    most += m;
  }
  return most * (1 + 1e-9) > *budget;
}

bool is_objective(const std::vector<pool_data>& pools, double pool_candidate::*fig) {
  for (const pool_data& d : pools)
    for (const auto& r : d.items)
      if (r.obj != r.*fig) return false;
  return true;
}

pareto_dims budget_dims(const std::vector<pool_data>& pools, const portfolio_problem& p) {
  return {may_bind(pools, p.capex_budget, &pool_candidate::capex) &&
              !is_objective(pools, &pool_candidate::capex),
          may_bind(pools, p.tco_budget, &pool_candidate::tco) &&
              !is_objective(pools, &pool_candidate::tco)};
}

void order_by_budget(std::vector<pool_data>& pools, const portfolio_problem& p) {
  const pareto_dims d = budget_dims(pools, p);
  const bool bc = d.capex;
  if (!d.capex && !d.tco) return;
  std::vector<std::pair<double, std::size_t>> key;
  for (std::size_t i = 0; i < pools.size(); ++i) {
    double k = kInf;
    for (const pool_candidate& r : pools[i].items)
      if (r.flops > 0) k = std::min(k, (bc ? r.capex : r.tco) / r.flops);
    key.push_back({k, i});
  }
  std::stable_sort(key.begin(), key.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<pool_data> sorted;
  sorted.reserve(key.size());
  for (const auto& [k, i] : key) sorted.push_back(std::move(pools[i]));
  pools.swap(sorted);
}

} // namespace dcplan::detail
