// Each lower bound of the portfolio optimizer (include/dcplan/portfolio/detail/*_bound.hpp)
// against enumeration: on many small random problems, the bound of the empty portfolio and of
// random partial portfolios never exceeds the optimum of the problem that remains (the best
// completion, enumerated by solve_portfolio_brute_force), at random budget prices too. Each test
// counts the cases it checked and requires some, so none passes vacuously.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "dcplan/portfolio/detail/cover_bound.hpp"
#include "dcplan/portfolio/detail/knapsack_bound.hpp"
#include "dcplan/portfolio/detail/last_pool_bound.hpp"
#include "dcplan/portfolio/detail/lp_bound.hpp"
#include "dcplan/portfolio/detail/priced_lp_bound.hpp"
#include "dcplan/portfolio/portfolio.hpp"

using namespace dcplan;
using namespace dcplan::detail;

namespace {

// A random problem: pools of plans of 1..m nodes (FLOP/s growing less than linearly, cost
// linearly plus a fixed part) or of small integer figures (ties), with budgets near the figures
// they constrain.
portfolio_problem random_problem(std::mt19937_64& g, int trial, double& required) {
  auto uni = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(g);
  };
  portfolio_problem p;
  const int pools = std::uniform_int_distribution<int>(2, 5)(g);
  std::uint64_t index = 0;
  double most = 0;
  for (int k = 0; k < pools; ++k) {
    const int m = std::uniform_int_distribution<int>(1, 5)(g);
    const double unit = uni(1, 3), price = uni(2, 5), fixed = uni(0, 4), k_scale = uni(0, 0.08);
    double pool_most = 0;
    for (int n = 1; n <= m; ++n) {
      pool_candidate r{};
      r.pool = k;
      r.index = index++;
      if (trial % 2 == 0) {
        r.flops = n * unit / (1 + k_scale * std::log2(n));
        r.capex = fixed + n * price;
        r.tco = r.capex * uni(1.1, 1.6);
      } else {
        r.flops = std::uniform_int_distribution<int>(1, 6)(g);
        r.capex = std::uniform_int_distribution<int>(0, 6)(g);
        r.tco = r.capex + std::uniform_int_distribution<int>(0, 6)(g);
      }
      r.obj = trial % 3 == 0 ? r.capex : r.tco;
      pool_most = std::max(pool_most, r.flops);
      p.items.push_back(r);
    }
    most += pool_most;
  }
  required = uni(0.1, 1.0) * most;
  if (trial % 3 != 2) p.capex_budget = uni(0.3, 1.2) * required * 3;
  if (trial % 4 == 1) p.tco_budget = uni(0.3, 1.2) * required * 5;
  return p;
}

// Random budget prices: none, or up to a few times the objective per unit of spend.
budget_prices random_prices(std::mt19937_64& g, const portfolio_problem& p, bool none) {
  budget_prices pr;
  if (!none) {
    if (p.capex_budget) pr.mu_c = std::uniform_real_distribution<double>(0, 2)(g);
    if (p.tco_budget) pr.mu_t = std::uniform_real_distribution<double>(0, 2)(g);
  }
  pr.priced = priced(p, pr.mu_c, pr.mu_t);
  return pr;
}

// A problem with its pools prepared at some prices, and a partial portfolio of its first
// `stage` pools with the optimum of what remains.
struct case_at {
  portfolio_problem p;
  double required = 0;
  std::vector<pool_data> pools;
  budget_prices pr;
  std::size_t stage = 0;
  state s = root_state();
  bool feasible = false; // whether some completion of s is feasible
  double optimum = 0;    // then the least objective of a completed portfolio
};

// Draws the partial portfolio: a random member (or none) of each pool before `stage`.
void draw_partial(std::mt19937_64& g, case_at& c) {
  c.s = root_state();
  for (std::size_t i = 0; i < c.stage; ++i) {
    const auto& items = c.pools[i].items;
    const int pick = std::uniform_int_distribution<int>(-1, static_cast<int>(items.size()) - 1)(g);
    if (pick < 0) continue;
    const pool_candidate& r = items[static_cast<std::size_t>(pick)];
    c.s.f += r.flops;
    c.s.obj += r.obj;
    c.s.capex += r.capex;
    c.s.tco += r.tco;
    ++c.s.members;
  }
  // The remaining problem: the pools from `stage` on, the target and budgets less s's share.
  portfolio_problem rest;
  for (std::size_t i = c.stage; i < c.pools.size(); ++i)
    for (const pool_candidate& r : c.pools[i].items) rest.items.push_back(r);
  if (c.p.capex_budget) rest.capex_budget = *c.p.capex_budget - c.s.capex;
  if (c.p.tco_budget) rest.tco_budget = *c.p.tco_budget - c.s.tco;
  const portfolio_solution best = solve_portfolio_brute_force(rest, c.required - c.s.f);
  c.feasible = best.feasible;
  c.optimum = c.s.obj + best.objective;
}

// Builds a case: a problem, its pools at random prices, and the stage of the partial portfolio
// (0, the root, or a random stage before the last pool; `last` asks for the last pool).
case_at make_case(std::mt19937_64& g, int trial, bool none, bool last) {
  case_at c;
  c.p = random_problem(g, trial, c.required);
  c.pools = make_pools(c.p.items);
  c.pr = random_prices(g, c.p, none);
  const quanta qa(c.p.items.begin(), c.p.items.end(), c.pools.size());
  for (pool_data& d : c.pools) prepare_pool(d, c.pr, qa);
  if (last)
    c.stage = c.pools.size() - 1;
  else if (trial % 4 != 0)
    c.stage = std::uniform_int_distribution<std::size_t>(0, c.pools.size() - 1)(g);
  draw_partial(g, c);
  return c;
}

