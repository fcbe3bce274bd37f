#pragma once
// MODEL.md "One plan, explained".
#include <string>

#include <nlohmann/json.hpp>

#include "dcplan/report/report.hpp"
#include "dcplan/scenario/scenario.hpp"

namespace dcplan {

/// Parses "site=S,system=A,cooling=C,fabric=F,sourcing=M,nodes=N" (cloud: cooling=- or absent).
plan_ref parse_plan_spec(const scenario& sc, const std::string& spec);
/// Every figure with its formula and inputs, and the first test the plan fails.
std::string explain_text(const scenario& sc, const plan_ref& p);
/// The plan record plus `feasible` and `reason` (null when feasible).
nlohmann::ordered_json explain_json(const scenario& sc, const plan_ref& p);

} // namespace dcplan
