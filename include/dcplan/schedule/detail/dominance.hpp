#pragma once
// The exact reduction of candidate phases before the schedule search (MODEL.md "A schedule").
//
// Why it is exact. Two candidates p and q share a group when they have the same site, sourcing,
// decision period d and serving window [on, off): they sit in the same pool (site, sourcing, d),
// so swapping one for the other keeps "at most one phase per pool", and they serve the same
// periods. q dominates p when, in every figure the optimizer reads,
//   effective_flops(q) >= effective_flops(p)      (demand of every period served),
//   objective(q) <= objective(p)                    (npv_cost or tco2),
//   capex(q) <= capex(p)                            (the budget of period d),
//   use(q) <= use(p)                                (facility MW at a build, IT MW at a colo,
//                                                    accelerators in a cloud: the site's limit in
//                                                    every period served, which is the window),
// and key(q) < key(p). Then any schedule holding p stays feasible with q in its place, its
// objective does not grow, its phase count is the same, and its sorted keys get smaller (one key
// replaced by a smaller one), so it is at least as good under MODEL.md's tie rule: a best
// schedule never needs p. "Dominates" is a strict partial order (transitive, and the key
// condition makes it irreflexive), so a candidate dominated by a dropped one is dominated by that
// one's dominator too: checking each candidate, in key order, against the kept ones of its group
// finds exactly the undominated set. (Sums of a schedule are taken in key order; a swap can
// change their last bits, which the optimizer's 1e-12 relative tie window absorbs.)
#include <vector>

#include "dcplan/schedule/schedule.hpp"

namespace dcplan::detail {

/// The resource a phase uses of its site's limit: facility MW (build), IT MW (colo) or
/// accelerators (cloud).
inline double phase_use(const phase& p) {
  if (p.key.sourcing == static_cast<int>(sourcing::build)) return p.fig.facility_kw / 1000;
  if (p.key.sourcing == static_cast<int>(sourcing::colo)) return p.fig.it_kw / 1000;
  return p.fig.accelerators;
}

/// The undominated candidates of `in` (key order in, key order out).
std::vector<phase> reduce_candidates(const std::vector<phase>& in, objective o);

} // namespace dcplan::detail
