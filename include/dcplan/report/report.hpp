#pragma once
// What a planning run reports (MODEL.md "What a planning run reports"): JSON, a terminal table
// and CSV, all from the same figures.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "dcplan/engine/engine.hpp"
#include "dcplan/portfolio/portfolio.hpp"
#include "dcplan/model/model.hpp"
#include "dcplan/risk/risk.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/scenario/space.hpp"
#include "dcplan/schedule/schedule.hpp"

namespace dcplan {

/// One plan's record: MODEL.md's `plans` fields (job figures for training targets).
nlohmann::ordered_json plan_record(const scenario& sc, const plan_ref& ref, const plan_figures& f);

/// The JSON report's `frontier` value rendered ahead of the report (render_frontier_json), for
/// instance on an engine thread while the pass still runs (engine_options::on_frontier).
struct rendered_frontier {
  std::vector<frontier_point> points; // the frontier it was rendered from
  std::string text;                   // its `frontier` value, as the report's dump(1) writes it
};

struct run_info {
  double seconds = 0;
  std::string notice;             // e.g. the CPU fallback of --backend auto
  std::vector<risk_figures> risk; // MODEL.md "Risk": for the first risk.size() reported plans
  double risk_seconds = 0;
  const rendered_frontier* frontier_ahead = nullptr; // used where it matches the run's frontier
};

/// `pts` as the JSON report's `frontier` value (frontier_json), rendered as the report's text
/// holds it: dump(1) one level in.
std::string render_frontier_json(const scenario& sc, const plan_space& sp,
                                 const std::vector<frontier_point>& pts);
/// Whether `info.frontier_ahead` holds the text of `r`'s frontier; run_json then leaves the
/// `frontier` value null for report_text to fill in.
bool frontier_rendered_ahead(const engine_result& r, const run_info& info);
/// The report's text, `j.dump(1)`, with the frontier rendered ahead in place of the null
/// `frontier` value where frontier_rendered_ahead(r, info).
std::string report_text(const nlohmann::ordered_json& j, const engine_result& r,
                        const run_info& info);

/// MODEL.md "Risk": a plan's `risk` object.
nlohmann::ordered_json risk_json(const risk_figures& r);

/// The whole JSON report of a planning run.
nlohmann::ordered_json run_json(const scenario& sc, const plan_space& sp, const engine_result& r,
                                const run_info& info);
/// The terminal table; `color` adds ANSI colour. The plans' table fits in `width` columns: the
/// least needed columns are left out (and named under it) when every column does not fit.
std::string run_table(const scenario& sc, const plan_space& sp, const engine_result& r,
                      const run_info& info, bool color, std::size_t width = 120);
/// One row per reported plan, every figure a column, units in the header; RFC 4180 quoting,
/// lines ending in LF.
std::string run_csv(const scenario& sc, const plan_space& sp, const engine_result& r);

/// A CSV field, quoted when it holds a comma, a quote, a line break or edge spaces (RFC 4180).
std::string csv_field(const std::string& s);

/// Colour on the terminal: only when standard output is one and NO_COLOR is unset or empty
/// (no-color.org).
bool use_color(bool is_tty, const char* no_color_env);

/// The question a scenario asks, in words: target, deadline and budgets.
std::string question_text(const scenario& sc);

/// Human units: "10.2 EFLOP/s", "$1.23B", "45.6 MW".
std::string human_flops(double flops);
std::string human_usd(double usd);
std::string human_power_kw(double kw);
/// A whole number with thousands separators: "10,944"; "n/a" for NaN.
std::string grouped(double x);
/// Counts: "70B", "15.6T", "600M".
std::string human_count(double x);

/// A value of objective `o` in its unit: "$1.23B", or "1234 tCO2/yr" under the carbon objective.
std::string objective_text(objective o, double v);

/// MODEL.md's JSON `portfolio` block: totals, member plan records and the cost curve.
nlohmann::ordered_json portfolio_json(const scenario& sc, const plan_space& sp,
                                      const portfolio_report& rep);
/// The terminal table of the members with totals, and the cost curve.
std::string portfolio_table(const scenario& sc, const plan_space& sp, const portfolio_report& rep);

/// MODEL.md "What a schedule run reports": the `schedule` block, and the whole JSON report of a
/// schedule run (counts of phases, `plans` empty, `timing` last).
nlohmann::ordered_json schedule_json(const scenario& sc, const schedule_result& r);
nlohmann::ordered_json schedule_run_json(const scenario& sc, const schedule_result& r,
                                         double seconds, int threads);
/// The terminal table of a schedule run, year by year: what is decided, comes into service and
/// retires; capex, cost, demand and capacity.
std::string schedule_table(const scenario& sc, const schedule_result& r);
/// The chosen phases as CSV, one row a phase in key order, with the columns of the JSON `phases`
/// (docs/schedules.md "Outputs").
std::string schedule_phases_csv(const scenario& sc, const schedule_result& r);
/// The periods as CSV, one row a year, with the columns of the JSON `periods` and the capex
/// budget of the year (empty when none is set).
std::string schedule_periods_csv(const scenario& sc, const schedule_result& r);
/// The self-contained HTML report of a schedule run: the answer, capacity in service by phase
/// against demand, capex per year against the budget, a Gantt chart of the phases, the tables.
std::string schedule_html(const scenario& sc, const schedule_result& r, double seconds);

} // namespace dcplan
