// MODEL.md "What a schedule run reports": the JSON report of a schedule run, with its
// `schedule` block, and the terminal table year by year.
#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "dcplan/report/report.hpp"

namespace dcplan {
namespace {

nlohmann::ordered_json or_null(bool has, double x) {
  return has ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
}

std::string cooling_id(const scenario& sc, int c) { return c < 0 ? "-" : sc.cooling_meta[c].id; }

nlohmann::ordered_json phase_json(const scenario& sc, const phase& p) {
  const int y0 = sc.schedule->start_year;
  nlohmann::ordered_json j;
  j["decision_year"] = y0 + p.fig.d;
  j["first_year"] = y0 + p.fig.on;
  j["last_year"] = y0 + p.fig.off - 1;
  j["site"] = sc.site_meta[p.key.site].id;
  j["system"] = sc.system_meta[p.key.system].id;
  j["cooling"] = cooling_id(sc, p.key.cooling);
  j["fabric"] = sc.fabric_meta[p.key.fabric].id;
  j["sourcing"] = to_string(static_cast<sourcing>(p.key.sourcing));
  j["nodes"] = static_cast<std::uint64_t>(p.fig.nodes);
  j["accelerators"] = static_cast<std::uint64_t>(p.fig.accelerators);
  j["facility_kw"] = p.fig.facility_kw;
  j["it_kw"] = p.fig.it_kw;
  j["effective_flops"] = p.fig.effective_flops;
  j["capex_usd"] = p.fig.capex;
  j["npv_cost_usd"] = p.fig.npv_cost;
  j["tco2"] = p.fig.tco2;
  return j;
}

// A schedule's objective in its unit: tCO2 over the schedule (carbon) or USD (tco).
std::string schedule_objective_text(objective o, double v) {
  return o == objective::carbon ? fmt::format("{:.6g} tCO2", v) : human_usd(v);
}

} // namespace

nlohmann::ordered_json schedule_json(const scenario& sc, const schedule_result& r) {
  nlohmann::ordered_json j;
  const bool f = r.feasible;
  j["objective"] = to_string(r.obj);
  j["feasible"] = f;
  j["objective_value"] = or_null(f, r.objective_value);
  j["lower_bound"] = or_null(f || !r.proven, r.lower_bound);
  j["proven"] = r.proven;
  j["npv_cost_usd"] = or_null(f, r.npv_cost_usd);
  j["capex_usd"] = or_null(f, r.capex_usd);
  j["tco2"] = or_null(f, r.tco2);
  nlohmann::ordered_json phases = nlohmann::ordered_json::array();
  for (const phase& p : r.phases) phases.push_back(phase_json(sc, p));
  j["phases"] = std::move(phases);
  nlohmann::ordered_json periods = nlohmann::ordered_json::array();
  for (const schedule_period& p : r.periods) {
    nlohmann::ordered_json x;
    x["year"] = p.year;
    x["demand_effective_flops"] = p.demand_effective_flops;
    x["effective_flops"] = p.effective_flops;
    x["capex_usd"] = p.capex_usd;
    x["cost_usd"] = p.cost_usd;
    x["phases_serving"] = p.phases_serving;
    periods.push_back(std::move(x));
  }
  j["periods"] = std::move(periods);
  // Extensions (MODEL.md allows added fields): the search's size, the same on every run.
  j["candidates"] = r.counts[feasible];
  j["candidates_kept"] = r.candidates_kept;
  j["search_nodes"] = r.search_nodes;
  return j;
}

nlohmann::ordered_json schedule_run_json(const scenario& sc, const schedule_result& r,
                                         double seconds, int threads) {
  nlohmann::ordered_json j;
  j["model_version"] = 2;
  j["backend"] = backend_name(r.backend);
  j["plans_evaluated"] = r.plans_evaluated;
  j["plans_feasible"] = r.counts[feasible];
  j["required_effective_flops"] = 0.0;
  j["plans"] = nlohmann::ordered_json::array();
  nlohmann::ordered_json reasons;
  for (int k = 1; k < kReasonCount; ++k) reasons[reason_name(k)] = r.counts[k];
  j["infeasible_by_reason"] = std::move(reasons);
  j["objective"] = to_string(sc.obj);
  j["precision"] = to_string(sc.prec);
  j["schedule"] = schedule_json(sc, r);
  nlohmann::ordered_json t; // last: everything before it is the same on every run
  t["seconds"] = seconds;
  t["threads"] = threads;
  j["timing"] = std::move(t);
  return j;
}

std::string schedule_table(const scenario& sc, const schedule_result& r) {
  const schedule_spec& s = *sc.schedule;
  std::string out =
      fmt::format("schedule: the least {} build-out meeting demand {}..{} ({} phases evaluated, {} "
                  "candidates, {} kept, {} search nodes)\n",
                  to_string(sc.obj), s.start_year, s.start_year + s.years - 1, r.plans_evaluated,
                  r.counts[feasible], r.candidates_kept, r.search_nodes);
  if (!r.feasible && !r.proven)
    out += fmt::format("The work limit stopped the search before it found a schedule; the "
                       "optimum, if any, is at least {}.\n",
                       schedule_objective_text(sc.obj, r.lower_bound));
  else if (!r.feasible)
    out += "No schedule meets every period's demand within the limits.\n";
  const auto name = [&](const phase& p) {
    return fmt::format("{}/{} {} x{:.0f} ({}, {})", sc.site_meta[p.key.site].id,
                       to_string(static_cast<sourcing>(p.key.sourcing)),
                       sc.system_meta[p.key.system].id, p.fig.nodes, cooling_id(sc, p.key.cooling),
                       sc.fabric_meta[p.key.fabric].id);
  };
  for (const schedule_period& p : r.periods) {
    const int t = p.year - s.start_year;
    out += fmt::format("\n{}  demand {}  capacity {}  capex {}  cost {}  ({} serving)\n", p.year,
                       human_flops(p.demand_effective_flops), human_flops(p.effective_flops),
                       human_usd(p.capex_usd), human_usd(p.cost_usd), p.phases_serving);
    for (const phase& x : r.phases) {
      if (x.fig.d == t)
        out +=
            fmt::format("  decide   {}: {}, in service {}..{}\n", name(x), human_usd(x.fig.capex),
                        s.start_year + x.fig.on, s.start_year + x.fig.off - 1);
      if (x.fig.on == t && x.fig.d != t)
        out += fmt::format("  starts   {}: {}\n", name(x), human_flops(x.fig.effective_flops));
      if (x.fig.off == t) out += fmt::format("  retired  {}\n", name(x));
    }
  }
  if (r.feasible) {
    out += fmt::format("\nobjective ({}): {}{}\n", to_string(sc.obj),
                       schedule_objective_text(sc.obj, r.objective_value),
                       r.proven ? " (proven optimal)"
                                : fmt::format(" (not proven; optimum >= {})",
                                              schedule_objective_text(sc.obj, r.lower_bound)));
    out += fmt::format("npv cost {}  capex {}  {:.6g} tCO2 over the schedule\n",
                       human_usd(r.npv_cost_usd), human_usd(r.capex_usd), r.tco2);
  }
  return out;
}

namespace {

// Shortest text that reads back as the same double.
std::string num(double x) { return fmt::format("{}", x); }

std::string csv_line(const std::vector<std::string>& row) {
  std::string out;
  for (std::size_t c = 0; c < row.size(); ++c) out += (c ? "," : "") + csv_field(row[c]);
  return out + "\n";
}

} // namespace

std::string schedule_phases_csv(const scenario& sc, const schedule_result& r) {
  // The fields of MODEL.md's `phases` records, in its order, with their units.
  std::string out = csv_line(
      {"decision_year", "first_year", "last_year", "site", "system", "cooling", "fabric",
       "sourcing", "nodes (count)", "accelerators (count)", "facility_kw (kW)", "it_kw (kW)",
       "effective_flops (FLOP/s)", "capex_usd (USD)", "npv_cost_usd (USD)", "tco2 (t CO2)"});
  const int y0 = sc.schedule->start_year;
  for (const phase& p : r.phases)
    out += csv_line(
        {std::to_string(y0 + p.fig.d), std::to_string(y0 + p.fig.on),
         std::to_string(y0 + p.fig.off - 1), sc.site_meta[p.key.site].id,
         sc.system_meta[p.key.system].id, cooling_id(sc, p.key.cooling),
         sc.fabric_meta[p.key.fabric].id, to_string(static_cast<sourcing>(p.key.sourcing)),
         num(p.fig.nodes), num(p.fig.accelerators), num(p.fig.facility_kw), num(p.fig.it_kw),
         num(p.fig.effective_flops), num(p.fig.capex), num(p.fig.npv_cost), num(p.fig.tco2)});
  return out;
}

std::string schedule_periods_csv(const scenario& sc, const schedule_result& r) {
  const schedule_spec& s = *sc.schedule;
  std::string out = csv_line({"year", "demand_effective_flops (FLOP/s)", "effective_flops (FLOP/s)",
                              "capex_usd (USD)", "capex_budget_usd (USD)", "cost_usd (USD)",
                              "phases_serving (count)"});
  for (const schedule_period& p : r.periods) {
    const std::size_t t = static_cast<std::size_t>(p.year - s.start_year);
    out += csv_line({std::to_string(p.year), num(p.demand_effective_flops), num(p.effective_flops),
                     num(p.capex_usd), s.capex_budget ? num((*s.capex_budget)[t]) : std::string(),
                     num(p.cost_usd), std::to_string(p.phases_serving)});
  }
  return out;
}

} // namespace dcplan
