// MODEL.md "Schedules": the run — the phase pass and its counts, the exact reduction, the
// search, and the schedule's totals and periods.
#include "dcplan/schedule/schedule.hpp"

#include <chrono>
#include <utility>

#include "dcplan/schedule/detail/dominance.hpp"
#include "dcplan/schedule/detail/search.hpp"

namespace dcplan {

schedule_result solve_schedule(const scenario& sc, const schedule_options& opt) {
  phase_pass_options popt;
  popt.threads = opt.threads;
  popt.chunk = opt.chunk;
  popt.device_memory_cap = opt.device_memory_cap;
  return solve_schedule(sc, run_phase_pass(sc, opt.backend, popt), opt);
}

schedule_result solve_schedule(const scenario& sc, phase_pass_result pass,
                               const schedule_options& opt) {
  schedule_result r;
  r.obj = sc.obj;
  const auto t0 = std::chrono::steady_clock::now();
  r.plans_evaluated = pass.plans_evaluated;
  r.threads = pass.threads;
  r.backend = pass.backend;
  r.notice = std::move(pass.notice);
  for (int i = 0; i < kReasonCount; ++i) r.counts[i] = pass.counts[i];
  const std::vector<phase> kept = detail::reduce_candidates(pass.candidates, sc.obj);
  r.candidates_kept = kept.size();
  const auto t1 = std::chrono::steady_clock::now();
  const detail::search_result s = detail::search_schedule(sc, kept, sc.obj, opt.work_limit);
  r.pass_seconds = pass.seconds + std::chrono::duration<double>(t1 - t0).count();
  r.search_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  if (opt.keep_candidates) r.candidates = kept;
  r.search_nodes = s.nodes;
  r.proven = s.proven;
  r.feasible = s.found;
  // A search stopped by the work limit before it found a schedule still has a proven bound.
  if (!s.proven) r.lower_bound = s.lower_bound;
  if (s.found) {
    r.phases = s.chosen;
    r.objective_value = s.objective_value;
    r.lower_bound = s.lower_bound;
    // MODEL.md: the schedule's npv_cost_usd, capex_usd and tco2 sum its phases in key order.
    for (const phase& p : r.phases) {
      r.npv_cost_usd += p.fig.npv_cost;
      r.capex_usd += p.fig.capex;
      r.tco2 += p.fig.tco2;
    }
  }
  for (int t = 0; t < sc.schedule->years; ++t) r.periods.push_back(period_sums(sc, r.phases, t));
  return r;
}

} // namespace dcplan
