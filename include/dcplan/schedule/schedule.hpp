#pragma once
// MODEL.md "Schedules: a multi-year build-out (version 2)": the phase pass, its counts, and the
// exact optimizer over candidate phases. docs/schedules.md says how the search is exact.
#include <cstdint>
#include <string>
#include <vector>

#include "dcplan/model/records.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/schedule/phase.hpp"

namespace dcplan {

/// A phase as list positions: (d, site, system, cooling, fabric, sourcing, nodes), cloud cooling
/// -1; phases compare in this order (MODEL.md "A schedule").
struct phase_key {
  int d = 0, site = 0, system = 0, cooling = -1, fabric = 0, sourcing = 0;
  double nodes = 0;
};

/// One phase: its key, its figures, and its position in key order over the whole phase space.
struct phase {
  phase_key key;
  phase_figures fig;
  std::uint64_t index = 0;
};

struct schedule_options {
  int threads = 0;              // OpenMP threads of the phase pass; 0: OpenMP's default
  std::uint64_t work_limit = 0; // search nodes before the search stops unproven; 0: none
  bool keep_candidates = false; // keep the reduced candidates in the result (for schedule_lp)
};

/// MODEL.md "What a schedule run reports": one period's sums over the chosen phases.
struct schedule_period {
  int year = 0;
  double demand_effective_flops = 0;
  double effective_flops = 0; // of the phases serving it
  double capex_usd = 0;       // decided in it
  double cost_usd = 0;        // undiscounted opex of the phases serving it
  int phases_serving = 0;
};

struct schedule_result {
  objective obj = objective::tco;
  std::uint64_t plans_evaluated = 0;       // phases
  std::uint64_t counts[kReasonCount] = {}; // counts[0]: candidates; the rest by reason
  std::uint64_t candidates_kept = 0;       // after the exact reduction per pool
  bool feasible = false;
  bool proven = true;
  double objective_value = 0, lower_bound = 0, npv_cost_usd = 0, capex_usd = 0, tco2 = 0;
  std::vector<phase> phases; // the chosen schedule, in key order
  std::vector<schedule_period> periods;
  std::uint64_t search_nodes = 0;
  int threads = 0;                             // of the phase pass
  double pass_seconds = 0, search_seconds = 0; // the phase pass and reduction; the search
  std::vector<phase> candidates; // after the reduction, key order (with keep_candidates)
};

/// Every phase of the scenario's phase space, evaluated, counted by reason; the candidates
/// (reason 0) in key order. Deterministic for any thread count.
struct phase_pass_result {
  std::uint64_t plans_evaluated = 0;
  std::uint64_t counts[kReasonCount] = {};
  std::vector<phase> candidates;
  int threads = 0;
};
phase_pass_result run_phase_pass(const scenario& sc, int threads);

/// The objective figure of a phase: npv_cost (tco) or tco2 (carbon).
inline double phase_objective(const phase& p, objective o) {
  return o == objective::carbon ? p.fig.tco2 : p.fig.npv_cost;
}

/// The whole schedule run: phases, counts, reduction, the exact optimizer and the periods.
schedule_result solve_schedule(const scenario& sc, const schedule_options& opt);

/// MODEL.md "A schedule" as an MILP in CPLEX LP format over `candidates` (key order; the reduced
/// candidates give the whole phase space's optimum): one binary x<phase index> per candidate, at
/// most one per pool, the demand, grid, colo and cloud rows per period, the capex budget per
/// period, minimising the summed objective as the search does.
std::string schedule_lp(const scenario& sc, const std::vector<phase>& candidates);

/// The sums of MODEL.md "A schedule" over `phases` (key order) for period t of `sc`.
schedule_period period_sums(const scenario& sc, const std::vector<phase>& phases, int t);

/// Checks every constraint of MODEL.md "A schedule" for `phases`: demand, grid, colo and cloud
/// limits per site and period, capex budget, one phase per pool; the first broken one in words,
/// or "" when the schedule is feasible.
std::string check_schedule(const scenario& sc, const std::vector<phase>& phases);

} // namespace dcplan
