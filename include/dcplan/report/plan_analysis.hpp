#pragma once
// Figures derived from a plan for the reports (docs/report.md): its TCO split into present
// values by kind of cost, and its binding constraint.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dcplan/engine/engine.hpp"
#include "dcplan/engine/cost_frontier.hpp"
#include "dcplan/model/model.hpp"
#include "dcplan/report/report.hpp"
#include "dcplan/scenario/scenario.hpp"

namespace dcplan {

/// A plan's TCO as present values over the horizon, USD (docs/report.md "Cost breakdown").
/// The parts add up to the TCO up to rounding; each is zero where the sourcing has none.
struct cost_breakdown {
  double hardware = 0;          // hw_capex (build, colo)
  double facility = 0;          // fac_capex - residual (build)
  double energy = 0;            // energy per year * annuity (build, colo)
  double maintenance_staff = 0; // (maintenance_rate * hw_capex + staff) * annuity
  double colo_fees = 0;         // it_kw * usd_per_kw_month * 12 * annuity (colo)
  double cloud = 0;             // rental per year * annuity (cloud)
  double total() const {
    return hardware + facility + energy + maintenance_staff + colo_fees + cloud;
  }
};

/// MODEL.md "Figures of a plan" split by kind of cost (docs/report.md "Cost breakdown").
cost_breakdown breakdown_of(const scenario& sc, const plan_ref& ref, const plan_figures& f);

/// The binding constraint of a feasible plan (docs/report.md "Binding constraint"): "target"
/// when one node step fewer fails the target; else the first test that one node step more
/// fails ("fabric", "power", "budget", ...); else "max_nodes" when one step more exceeds
/// search.max_nodes; else "none".
std::string binding_constraint(const scenario& sc, const plan_ref& ref);

/// How many frontier points the JSON and HTML reports show at most.
constexpr std::size_t kFrontierShown = 2000;

/// The positions of the frontier points shown (docs/report.md "The cost frontier"): all when
/// there are at most `max_points`; else the cheapest point of each of max_points - 1 buckets of
/// equal width in log(effective FLOP/s), plus the point with the most compute.
std::vector<std::size_t> thin_frontier(const std::vector<frontier_point>& pts,
                                       std::size_t max_points = kFrontierShown);

/// The JSON `frontier` array: the shown points with their plan keys, TCO, compute and capex.
nlohmann::ordered_json frontier_json(const scenario& sc, const plan_space& sp,
                                     const std::vector<frontier_point>& pts);
/// frontier_json(sc, sp, pts) as `dump(1)` writes it `indent` levels in, written directly (a
/// few times faster: no JSON objects are built): the same characters, which the tests hold it to.
std::string frontier_json_text(const scenario& sc, const plan_space& sp,
                               const std::vector<frontier_point>& pts, int indent);

} // namespace dcplan
