#pragma once
// The LP relaxation bound of the schedule search (MODEL.md "A schedule"), solved with COIN-OR
// CLP, warm-started from node to node.
//
// The LP. One column x_j in [0, 1] per candidate phase j; the rows are MODEL.md's constraints
// with x_j in place of "phase j is chosen":
//   demand, per period t with demand > 0:   sum_j flops_j x_j (j serving t)  >= demand_t
//   limit, per site, sourcing and period:   sum_j use_j x_j   (j at it, serving t) <= limit
//   budget, per decision period d:          sum_j capex_j x_j (j decided in d)     <= budget_d
//   pool, per (site, sourcing, d):          sum_j x_j (j in the pool)              <= 1
// minimising sum_j objective_j x_j. A node of the search fixes the columns of its decided pools:
// the chosen phase to [1, 1], the others of those pools to [0, 0].
//
// Why the bound is valid. Every feasible schedule completing the node is a 0/1 point of this
// LP that meets the fixings, so the LP's least value is at most that schedule's objective. Two
// guards keep floating point from cutting off a schedule:
// - every row is scaled to a right-hand side of 1 and widened by kWiden (1e-6) of it, far beyond
//   CLP's primal tolerance (1e-7 on scaled rows): a schedule that meets a row exactly meets the
//   widened row with room to spare, so "primal infeasible" from CLP cannot be said of a node that
//   holds one (the LP with widened rows is still a relaxation);
// - the value returned is not CLP's objective (which is as optimal as its dual tolerance) but
//   the Lagrangian bound of CLP's row duals y, clipped to the right signs:
//     L(y) = sum_i min(y_i lo_i, y_i up_i) + sum_j min(d_j l_j, d_j u_j),   d = c - A^T y
//   which is a lower bound on the LP for ANY such y (weak duality over the box), so an inexact
//   y only weakens it. Its own rounding is a few ulps of sums of the objective's size; the
//   search prunes only when the bound exceeds the incumbent by kSlack (1e-9) of it, far beyond
//   both that rounding and MODEL.md's 1e-12 tie window, so no schedule of the tie window is
//   ever pruned.
// When CLP stops for any other reason (iteration limit), L(y) of its last duals is still valid.
#include <memory>
#include <vector>

#include "dcplan/schedule/schedule.hpp"

namespace dcplan::detail {

class lp_bound {
public:
  /// The LP of `candidates` (key order) for scenario `sc` under objective `o`, every column free.
  lp_bound(const scenario& sc, const std::vector<phase>& candidates, objective o);
  ~lp_bound();
  lp_bound(const lp_bound&) = delete;
  lp_bound& operator=(const lp_bound&) = delete;

  /// Strengthens the LP with cuts (COIN-OR Cgl: knapsack covers, mixed-integer rounding,
  /// Gomory, flow covers, zero-half) found on the LP with every column free and integer, in up
  /// to `rounds` rounds while the LP's value rises; returns how many rows it added. Each cut is
  /// valid for every 0/1 point of the LP (so for every schedule, at any node) and is widened
  /// like the model's rows, so the bound stays a bound. Call before any column is fixed.
  int add_root_cuts(int rounds);
  /// Sets candidate j's column to [lo, hi] (lo, hi in {0, 1}).
  void set_column(std::size_t j, double lo, double hi);
  /// Requires (open) or no longer requires a phase of candidate j's pool: its pool row becomes
  /// sum x >= 1 (widened like every row, see above) as well as <= 1. A schedule of a node whose
  /// pool holds a phase meets the row, so the bound stays valid.
  void require_pool(std::size_t j, bool open);
  /// A proven lower bound on the objective of every schedule that meets the column fixings;
  /// +infinity when the relaxation has no feasible point.
  double solve();
  /// Candidate j's reduced cost d_j = c_j - (A^T y)_j under the duals y of the last solve (in
  /// the objective's units). For a column at [0, 1] with d_j > 0, every schedule of the node
  /// that takes j costs at least the last solve's bound + d_j: L(y) took min(0, d_j) = 0 for
  /// it, and x_j = 1 adds d_j, the other terms being the same minima (weak duality again).
  double reduced_cost(std::size_t j) const;
  /// Candidate j's value in the last LP solution (a branching hint only).
  double value(std::size_t j) const;
  /// LP solves so far.
  std::uint64_t solves() const { return solves_; }

private:
  struct impl;
  std::unique_ptr<impl> m_;
  std::uint64_t solves_ = 0;
};

} // namespace dcplan::detail
