#pragma once
// MODEL.md "Ranking": the objective's figure, then capex, then ready_months, then the tuple of
// list positions, which is the plan's index in the space (see space.hpp). The order is total.
#include <cstdint>

#include "dcplan/model/macros.hpp"
#include "dcplan/model/model.hpp"

namespace dcplan {

struct rank_key {
  double objective; // oriented so that smaller is better
  double capex;
  double ready_months;
  std::uint64_t index;
};

DCPLAN_HD_HOT bool rank_less(const rank_key& x, const rank_key& y) {
  if (x.objective != y.objective) return x.objective < y.objective;
  if (x.capex != y.capex) return x.capex < y.capex;
  if (x.ready_months != y.ready_months) return x.ready_months < y.ready_months;
  return x.index < y.index;
}

DCPLAN_HD_HOT rank_key make_rank_key(const plan_figures& p, int obj, std::uint64_t index) {
  return {objective_key(p, obj), p.capex, p.ready_months, index};
}

struct rank_less_fn {
  DCPLAN_HD bool operator()(const rank_key& x, const rank_key& y) const { return rank_less(x, y); }
};

} // namespace dcplan