// A bound v of sums of size mag, lowered by the search's margin, is no more than the optimum.
bool below(double v, double mag, double optimum) {
  return v - kSafe * mag <= optimum + 1e-12 * std::fabs(optimum);
}

// The records of one bound's calls to `may`: every value it offered, and whether all were below
// the optimum.
struct recorder {
  double optimum;
  int calls = 0;
  bool all_below = true;
  bool operator()(double v, double mag) {
    ++calls;
    all_below = all_below && below(v, mag, optimum);
    return true;
  }
};

constexpr int kTrials = 1500;

} // namespace

TEST_CASE("the LP suffix bound never exceeds the optimum of the remaining problem",
          "[portfolio][bounds]") {
  std::mt19937_64 g(101);
  int checked = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    case_at c = make_case(g, trial, trial % 3 == 0, false);
    const double r = c.required - c.s.f;
    if (!c.feasible || r <= 0) continue;
    lp_suffix_bound b;
    b.build(c.pools, c.p, c.pr);
    recorder rec{c.optimum};
    INFO("trial " << trial << " stage " << c.stage);
    // A feasible completion passes the budget LPs, and the objective bound is below it.
    REQUIRE(b.admits(c.stage, c.s, r, std::ref(rec)));
    REQUIRE(rec.calls == 1);
    REQUIRE(rec.all_below);
    ++checked;
  }
  INFO("cases checked: " << checked);
  REQUIRE(checked > 300);
}

TEST_CASE("the priced LP bound never exceeds the optimum of the remaining problem",
          "[portfolio][bounds]") {
  std::mt19937_64 g(202);
  int checked = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    case_at c = make_case(g, trial, false, false);
    const double r = c.required - c.s.f;
    if (!c.feasible || r <= 0) continue;
    priced_lp_bound b;
    b.build(c.pools, c.p, c.pr);
    recorder rec{c.optimum};
    INFO("trial " << trial << " stage " << c.stage);
    REQUIRE(b.admits(c.stage, c.s, r, std::ref(rec)));
    REQUIRE(rec.all_below);
    if (rec.calls > 0) ++checked; // none when the prices price no budget
  }
  INFO("cases checked: " << checked);
  REQUIRE(checked > 300);
}

TEST_CASE("the knapsack budget bound never exceeds the optimum of the remaining problem",
          "[portfolio][bounds]") {
  std::mt19937_64 g(303);
  int checked = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    case_at c = make_case(g, trial, false, false);
    const double r = c.required - c.s.f;
    if (!c.feasible || r <= 0) continue;
    lp_suffix_bound lp;
    lp.build(c.pools, c.p, c.pr);
    knapsack_bound b;
    // The price of the target: the one chosen for the root, or any other.
    if (trial % 2 == 1) b.set_lambda(std::uniform_real_distribution<double>(0.01, 10)(g));
    b.build(c.pools, c.p, c.required, c.pr, lp.objective(0));
    if (b.empty()) continue;
    recorder rec{c.optimum};
    INFO("trial " << trial << " stage " << c.stage);
    REQUIRE(b.admits(c.stage, c.s, r, std::ref(rec)));
    REQUIRE(rec.all_below);
    if (rec.calls > 0) ++checked;
  }
  INFO("cases checked: " << checked);
  REQUIRE(checked > 200);
}

TEST_CASE("the target cover bound never exceeds the optimum of the remaining problem",
          "[portfolio][bounds]") {
  std::mt19937_64 g(404);
  int checked = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    case_at c = make_case(g, trial, trial % 3 == 0, false);
    const double r = c.required - c.s.f;
    if (!c.feasible || r <= 0) continue;
    cover_bound b;
    b.build(c.pools, c.required, c.pr);
    recorder rec{c.optimum};
    INFO("trial " << trial << " stage " << c.stage);
    // A feasible completion is never ruled out as falling short of the target.
    REQUIRE(b.admits(c.stage, c.s, r, std::ref(rec)));
    REQUIRE(rec.all_below);
    if (rec.calls > 0) ++checked;
  }
  INFO("cases checked: " << checked);
  REQUIRE(checked > 300);
}

TEST_CASE("the exact last-pool bound never exceeds the optimum of the remaining problem",
          "[portfolio][bounds]") {
  std::mt19937_64 g(505);
  int checked = 0, infeasible = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    case_at c = make_case(g, trial, true, true);
    const double r = c.required - c.s.f;
    if (r <= 0) continue;
    last_pool_bound b;
    b.build(c.pools, c.p, c.required);
    double last_v = 0, last_mag = 0;
    const bool ok = b.admits(c.s, r, [&](double v, double mag) {
      last_v = v;
      last_mag = mag;
      return true;
    });
    INFO("trial " << trial);
    if (!c.feasible) {
      ++infeasible;
      continue; // the margins may keep a state that misses by a rounding error
    }
    // A feasible completion exists: the bound finds one, the cheapest, which is the optimum.
    REQUIRE(ok);
    REQUIRE(below(last_v, last_mag, c.optimum));
    ++checked;
  }
  INFO("cases checked: " << checked << ", infeasible: " << infeasible);
  REQUIRE(checked > 300);
}
