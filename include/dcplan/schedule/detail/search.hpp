#pragma once
// The exact schedule search (MODEL.md "A schedule"; docs/schedules.md): an LP-based branch and
// bound over the reduced candidates, best bound first with dives.
//
// The LP (lp_bound.hpp) has every row of MODEL.md "A schedule" (demand, site limits, capex
// budgets, one phase per pool) and, from the root, cuts that every schedule meets (COIN-OR
// Cgl: knapsack covers, mixed-integer rounding, Gomory, flow covers, zero-half, probing;
// lp_bound.hpp, add_root_cuts). A node is the root's LP with some fixings; its bound is the
// Lagrangian bound of its LP's duals, a proven lower bound on every schedule of the node.
//
// Branching, each a partition of the node's schedules (a schedule without a phase of the pool
// may lie in both children of the second rule: that costs nodes, never exactness):
// - a pool whose LP sum is fractional: it holds a phase (its row becomes sum x >= 1) or none
//   (its columns to 0);
// - else a pool whose LP mass is split over several candidates: the candidates up to a split
//   point (in key order) to 0, or those after it;
// - else the LP solution is integral: it is offered as a schedule, and while the node's bound
//   leaves room for another schedule of the tie window the node branches on one column
//   (x_j = 1 or x_j = 0).
// Which pool: pseudocosts (the mean rise of the bound per unit of LP mass moved, learned from
// every child solved), the product of the two sides' estimates; before any is learned, the
// fractional part times the pool's mean objective. Order only: any choice is exact.
//
// Pruning, each valid for every schedule it removes:
// - bound: a node whose bound exceeds the incumbent by kSlack (1e-9) of it, or whose LP is
//   infeasible (confirmed from scratch), holds no schedule of the 1e-12 tie window;
// - reduced costs: with the root LP's duals, every schedule holding candidate j costs at least
//   the root bound + d_j (lp_bound.hpp, reduced_cost); j is banned once that exceeds the
//   incumbent by kSlack. The root repeats bans and cuts while its bound rises: a cut found with
//   banned columns at 0 holds for every schedule that can still be in the tie window;
// - x_j = 1 children are skipped when the node's bound + d_j exceeds the incumbent by kSlack.
// Incumbents come from integral LP solutions and from rounding LP solutions (rounding.hpp);
// every schedule is checked exactly (check_schedule, sums in key order) and only lowers the
// incumbent, so it changes what is pruned, never the result. Every schedule within the tie
// window of the best is kept until the end, where MODEL.md's tie rule picks one.
//
// A work limit stops the search after that many nodes (LP solves); the proven lower bound is
// then the least bound of the nodes not yet examined (and the best schedule's objective).
#include <cstdint>
#include <vector>

#include "dcplan/schedule/schedule.hpp"

namespace dcplan::detail {

struct search_result {
  bool found = false;
  std::vector<phase> chosen; // key order
  double objective_value = 0;
  double lower_bound = 0;
  bool proven = true;
  std::uint64_t nodes = 0;
  std::uint64_t lp_solves = 0;
};

/// The best schedule over `candidates` (key order) under MODEL.md's tie rule.
search_result search_schedule(const scenario& sc, const std::vector<phase>& candidates, objective o,
                              std::uint64_t work_limit);

/// MODEL.md's tie rule between two schedules of tied objective: fewer phases, then the sorted
/// keys (phase indices in key order) compared in order. True when `a` goes first.
bool tie_before(const std::vector<phase>& a, const std::vector<phase>& b);

} // namespace dcplan::detail
