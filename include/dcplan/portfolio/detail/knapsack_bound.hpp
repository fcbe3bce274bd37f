#pragma once
// The knapsack budget bound (MODEL.md "Portfolios": budgets).
//
// With a binding budget whose plans come in large steps, the LP (which takes fractions of
// plans) can lie several percent below the optimum, and the search then keeps millions of
// states. This bound keeps that budget whole, as a knapsack constraint solved exactly by
// dynamic programming over a grid of the budget, and prices the target (Lagrange multiplier
// lambda per FLOP/s) and the other budget (its LP price mu_o) instead.
//
// Why it is a valid lower bound: for a state s at stage i with r FLOP/s still to find, any
// completion C within the budgets has FLOP/s(C) >= r, other(s) + other(C) <= other budget and
// spend(C) <= the budget left, so for lambda, mu_o >= 0
//   objective >= obj(s) + mu_o (other(s) - other budget) + lambda r
//                + sum over C of (obj + mu_o other - lambda FLOP/s)
//             >= obj(s) + mu_o (other(s) - other budget) + lambda r + table[i][c]
// where c is the number of whole grid steps of the budget left and table[i][c] the least sum
// of obj + mu_o other - lambda FLOP/s over at most one plan from each pool i, i + 1, ...
// whose steps sum to at most c. Each plan's spend is rounded down to whole steps and the
// budget left too, so the grid only relaxes the constraint. lambda is the price that makes the
// root's bound the highest (the bound is concave in it); two prices either side of it bound
// tighter the states that have found more or less of the target than the root's balance.
#include <cmath>
#include <cstddef>
#include <vector>

#include "dcplan/portfolio/detail/pools.hpp"

namespace dcplan::detail {

class knapsack_bound {
public:
  static constexpr std::size_t kSteps = 4096;

  // The tables for `pools` at budget prices `pr` (none when no budget is priced or no target
  // is left). The price of the target is found once and kept across rebuilds (or given by
  // set_lambda); `root_lp` is the LP of w over every pool, whose price per FLOP/s starts the
  // search for it.
  void build(const std::vector<pool_data>& pools, const portfolio_problem& p, double required,
             const budget_prices& pr, const suffix_bound& root_lp);

  bool empty() const { return tables_.empty(); }
  // The root's bound (-inf when there are no tables).
  double root() const { return root_; }
  double lambda() const { return lam_; }
  // A price of the target found by another search over the same pools (a cutoff pass).
  void set_lambda(double lam) { lam_ = lam; }

  // Whether state s at stage i, r FLOP/s short, passes `may(v, mag)` at each price.
  template <class May>
  bool admits(std::size_t i, const state& s, double r, May may) const {
    const double spent = fig_ == kCapex ? s.capex : s.tco, other = fig_ == kCapex ? s.tco : s.capex;
    // Steps left, rounded down after widening by the margin the double sums may be off by.
    const double x = std::floor((budget_ - spent + kSafe * (budget_ + std::fabs(spent))) / step_);
    if (x < 0) return true; // over the budget: the LP bound's budget test rules it out
    const std::size_t c = grid_steps(x, kSteps);
    const double base = s.obj + mu_o_ * other - priced_o_;
    const double base_mag = std::fabs(s.obj) + std::fabs(mu_o_ * other) + std::fabs(priced_o_);
    for (const table& t : tables_) {
      const double v = base + t.lam * r + t.h[i][c];
      if (!may(v, base_mag + std::fabs(t.lam * r) + t.mag[i])) return false;
    }
    return true;
  }

private:
  struct table {
    double lam = 0;
    std::vector<std::vector<double>> h; // [stage][steps of the budget left]
    std::vector<double> mag;            // [stage]: the sum of the largest weight magnitudes
  };
  void choose_budget(const portfolio_problem& p, const budget_prices& pr);
  double run(double lam, table* keep) const;
  double best_lambda(const suffix_bound& root_lp) const;
  double spend(const pool_candidate& r) const { return fig_ == kCapex ? r.capex : r.tco; }
  double other(const pool_candidate& r) const { return fig_ == kCapex ? r.tco : r.capex; }

  const std::vector<pool_data>* pools_ = nullptr;
  double required_ = 0;
  std::vector<table> tables_; // empty when no budget binds
  int fig_ = -1;              // the budget kept whole: kCapex or kTco
  double budget_ = 0, step_ = 0, mu_o_ = 0, priced_o_ = 0, lam_ = 0;
  double root_ = -kInf;
};

} // namespace dcplan::detail
