#pragma once
// The cost frontier (docs/report.md "The cost frontier"): among the plans that pass every test
// except possibly the target (plan_figures::near_feasible), those that no other such plan beats
// or ties on both TCO (lower) and effective FLOP/s (higher). Exact ties keep the plan with the
// lower index in the space, which is MODEL.md's tuple of list positions.
#include <cstdint>

#include "dcplan/model/macros.hpp"

namespace dcplan {

struct frontier_point {
  std::uint64_t index; // the plan's index in the space
  double tco;          // USD
  double eff;          // effective FLOP/s
  double capex;        // USD
};

/// The frontier's order: TCO ascending, then effective FLOP/s descending, then index ascending.
DCPLAN_HD_HOT bool frontier_before(const frontier_point& x, const frontier_point& y) {
  if (x.tco != y.tco) return x.tco < y.tco;
  if (x.eff != y.eff) return x.eff > y.eff;
  return x.index < y.index;
}

/// True when `p` beats or ties `q` on both figures and precedes it in frontier_before's order,
/// i.e. `q` is not on any frontier that holds `p`.
DCPLAN_HD_HOT bool frontier_covers(const frontier_point& p, const frontier_point& q) {
  return p.tco <= q.tco && p.eff >= q.eff && frontier_before(p, q);
}

} // namespace dcplan
