#pragma once
// What `dcplan plan` adds to the engine's answer by running the engine again: the best plan of
// each (site, system, sourcing) for --distinct, and for an infeasible run the single changes of
// the scenario that would let a plan pass, each checked by a run of the model with that change.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dcplan/engine/engine.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan::cli {

/// `r` with its top list replaced by the best plan of each (site, system, sourcing), best first,
/// at most `want` of them (MODEL.md "Ranking" orders the groups by their best plans). Exact: the
/// engine runs again with a longer top list until it holds `want` groups or every feasible plan,
/// and past a bound, once per group over that group's plans. Counts and the rest of `r` stay.
engine_result distinct_top(const scenario& sc, const plan_space& sp, backend_kind kind,
                           const engine_options& opt, engine_result r, std::size_t want);

/// One change of the scenario that lets at least one plan pass every test.
struct relaxation {
  std::string field; // the scenario field: "target.deadline_months", "sites.us-va.grid_mw", ...
  std::string text;  // in words, with units: "the deadline to 28 months (from 24)"
  double from = 0, to = 0;
  std::uint64_t plans_feasible = 0; // in the run that checked it
};

/// For a run in which no plan passes: each single change of the deadline, the capex budget, the
/// TCO budget, the target and a site's grid that makes a plan feasible, and by how much (the
/// least change the model allows, rounded up to three significant digits, or down for the
/// target); every one is checked by running the engine on the changed scenario.
std::vector<relaxation> find_relaxations(const scenario& sc, const plan_space& sp,
                                         const engine_result& r, backend_kind kind,
                                         engine_options opt);

/// The lines the table (or standard error) prints for `rel`; empty when there is none.
std::string relaxations_text(const std::vector<relaxation>& rel);
/// The report's `relaxations` list (an added key, MODEL.md "What a planning run reports").
nlohmann::ordered_json relaxations_json(const std::vector<relaxation>& rel);

} // namespace dcplan::cli
