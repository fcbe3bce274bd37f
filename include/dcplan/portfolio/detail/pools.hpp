#pragma once
// The optimizer's view of the problem: its pools, the budget prices that turn the budgets into
// costs, and the partial portfolios (states) the search keeps (MODEL.md "Portfolios").
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "dcplan/portfolio/detail/exact_sums.hpp"
#include "dcplan/portfolio/detail/hull.hpp"

namespace dcplan::detail {

// The bounds' cost: the objective plus the budgets' prices (Lagrange multipliers). For any
// portfolio within the budgets, objective >= w - mu_c capex_budget - mu_t tco_budget, so every
// bound is on w and lowered by `priced` (MODEL.md "Portfolios": budgets).
struct budget_prices {
  double mu_c = 0, mu_t = 0, priced = 0;
  template <class T> // a pool_candidate or a state: anything with obj, capex and tco
  double w(const T& x) const {
    return x.obj + mu_c * x.capex + mu_t * x.tco;
  }
};

// mu_c capex_budget + mu_t tco_budget, for the budgets that are set.
inline double priced(const portfolio_problem& p, double mu_c, double mu_t) {
  return (p.capex_budget ? mu_c * *p.capex_budget : 0.0) +
         (p.tco_budget ? mu_t * *p.tco_budget : 0.0);
}

// A partial portfolio: the members of the pools taken so far.
struct state {
  double f, obj, capex, tco; // sums in the order taken, for the bounds
  wide sum[kFigures];        // exact sums, for dominance and the tests
  std::uint32_t members;
  std::int32_t parent;        // the last link of the members before this stage
  const pool_candidate* item; // this stage's member, or nullptr
};
// The empty portfolio.
inline state root_state() { return state{0.0, 0.0, 0.0, 0.0, {0, 0, 0, 0}, 0u, -1, nullptr}; }

// A member of a state's chain: states share their earlier members through these links.
struct link {
  std::int32_t parent;
  const pool_candidate* item;
};

// One pool's plans and what the bounds need of them.
struct pool_data {
  std::vector<pool_candidate> items; // after prepare: by excess over the hull, smallest first
  std::vector<double> excess;
  std::vector<std::array<wide, kFigures>> exact; // the items' figures in quanta
  hull h_obj, h_capex, h_tco;
  bool none_ok = true; // false when the reduction proves the pool is in every better portfolio
};

// The pools of `items`, in pool order, each pool's plans by ranking key.
std::vector<pool_data> make_pools(const std::vector<pool_candidate>& items);

// Fills a pool's hulls (of w at prices `pr`, of capex and of TCO), orders its plans by their
// excess of w over the hull (a stable sort: ties keep the previous order) and records their
// exact figures in quanta `qa`.
void prepare_pool(pool_data& d, const budget_prices& pr, const quanta& qa);

// Whether a budget can bind: even the largest member of every pool together may exceed it.
bool may_bind(const std::vector<pool_data>& pools, const std::optional<double>& budget,
              double pool_candidate::*fig);

// Whether figure `fig` is the objective itself in every plan.
bool is_objective(const std::vector<pool_data>& pools, double pool_candidate::*fig);

// The budgets dominance must compare: those that may bind and are not the objective itself.
pareto_dims budget_dims(const std::vector<pool_data>& pools, const portfolio_problem& p);

// Puts the pools that spend the least of a binding budget per FLOP/s first (the cutoff
// passes); ties, and every pool when no budget binds, stay in pool order.
void order_by_budget(std::vector<pool_data>& pools, const portfolio_problem& p);

// A grid position x (whole steps, x > 0), clamped to the grid's last step `steps`.
inline std::size_t grid_steps(double x, std::size_t steps) {
  return x >= static_cast<double>(steps) ? steps : static_cast<std::size_t>(x);
}

} // namespace dcplan::detail
