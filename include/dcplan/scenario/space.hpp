#pragma once
// The plan space of MODEL.md "A plan": every (site, system, cooling, fabric, sourcing) with a
// non-empty range of node counts, in the order of MODEL.md's ranking tuple, so that a plan's
// index in the space is also its final tie-breaker. The space itself is never listed: a plan
// is decoded from its index.
#include <cstdint>
#include <vector>

#include "dcplan/model/macros.hpp"
#include "dcplan/model/model.hpp"
#include "dcplan/scenario/scenario.hpp"

namespace dcplan {

/// One (site, system, cooling, fabric, sourcing) with `count` node values step, 2*step, ...
struct combo {
  int site;
  int system;
  int cooling; // -1 for cloud
  int fabric;
  int sourcing;
  std::uint64_t count;
};

/// Flat view of the space, valid on the side that reads it.
struct space_view {
  const combo* combos;
  const std::uint64_t* starts; // starts[k] = index of combo k's first plan; size n + 1
  int n;
  double node_step;
};

struct plan_space {
  std::vector<combo> combos;
  std::vector<std::uint64_t> starts;
  std::uint64_t total = 0;
  space_view view() const {
    return {combos.data(), starts.data(), static_cast<int>(combos.size()), node_step};
  }
  double node_step = 1;
};

/// MODEL.md "A plan": the largest node count of a combination (before node_step).
double node_limit(const scenario& sc, int s, int a, int c, sourcing m);

/// Builds the plan space; throws input_error when it is empty or exceeds 2^63 plans.
plan_space build_space(const scenario& sc);

/// The combination holding plan `idx` (binary search over starts).
DCPLAN_HD int find_combo(const space_view& sp, std::uint64_t idx) {
  int lo = 0, hi = sp.n - 1;
  while (lo < hi) {
    const int mid = lo + (hi - lo + 1) / 2;
    if (sp.starts[mid] <= idx)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

/// Evaluates plan `idx` of the space.
DCPLAN_HD plan_figures evaluate_index(const model_view& v, const space_view& sp,
                                      std::uint64_t idx) {
  const int k = find_combo(sp, idx);
  const combo& cb = sp.combos[k];
  const double n = static_cast<double>(idx - sp.starts[k] + 1) * sp.node_step;
  return evaluate_plan(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing, n);
}

/// The scenario's lists as flat host arrays (valid while `sc` lives).
model_view make_model_view(const scenario& sc);

/// A plan as its tuple of list positions (cooling -1 for cloud).
struct plan_ref {
  int site = 0, system = 0, cooling = -1, fabric = 0, sourcing = 0;
  double nodes = 0;
};

/// The plan at `index` of the space.
plan_ref plan_of_index(const plan_space& sp, std::uint64_t index);
/// MODEL.md "Figures of a plan" for one plan.
plan_figures evaluate_ref(const scenario& sc, const plan_ref& p);

} // namespace dcplan
