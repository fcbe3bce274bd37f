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

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}

// The scenario with the command line's overrides, checked for a portfolio run.
scenario load_plan_scenario(const plan_command& c) {
  const run_options& o = c.run;
  scenario sc = o.scenario_path.empty() ? load_default_scenario() : load_scenario(o.scenario_path);
  apply_overrides(sc, c.overrides);
  if (o.portfolio) sc.portfolio = true;
  if (sc.portfolio) check_portfolio_scenario(sc);
  if (!o.milp_path.empty() && !sc.portfolio)
    throw input_error("command line", 0, 0, "--milp",
                      "--milp writes the portfolio problem: add --portfolio (or target.portfolio: "
                      "true)");
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

// The table on standard output unless an output took it, and the exit code: infeasible when
// no plan (or, for a portfolio run, no portfolio) passes every test. The changes that would let
// a plan pass follow the table, or go to standard error when there is no table.
int finish(const run_options& o, const plan_outputs& out, const scenario& sc, const plan_space& sp,
           const engine_result& r, const run_info& info,
           const std::optional<portfolio_report>& port, const std::vector<relaxation>& rel) {
  const bool stdout_taken = out.stdout_taken();
  if (!stdout_taken && !o.quiet) {
    const bool color = use_color(::isatty(STDOUT_FILENO), std::getenv("NO_COLOR"));
    std::cout << run_table(sc, sp, r, info, color, table_columns());
    if (o.distinct) std::cout << "(--distinct: the best plan of each site, system and sourcing)\n";
    std::cout << relaxations_text(rel);
// The table's width: the terminal's when standard output is one, else 120 columns.
std::size_t table_columns() {
  winsize ws{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
    return ws.ws_col;
  return 120;
}

    if (port) std::cout << portfolio_table(sc, sp, *port);
    std::cout << std::flush;
  }
  const bool feasible = port ? port->best.feasible : r.counts[dcplan::feasible] > 0;
  // A note (the CPU fallback of --backend auto) is about the run, not its answer: standard error.
  if (!info.notice.empty() && !o.quiet) std::cerr << "dcplan: note: " << info.notice << "\n";
  if (feasible) return exit_ok;
  if (stdout_taken || o.quiet) {
    std::cerr << "dcplan: no " << (port ? "portfolio" : "plan") << " passes every test (exit "
              << exit_infeasible << ")\n";
  return exit_infeasible;
}

// MODEL.md "Schedules": a scenario with a schedule block runs the schedule optimizer instead of
// the engine; --json and --format json write its report, the table goes to standard output.
int run_schedule(const plan_command& c, const scenario& sc) {
  const run_options& o = c.run;
  const bool json_out = o.format == "json" && o.json_path.empty();
  pending_output json(json_out ? "-" : o.json_path);
    std::cerr << relaxations_text(rel);
  }
  schedule_options opt;
  opt.threads = c.engine.threads;
  opt.work_limit = c.schedule_work_limit;
  const steady::time_point t0 = steady::now();
  const schedule_result r = solve_schedule(sc, opt);
  if (json.active())
    json.commit(schedule_run_json(sc, r, seconds_since(t0), r.threads).dump(1) + "\n");
  if (!json.is_stdout() && !o.quiet) std::cout << schedule_table(sc, r) << std::flush;
  if (r.feasible) return exit_ok;
  if (json.is_stdout() || o.quiet)
    std::cerr << (r.proven ? "dcplan: no schedule meets every period's demand (exit "
                           : "dcplan: the work limit stopped the search before it found a "
                             "schedule (exit ")
              << exit_infeasible << ")\n";
  return exit_infeasible;
}

} // namespace

int run_plan_command(const plan_command& c, const std::atomic<bool>* cancel) {
  plan_outputs::check_stdout_claims(c.run);
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
  run_info info;
  engine_result r = evaluate_plans(sc, sp, c.backend, opt, &info.notice);
  r = dist::merge_results(r, opt.top_k, !opt.reference);
  const steady::time_point t1 = steady::now();
  info.seconds = std::chrono::duration<double>(t1 - t0).count();
  info.risk = dist::apply_risk_ranks(sc, sp, r, c.run.top, opt.threads); // MODEL.md "Risk"
  info.risk_seconds = seconds_since(t1);
  if (c.run.distinct && dist::distributed())
    throw input_error("command line", 0, 0, "--distinct",
                      "--distinct runs the engine again on one process: run it without mpirun");
  std::optional<portfolio_report> port;
  if (sc.portfolio) port = dist::run_portfolio_ranks(sc, sp, r.backend, opt, c.portfolio);
  if (!out.lead()) return exit_ok;
  out.open();
  out.write(sc, sp, r, info, port);
  return finish(c.run, out, sc, sp, r, info, port, rel);
}

} // namespace dcplan::cli
  if (c.run.distinct) r = distinct_top(sc, sp, r.backend, opt, std::move(r), opt.top_k);
  std::vector<relaxation> rel; // an infeasible plan run: what single change would let one pass
  if (!port && r.counts[feasible] == 0) rel = find_relaxations(sc, sp, r, r.backend, opt);
  if (c.run.distinct) out.add_to_report("distinct", true);
  if (!rel.empty()) out.add_to_report("relaxations", relaxations_json(rel));
