#pragma once
// MODEL.md "Schedules: a multi-year build-out (version 2)": the phase pass, its counts, and the
// exact optimizer over candidate phases. docs/schedules.md says how the search is exact.
#include <cstdint>
#include <string>
#include <vector>

#include "dcplan/engine/engine.hpp"
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
  int threads = 0;                          // OpenMP threads of the phase pass; 0: OpenMP's default
  backend_kind backend = backend_kind::cpu; // of the phase pass (automatic: CUDA when present)
  std::uint64_t chunk = 0;                  // phases per chunk of the pass; 0: the backend's
  std::uint64_t device_memory_cap = 0;      // CUDA: bytes the pass may use; 0: free memory
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
  backend_kind backend = backend_kind::cpu; // that ran the phase pass
  std::string notice;                       // why --backend auto ran on the CPU, or ""
  std::uint64_t plans_evaluated = 0;        // phases
  std::uint64_t counts[kReasonCount] = {};  // counts[0]: candidates; the rest by reason
  std::uint64_t candidates_kept = 0;        // after the exact reduction per pool
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
  backend_kind backend = backend_kind::cpu; // that ran
  std::string notice;                       // why --backend auto ran on the CPU, or ""
  double seconds = 0;                       // wall time of the pass
};

/// How a phase pass runs, and over which phases: [range_begin, range_end) of the phase indices
/// (one rank's share, docs/distributed.md); the whole phase space by default, which is
/// years x plans phases. Counts and candidates then cover that range alone.
struct phase_pass_options {
  int threads = 0;                     // CPU: OpenMP threads; 0: OpenMP's default
  std::uint64_t chunk = 0;             // phases per chunk; 0: the backend's default
  std::uint64_t device_memory_cap = 0; // CUDA: bytes the pass may use; 0: free memory
  std::uint64_t range_begin = 0, range_end = ~std::uint64_t{0};
};

/// Phases in the scenario's phase space: years x the plans of MODEL.md "A phase".
std::uint64_t phase_space_size(const scenario& sc);
/// The phase pass on the CPU (OpenMP) over the whole phase space.
phase_pass_result run_phase_pass(const scenario& sc, int threads);
/// The phase pass on the CPU (OpenMP) over opt's range.
phase_pass_result run_phase_pass_cpu(const scenario& sc, const phase_pass_options& opt);
/// The phase pass on CUDA (kernels/phase_pass_cuda.cu); the same counts and candidates as the
/// CPU's. Throws resource_error when no usable device exists or device memory is short.
phase_pass_result run_phase_pass_cuda(const scenario& sc, const phase_pass_options& opt);
/// The phase pass on `backend`; `automatic` takes CUDA when a device answers, else the CPU
/// (and says why in the result's notice).
phase_pass_result run_phase_pass(const scenario& sc, backend_kind backend,
                                 const phase_pass_options& opt);

/// The objective figure of a phase: npv_cost (tco) or tco2 (carbon).
inline double phase_objective(const phase& p, objective o) {
  return o == objective::carbon ? p.fig.tco2 : p.fig.npv_cost;
}

/// The whole schedule run: phases, counts, reduction, the exact optimizer and the periods.
schedule_result solve_schedule(const scenario& sc, const schedule_options& opt);
/// The run after its phase pass: `pass` holds the counts of the whole phase space and, in key
/// order, its candidates or any subset of them that keeps every undominated one (the union of
/// the ranks' reduced shares, docs/distributed.md); then the reduction, optimizer and periods.
schedule_result solve_schedule(const scenario& sc, phase_pass_result pass,
                               const schedule_options& opt);

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
