#pragma once
// The exact schedule search (MODEL.md "A schedule"; docs/schedules.md): a depth-first branch
// and bound over pools (site, sourcing, d), the pools with the largest phases first, each pool
// taking one of its candidates (in the order of their values in the node's LP) or none.
//
// Pruning, each valid for every completion of a partial schedule:
// - capacity: the phases still to choose add at most, to period t, the sum over the remaining
//   pools of the largest effective FLOP/s of a candidate serving t; a node whose covered FLOP/s
//   plus that is below a period's demand has no feasible completion.
// - cost: a dual bound of the covering LP. For any y_t >= 0 with, for every remaining candidate
//   p, the sum of y_t over the periods p serves <= objective(p) / effective_flops(p), any
//   completion costs at least sum_t residual_t * y_t (each phase's objective pays for the
//   FLOP/s it adds to each period it serves at these prices). Only each serving window's least
//   ratio matters, so y is built by coordinate ascent over at most 55 windows; any y so built
//   satisfies every constraint, which is all the bound needs.
// - LP: the LP relaxation of the rest with every row of MODEL.md "A schedule" (demand, site
//   limits, capex budgets, one phase per pool), solved by CLP and returned as a proven bound;
//   lp_bound.hpp states why it never exceeds a completion's objective. A node is pruned only
//   when a bound exceeds the incumbent by kSlack (1e-9) of it, so never a schedule within the
//   1e-12 tie window.
// - limits: a phase that breaks a site's limit or the period's capex budget is never added
//   (every phase's use is >= 0, so adding more never repairs it).
// - reduced costs: with a node's LP duals, a schedule of the node holding candidate j costs at
//   least the node's bound + d_j (lp_bound.hpp, reduced_cost); such children are skipped and
//   such columns fixed to 0 below the node (at the root, for the whole search) once that exceeds
//   the incumbent by kSlack.
// Incumbents come from leaves and from rounding LP solutions (rounding.hpp); both are checked
// exactly and only lower the incumbent, so they change what is pruned, never the result.
// Leaves are rechecked exactly (sums in key order, MODEL.md), and every schedule within the
// tie window of the best is kept until the end, where MODEL.md's tie rule picks one.
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
