#pragma once
// A primal heuristic of the schedule search (MODEL.md "A schedule"; docs/schedules.md): an LP
// solution of the search's relaxation rounded to a schedule and repaired greedily.
//
// 1. Rounding: each pool takes its candidate of largest LP value when that value is at least
//    `theta`, largest values first, skipping a phase that would break a site's limit or its
//    period's capex budget.
// 2. Repair: while a period's demand is unmet, the candidate of a pool still empty that fits and
//    has the least objective per FLOP/s of unmet demand it covers (its effective FLOP/s, capped
//    by each served period's shortfall, summed over those periods) is added.
// 3. Improvement: phases are dropped, the costliest first, while every demand stays met; then
//    each phase is replaced by the cheapest candidate of its pool that keeps the schedule
//    feasible.
// 4. Polish (ruin and recreate): each phase in turn is taken out and kept out, steps 2 and 3 run
//    again, and a cheaper result replaces the schedule, until no phase's removal gives one.
// The schedule is returned only when check_schedule (the leaves' exact check) passes, so it is
// a feasible schedule and its objective only ever serves as an incumbent: it prunes, it never
// decides which schedule is the optimum (the search still reaches every schedule of the tie
// window; include/dcplan/schedule/detail/search.hpp).
#include <cstddef>
#include <vector>

#include "dcplan/schedule/schedule.hpp"

namespace dcplan::detail {

class rounding {
public:
  /// Over `candidates` (key order) of scenario `sc` under objective `o`.
  rounding(const scenario& sc, const std::vector<phase>& candidates, objective o);
  /// A feasible schedule (candidate positions, ascending) from LP values `x` (one per candidate),
  /// or empty when the repair finds none.
  std::vector<std::size_t> round(const std::vector<double>& x, double theta) const;

private:
  const scenario& sc_;
  const std::vector<phase>& cands_;
  objective o_;
  std::vector<std::size_t> pool_of_;            // candidate -> pool
  std::vector<std::vector<std::size_t>> pools_; // pool -> candidates, cheapest first

  struct state;
  bool fits(const state& s, std::size_t j) const;
  void add(state& s, std::size_t j, double sign) const;
  bool repair(state& s, std::size_t forbid) const;
  void improve(state& s) const;
  void polish(state& s) const;
  double objective_of(const state& s) const;
};

} // namespace dcplan::detail
