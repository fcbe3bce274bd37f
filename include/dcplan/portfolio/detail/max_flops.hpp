#pragma once
// The portfolio under the effective_flops objective (MODEL.md "Portfolios", version 2): at most
// one plan per pool, summed capex and TCO within the budgets that are set, the greatest summed
// effective FLOP/s; ties to fewer members, then to the members' ranking keys sorted and compared
// in order; at least one member. A multiple-choice knapsack, solved exactly by depth-first
// branch and bound over the pools.
//
// Exactness. Every figure is counted in the least quantum over all plans (exact_sums.hpp), so a
// partial portfolio's FLOP/s, capex and TCO are exact integers: budgets are checked exactly
// (wide_floor of the budget) and portfolios compare by their true summed FLOP/s; on equal sums
// the tie-breaks decide. Under this objective a plan's `obj` is minus its FLOP/s, so the
// optimizer's `portfolio_better` orders portfolios exactly this way too.
//
// The bound (flops_budget_bound). Any completion of a state at stage i takes at most one plan
// from each of pools i, i + 1, ... and spends at most the budget left, R = budget - spent, of
// each budget that is set. Allowing fractions of plans only enlarges that set. For one budget the
// fractional problem is the LP of a multiple-choice knapsack: its least cost C(x) of x FLOP/s is
// the greedy walk along the pools' lower convex hulls of (FLOP/s, cost) from the origin, segments
// taken by cost per FLOP/s (hull.hpp, the same merge the covering LP uses), and C is convex and
// non-decreasing as costs are non-negative. So no completion adds more FLOP/s than
// F(R) = max { x : C(x) <= R }, found by a binary search on the merged segments' cumulative cost.
// With two budgets, each LP drops the other budget's row, so each F bounds the completions and
// so does the lesser of the two. A state is dropped only when its exact FLOP/s plus that bound,
// raised by a relative margin (kMaxFlopsSafe) that covers the rounding of the double sums, is
// still below the incumbent's FLOP/s: a completion that ties the incumbent always survives, so
// the tie-breaks see every portfolio that can win them.
//
// Zero-FLOP/s plans: a plan without FLOP/s never raises the sum and adds a member, so it is in
// no optimal portfolio of two or more members; when no plan that fits has FLOP/s, the optimum is
// the single fitting plan of least ranking key.
#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "dcplan/portfolio/detail/exact_sums.hpp"
#include "dcplan/portfolio/detail/hull.hpp"
#include "dcplan/portfolio/portfolio.hpp"

namespace dcplan::detail {

// Relative margin on the FLOP/s bound: the double sums of up to a few million terms, each
// rounded to 2^-53 relative, stay within it.
constexpr double kMaxFlopsSafe = 1e-9;

// The LP bound of one budget over every suffix of the pools (see the header).
class flops_budget_bound {
public:
  // Pools in search order; `cost` the budget's figure (capex or tco).
  void build(const std::vector<std::vector<pool_candidate>>& pools, double pool_candidate::*cost);
  // The most FLOP/s a fractional completion from pool i may add within `left` of the budget.
  double at(std::size_t i, double left) const;

private:
  std::vector<suffix_bound> suffix_;
};

// The search's configuration (a value, like search_config).
struct max_flops_config {
  std::uint64_t work_limit = 0; // partial portfolios examined before stopping (0: none)
  const std::atomic<bool>* cancel = nullptr;
};

// The depth-first branch and bound (see the header). run() returns the optimum (members in pool
// order; objective the summed FLOP/s); when the work limit stops it, proven is false and
// lower_bound holds a proven upper bound on the optimum's FLOP/s.
class max_flops_search {
public:
  max_flops_search(const portfolio_problem& p, max_flops_config cfg);
  portfolio_solution run();

private:
  struct pool {
    std::vector<pool_candidate> items; // by FLOP/s, greatest first, then ranking key
    std::vector<std::array<wide, kFigures>> exact;
  };
  void dfs(std::size_t i, const wide* sum, double flops);
  void offer(const wide* sum);
  double bound(std::size_t i, const wide* sum) const;
  bool out_of_work();

  const portfolio_problem* p_;
  max_flops_config cfg_;
  std::vector<pool> pools_;
  quanta qa_;
  wide cap_[kFigures]; // the budgets in quanta (capex and TCO; the others unused)
  bool has_cap_[kFigures] = {false, false, false, false};
  flops_budget_bound capex_bound_, tco_bound_;
  std::vector<double> max_left_; // the most FLOP/s of each suffix of the pools
  std::vector<const pool_candidate*> chosen_;
  std::vector<pool_candidate> best_;
  wide best_flops_ = -1;
  double best_flops_d_ = -1;
  double open_bound_ = 0; // where the work limit stopped: the bound of the options left
  std::uint64_t work_ = 0, nodes_ = 0;
  bool limited_ = false, stopped_ = false;
};

// Enumeration of every non-empty portfolio within the budgets (small problems; for the tests).
portfolio_solution max_flops_brute_force(const portfolio_problem& p);

} // namespace dcplan::detail
