// `dcplan plan`: the engine over the plan space, risk, the portfolio, and the outputs
// (docs/distributed.md: under MPI each rank takes its share; rank 0 alone writes and prints).
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <tuple>

#include "commands.hpp"
#include "dcplan/dist/distributed.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/risk/risk.hpp"
#include "dcplan/schedule/schedule.hpp"
#include "dcplan/scenario/space.hpp"
#include "outputs.hpp"
#include "progress.hpp"
#include "refine.hpp"

namespace dcplan::cli {
namespace {

using steady = std::chrono::steady_clock;
constexpr std::uint64_t kBuildoutWorkLimit = 2000; // --buildout's default search nodes

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}

// The scenario with the command line's overrides, checked for a portfolio run.
scenario load_plan_scenario(const plan_command& c) {
  const run_options& o = c.run;
  if (c.buildout && !o.scenario_path.empty())
    throw input_error("command line", 0, 0, "--buildout",
                      "--buildout runs the built-in build-out scenario: give no scenario file");
  scenario sc = c.buildout                ? load_builtin_scenario("buildout.yaml")
                : o.scenario_path.empty() ? load_default_scenario()
                                          : load_scenario(o.scenario_path);
  apply_overrides(sc, c.overrides);
  if (o.portfolio) sc.portfolio = true;
  if (sc.portfolio) check_portfolio_scenario(sc);
  if (!o.milp_path.empty() && !sc.portfolio && !sc.schedule)
    throw input_error("command line", 0, 0, "--milp",
                      "--milp writes the portfolio problem: add --portfolio (or target.portfolio: "
                      "true), or give a scenario with a schedule block");
  if (!c.schedule_csv.empty() && !sc.schedule)
    throw input_error("command line", 0, 0, "--schedule-csv",
                      "--schedule-csv writes a schedule's phases and periods: give a scenario with "
                      "a schedule block (or --buildout)");
  return sc;
}

// The engine's options for this run: the command line's, the top K that risk needs, this rank's
// share of the space, and the cost frontier where an output shows it.
engine_options engine_options_for(const plan_command& c, const scenario& sc, const plan_space& sp,
                                  const std::atomic<bool>* cancel) {
  engine_options opt = c.engine;
  opt.top_k = risk_top_k(sc, c.run.top);
  const dist::world& w = dist::this_world();
  if (w.size > 1) {
    std::tie(opt.range_begin, opt.range_end) = dist::share_of(sp, w.rank, w.size);
    if (opt.threads == 0) opt.threads = dist::default_threads();
    if (c.backend != backend_kind::cpu) cuda_select_device(w.local_rank);
  }
  opt.cancel = cancel;
  opt.want_frontier =
      !c.run.json_path.empty() || !c.run.report_path.empty() || c.run.format == "json";
  return opt;
}

// The table's width: the terminal's when standard output is one, else 120 columns.
std::size_t table_columns() {
  winsize ws{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
    return ws.ws_col;
  return 120;
}

// The table on standard output unless an output took it, and the exit code: infeasible when
// no plan (or, for a portfolio run, no portfolio) passes every test. The changes that would let
// a plan pass follow the table, or go to standard error when there is no table.
int finish(const run_options& o, const plan_outputs& out, const scenario& sc, const plan_space& sp,
           const engine_result& r, const run_info& info,
           const std::optional<portfolio_report>& port, const std::vector<relaxation>& rel) {
  const bool stdout_taken = out.stdout_taken();
  // A note (the CPU fallback of --backend auto) is about the run, not its answer: standard error.
  if (!info.notice.empty() && !o.quiet) std::cerr << "dcplan: note: " << info.notice << "\n";
  if (!stdout_taken && !o.quiet) {
    const bool color = use_color(::isatty(STDOUT_FILENO), std::getenv("NO_COLOR"));
    std::cout << run_table(sc, sp, r, info, color, table_columns());
    if (o.distinct) std::cout << "(--distinct: the best plan of each site, system and sourcing)\n";
    std::cout << relaxations_text(rel);
    if (port) std::cout << portfolio_table(sc, sp, *port);
    std::cout << std::flush;
  }
  const bool feasible = port ? port->best.feasible : r.counts[dcplan::feasible] > 0;
  if (feasible) return exit_ok;
  if (stdout_taken || o.quiet) {
    std::cerr << "dcplan: no " << (port ? "portfolio" : "plan") << " passes every test (exit "
              << exit_infeasible << ")\n";
    std::cerr << relaxations_text(rel);
  }
  return exit_infeasible;
}

// The outputs of a schedule run, each opened (its temporary file created) on construction.
struct schedule_files {
  pending_output json, milp, html, phases_csv, periods_csv;
  schedule_files(const run_options& o, const std::string& prefix)
      : json(o.format == "json" && o.json_path.empty() ? "-" : o.json_path), milp(o.milp_path),
        html(o.report_path), phases_csv(prefix.empty() ? "" : prefix + "-phases.csv"),
        periods_csv(prefix.empty() ? "" : prefix + "-periods.csv") {}
};

// MODEL.md "Schedules": a scenario with a schedule block runs the schedule optimizer instead of
// the engine; --json and --format json write its report, the table goes to standard output.
// Under MPI the ranks share the phase pass and rank 0 alone searches and writes.
int run_schedule(const plan_command& c, const scenario& sc) {
  const run_options& o = c.run;
  // Every output opened before the search, so a path that cannot be written fails at once; under
  // MPI by rank 0 alone, and closed again for the collective pass: a failing rank ends every rank
  // at once, which would leave a temporary file behind (docs/distributed.md).
  std::optional<schedule_files> out;
  if (dist::this_world().rank == 0) out.emplace(o, c.schedule_csv);
  if (dist::distributed()) out.reset();
  schedule_options opt;
  opt.threads = c.engine.threads;
  opt.backend = c.backend;
  opt.chunk = c.engine.chunk_plans;
  opt.device_memory_cap = c.engine.device_memory_cap;
  // The built-in build-out stops after kBuildoutWorkLimit search nodes unless told otherwise, so
  // that it answers in seconds; its report then says whether the optimum was proven, and the
  // gap (docs/schedules.md "The built-in build-out").
  opt.work_limit =
      c.schedule_work_limit == 0 && c.buildout ? kBuildoutWorkLimit : c.schedule_work_limit;
  opt.keep_candidates = !o.milp_path.empty();
  const steady::time_point t0 = steady::now();
  const std::optional<schedule_result> ran = dist::solve_schedule_ranks(sc, opt);
  if (!ran) return exit_ok; // a rank other than 0
  const schedule_result& r = *ran;
  const double seconds = seconds_since(t0);
  if (!out) out.emplace(o, c.schedule_csv);
  if (!r.notice.empty() && !o.quiet) std::cerr << "dcplan: note: " << r.notice << "\n";
  if (out->json.active())
    out->json.commit(schedule_run_json(sc, r, seconds, r.threads).dump(1) + "\n");
  if (out->milp.active()) out->milp.commit(schedule_lp(sc, r.candidates));
  if (out->phases_csv.active()) out->phases_csv.commit(schedule_phases_csv(sc, r));
  if (out->periods_csv.active()) out->periods_csv.commit(schedule_periods_csv(sc, r));
  if (out->html.active()) out->html.commit(schedule_html(sc, r, seconds));
  const bool stdout_taken = out->json.is_stdout() || out->milp.is_stdout() || out->html.is_stdout();
  if (!stdout_taken && !o.quiet) std::cout << schedule_table(sc, r) << std::flush;
  if (r.feasible) return exit_ok;
  if (stdout_taken || o.quiet)
    std::cerr << (r.proven ? "dcplan: no schedule meets every period's demand (exit "
                           : "dcplan: the work limit stopped the search before it found a "
                             "schedule (exit ")
              << exit_infeasible << ")\n";
  return exit_infeasible;
}

} // namespace

int run_plan_command(const plan_command& c, const std::atomic<bool>* cancel) {
  plan_outputs::check_stdout_claims(c.run);
  if (c.run.distinct && dist::distributed())
    throw input_error("command line", 0, 0, "--distinct",
                      "--distinct runs the engine again on one process: run it without mpirun");
  const scenario sc = load_plan_scenario(c);
  if (sc.schedule) return run_schedule(c, sc);
  plan_outputs out(c.run, dist::this_world().rank == 0);
  if (dist::distributed()) out.close();
  const plan_space sp = build_space(sc);
  engine_options opt = engine_options_for(c, sc, sp, cancel);
  const steady::time_point t0 = steady::now();
  std::optional<progress_bar> bar; // on a terminal only
  if (out.lead() && !c.run.quiet && ::isatty(STDERR_FILENO)) {
    bar.emplace(t0);
    opt.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar->draw(done, total); };
  }
  // The JSON report's frontier, rendered on an engine thread while the others finish the pass
  // where the backend allows (engine_options::on_frontier); used only if it is the run's.
  std::optional<rendered_frontier> ahead;
  if ((!c.run.json_path.empty() || c.run.format == "json") && !dist::distributed())
    opt.on_frontier = [&ahead, &sc, &sp](const std::vector<frontier_point>& f) {
      ahead.emplace(rendered_frontier{f, render_frontier_json(sc, sp, f)});
    };
  run_info info;
  engine_result r = evaluate_plans(sc, sp, c.backend, opt, &info.notice);
  if (ahead) info.frontier_ahead = &*ahead;
  r = dist::merge_results(r, opt.top_k, !opt.reference);
  if (c.run.distinct) {
    const backend_kind ran = r.backend; // read before r is moved into the call
    r = distinct_top(sc, sp, ran, opt, std::move(r), opt.top_k);
  }
  const steady::time_point t1 = steady::now();
  info.seconds = std::chrono::duration<double>(t1 - t0).count();
  info.risk = dist::apply_risk_ranks(sc, sp, r, c.run.top, opt.threads); // MODEL.md "Risk"
  info.risk_seconds = seconds_since(t1);
  std::optional<portfolio_report> port;
  if (sc.portfolio) port = dist::run_portfolio_ranks(sc, sp, r.backend, opt, c.portfolio);
  if (!out.lead()) return exit_ok;
  std::vector<relaxation> rel; // an infeasible plan run: what single change would let one pass
  if (!port && r.counts[feasible] == 0) rel = find_relaxations(sc, sp, r, r.backend, opt);
  out.open();
  if (c.run.distinct) out.add_to_report("distinct", true);
  if (!rel.empty()) out.add_to_report("relaxations", relaxations_json(rel));
  out.write(sc, sp, r, info, port);
  return finish(c.run, out, sc, sp, r, info, port, rel);
}

} // namespace dcplan::cli
