// dcplan plan | validate | explain: parsing the command line and running the job.
#include "dcplan/cli/cli.hpp"

#include <unistd.h>

#include <chrono>
#include <map>
#include <optional>
#include <cstdlib>
#include <tuple>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "dcplan/report/catalog.hpp"
#include "dcplan/dist/distributed.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/report/explain.hpp"
#include "dcplan/report/output.hpp"
#include "dcplan/portfolio/portfolio.hpp"
#include "dcplan/report/report.hpp"
#include "dcplan/risk/risk.hpp"
#include "dcplan/report/report_html.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/report/sensitivity.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan {
namespace {

struct plan_args {
  std::string scenario_path;
  std::size_t top = 10;
  std::string json_path, csv_path, report_path, milp_path;
  std::string format = "table";
  bool format_given = false;
  std::string backend = "auto";
  int threads = 0;
  bool quiet = false;
  bool portfolio = false;
  std::uint64_t curve_work_limit = kDefaultCurveWorkLimit;
  std::uint64_t chunk = 0;
  bool reference = false;
  // Overrides of the scenario's target and budgets (unset = keep the scenario's).
  std::optional<double> target_flops, train_params, train_tokens, train_days, train_fpt,
      deadline_months, budget_capex, budget_tco;
  std::string objective, precision;
  std::uint64_t gpu_memory_cap = 0;
};

/// Applies the command line's overrides to the scenario (the target, deadline, budgets).
void apply_overrides(scenario& sc, const plan_args& a) {
  const bool any_train = a.train_params || a.train_tokens || a.train_days || a.train_fpt;
  if (any_train) {
    if (!a.train_params || !a.train_tokens || !a.train_days)
      throw input_error("command line", 0, 0, "--train-params",
                        "a training target needs --train-params, --train-tokens and --train-days together");
    if (a.target_flops)
      throw input_error("command line", 0, 0, "--target-flops",
                        "give either --target-flops or a training target (--train-...), not both");
    training_target t;
    t.active_params = *a.train_params;
    t.tokens = *a.train_tokens;
    t.days = *a.train_days;
    t.flops_per_token = a.train_fpt.value_or(6.0);
    sc.training = t;
    sc.target_effective_flops.reset();
  }
  if (a.target_flops) {
    sc.target_effective_flops = *a.target_flops;
    sc.training.reset();
  }
  if (a.deadline_months) sc.deadline_months = *a.deadline_months;
  if (a.budget_capex) sc.budget_capex_usd = *a.budget_capex;
  if (a.budget_tco) sc.budget_tco_usd = *a.budget_tco;
  if (!a.objective.empty()) sc.obj = *from_name(kObjectiveNames, a.objective);
  if (!a.precision.empty()) sc.prec = a.precision == "fp8" ? precision::fp8 : precision::bf16;
  validate_scenario(sc);
}

scenario load(const std::string& path) {
  return path.empty() ? load_default_scenario() : load_scenario(path);
}

backend_kind parse_backend(const std::string& b) {
  if (b == "cpu") return backend_kind::cpu;
  if (b == "cuda") return backend_kind::cuda;
  return backend_kind::automatic;
}

int run_plan(const plan_args& a, const std::atomic<bool>* cancel) {
  // Standard output takes one of --format, --json -, --csv - and --report -.
  const int to_stdout = (a.format_given ? 1 : 0) + (a.json_path == "-") + (a.csv_path == "-") +
                        (a.report_path == "-") + (a.milp_path == "-");
  if (to_stdout > 1)
    throw input_error("command line", 0, 0, "",
                      "standard output can take only one of --format, --json -, --csv -, "
                      "--report - and --milp -");
  scenario sc = load(a.scenario_path);
  apply_overrides(sc, a);
  if (a.portfolio) sc.portfolio = true;
  if (sc.portfolio) check_portfolio_scenario(sc);
  if (!a.milp_path.empty() && !sc.portfolio)
    throw input_error("command line", 0, 0, "--milp",
                      "--milp writes the portfolio problem: add --portfolio (or target.portfolio: true)");
  // docs/distributed.md: under MPI each rank takes its share; rank 0 alone writes and prints.
  const dist::world& w = dist::this_world();
  const bool lead = w.rank == 0;
  // Under MPI rank 0 checks the output paths at once but makes its temporary files only after
  // the last step shared with the other ranks, so that a rank ended by another's failure leaves
  // none behind.
  std::optional<pending_output> json, csv, html, milp;
  const auto open_outputs = [&] {
    json.emplace(lead ? a.json_path : "");
    csv.emplace(lead ? a.csv_path : "");
    html.emplace(lead ? a.report_path : "");
    milp.emplace(lead ? a.milp_path : "");
  };
  open_outputs();
  if (w.size > 1) {
    json.reset();
    csv.reset();
    html.reset();
    milp.reset();
  }
  pending_output shown(a.format == "table" || !lead ? "" : "-");  // --format json|csv
  const plan_space sp = build_space(sc);

  engine_options opt;
  opt.top_k = risk_top_k(sc, a.top);
  opt.threads = a.threads;
  if (w.size > 1) {
    std::tie(opt.range_begin, opt.range_end) = dist::share_of(sp, w.rank, w.size);
    if (a.threads == 0) opt.threads = dist::default_threads();
    if (a.backend != "cpu") cuda_select_device(w.local_rank);
  }
  opt.chunk_plans = a.chunk;
  opt.reference = a.reference;
  opt.device_memory_cap = a.gpu_memory_cap;
  opt.cancel = cancel;
  // The outputs that show the cost frontier.
  opt.want_frontier = !a.json_path.empty() || !a.report_path.empty() || a.format == "json";
  run_info info;
  const auto t0 = std::chrono::steady_clock::now();
  // A progress bar on a terminal, for runs over two seconds; nothing otherwise.
  bool drew = false;
  if (lead && !a.quiet && ::isatty(STDERR_FILENO)) {
    opt.progress = [&](std::uint64_t done, std::uint64_t total) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (s < 2.0 || total == 0) return;
      const double frac = static_cast<double>(done) / static_cast<double>(total);
      const int width = 30, filled = static_cast<int>(frac * width);
      const double rate = done / s;
      std::cerr << fmt::format("\r[{}{}] {:5.1f}%  {:.3g} of {:.3g} plans  {:.3g} plans/s  {:.0f} s left ",
                               std::string(filled, '#'), std::string(width - filled, ' '), 100 * frac,
                               static_cast<double>(done), static_cast<double>(total), rate,
                               rate > 0 ? (total - done) / rate : 0.0)
                << std::flush;
      drew = true;
    };
  }
  struct clear_bar {
    bool& drew;
    ~clear_bar() {
      if (drew) std::cerr << "\r\x1b[2K" << std::flush;
    }
  } clear{drew};
  engine_result r = evaluate_plans(sc, sp, parse_backend(a.backend), opt, &info.notice);
  r = dist::merge_results(r, opt.top_k, !opt.reference);
  const auto t1 = std::chrono::steady_clock::now();
  info.seconds = std::chrono::duration<double>(t1 - t0).count();
  info.risk = dist::apply_risk_ranks(sc, sp, r, a.top, opt.threads);  // MODEL.md "Risk"
  info.risk_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();

  std::optional<portfolio_report> port;
  if (sc.portfolio) port = dist::run_portfolio_ranks(sc, sp, r.backend, opt, portfolio_options{a.curve_work_limit});
  if (!lead) return exit_ok;
  if (!json) open_outputs();

  const bool stdout_taken =
      json->is_stdout() || csv->is_stdout() || html->is_stdout() || milp->is_stdout() || shown.active();
  if (milp->active() && port)
    milp->commit(portfolio_lp(sc, sp, port->candidates, sc.globals().required_effective_flops));
  if (json->active() || a.format == "json") {
    nlohmann::ordered_json j = run_json(sc, sp, r, info);
    if (port) j["portfolio"] = portfolio_json(sc, sp, *port);
    const std::string text = j.dump(1) + "\n";
    if (json->active()) json->commit(text);
    if (a.format == "json") shown.commit(text);
  }
  if (csv->active() || a.format == "csv") {
    const std::string text = run_csv(sc, sp, r);
    if (csv->active()) csv->commit(text);
    if (a.format == "csv") shown.commit(text);
  }
  if (html->active()) {
    report_extras extras;
    if (port) extras.portfolio = &*port;
    html->commit(run_html(sc, sp, r, info, extras));
  }
  if (!stdout_taken && !a.quiet) {
    const bool color = use_color(::isatty(STDOUT_FILENO), std::getenv("NO_COLOR"));
    std::cout << run_table(sc, sp, r, info, color);
    if (port) std::cout << portfolio_table(sc, sp, *port);
    std::cout << std::flush;
  } else if (!info.notice.empty() && !a.quiet) {
    std::cerr << "dcplan: note: " << info.notice << "\n";
  }
  if (port) {
    if (port->best.feasible) return exit_ok;
    if (stdout_taken || a.quiet)
      std::cerr << "dcplan: no portfolio passes every test (exit " << exit_infeasible << ")\n";
    return exit_infeasible;
  }
  if (r.counts[feasible] == 0) {
    if (stdout_taken || a.quiet)
      std::cerr << "dcplan: no plan passes every test (exit " << exit_infeasible << ")\n";
    return exit_infeasible;
  }
  return exit_ok;
}

int run_sensitivity_cli(const plan_args& a, const std::atomic<bool>* cancel) {
  const scenario sc = load_scenario(a.scenario_path);
  pending_output json(a.json_path);
  engine_options opt;
  opt.threads = a.threads;
  opt.cancel = cancel;
  std::string notice;
  const sensitivity_result r = run_sensitivity(sc, parse_backend(a.backend), opt, &notice);
  if (json.active()) json.commit(sensitivity_json(sc, r).dump(1) + "\n");
  if (!json.is_stdout()) {
    if (!notice.empty()) std::cout << "note: " << notice << "\n";
    std::cout << sensitivity_table(sc, r) << std::flush;
  }
  return r.feasible ? exit_ok : exit_infeasible;
}

const char* kExitCodes =
    "Exit codes: 0 ok; 2 bad input (scenario or command line); 3 infeasible (report written, no "
    "plan passes every test); 4 GPU or memory unavailable; 5 an output cannot be written; 130 "
    "interrupted; 1 internal error.";

}  // namespace

int run_cli(int argc, char** argv, const std::atomic<bool>* cancel) {
  CLI::App app{"dcplan: plan AI data-center build-outs; evaluates every candidate plan (site, "
               "sourcing, system, cooling, fabric, size) and ranks those that meet the target."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "dcplan 0.1.0 (model version 1)");
  app.footer(std::string("Examples:\n  dcplan plan                      plan the built-in default scenario\n"
                         "  dcplan plan my.yaml --json out.json --top 20\n"
                         "  dcplan validate my.yaml\n"
                         "  dcplan explain my.yaml --plan site=us-va,system=dgx-h100,cooling=air,"
                         "fabric=ib-ndr,sourcing=build,nodes=1000\n\n") + kExitCodes);

  plan_args pa;
  CLI::App* plan = app.add_subcommand("plan", "Evaluate every plan of a scenario and rank the feasible ones");
  plan->add_option("scenario", pa.scenario_path, "Scenario YAML file (default: the built-in default scenario)");
  plan->add_option("--top", pa.top, "How many ranked plans to report")->check(CLI::Range(0, 100000));
  plan->add_option("--json", pa.json_path, "Write the JSON report to PATH ('-' for standard output)");
  plan->add_option("--csv", pa.csv_path, "Write the ranked plans as CSV to PATH ('-' for standard output)");
  plan->add_option("--report", pa.report_path,
                   "Write a self-contained HTML report with charts to PATH ('-' for standard output)");
  plan->add_option("--format", pa.format, "What standard output shows: table (default), json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  plan->add_option("--backend", pa.backend, "auto (CUDA when a device is present, else CPU), cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  plan->add_option("--threads", pa.threads, "CPU threads (default: every core; under MPI, this rank's share of the node's cores)")->check(CLI::Range(1, 4096));
  plan->add_option("--chunk", pa.chunk, "Plans per chunk (memory bound; default chosen by the backend)")
      ->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{1} << 32));
  plan->add_option("--gpu-memory-cap", pa.gpu_memory_cap,
                   "CUDA: device memory the run may use, in bytes (smaller chunks; default: the "
                   "free memory)")
      ->envname("DCPLAN_CUDA_MEM_CAP_BYTES")
      ->check(CLI::Range(std::uint64_t{1} << 20, std::uint64_t{1} << 50));
  plan->add_flag("--quiet,-q", pa.quiet, "Print no table and no progress bar (outputs and errors only)");
  plan->add_flag("--no-pruning", pa.reference,
                 "CPU: evaluate every plan one by one with the Thrust path the CUDA backend runs, "
                 "instead of counting decided ranges of node counts at once (same answer, slower)");
  plan->add_option("--milp", pa.milp_path,
                   "With --portfolio: write the portfolio problem over the pool candidates as an MILP "
                   "in CPLEX LP format to PATH, for any MILP solver ('-' for standard output)");
  plan->add_flag("--portfolio", pa.portfolio,
                 "Also find the cheapest portfolio (at most one plan per site and sourcing) meeting "
                 "the target together, as target.portfolio: true does");
  plan->add_option("--curve-work-limit", pa.curve_work_limit,
                   "With --portfolio: how many partial portfolios the search for each cost-curve "
                   "point other than the target may examine; a point that reaches it reports its "
                   "best portfolio found and a proven lower bound, marked not proven (0: no limit; "
                   "the target's optimum is always proven)")
      ->default_val(kDefaultCurveWorkLimit);
  const auto positive = CLI::PositiveNumber & CLI::Range(0.0, 1e300);
  plan->add_option("--target-flops", pa.target_flops, "Target: sustained effective FLOP/s (replaces the scenario's target)")->check(positive)->group("Target and budget overrides");
  plan->add_option("--train-params", pa.train_params, "Training target: active parameters (with --train-tokens and --train-days)")->check(positive)->group("Target and budget overrides");
  plan->add_option("--train-tokens", pa.train_tokens, "Training target: tokens")->check(positive)->group("Target and budget overrides");
  plan->add_option("--train-days", pa.train_days, "Training target: days the job may take")->check(positive)->group("Target and budget overrides");
  plan->add_option("--train-flops-per-token", pa.train_fpt, "Training target: FLOP per parameter and token (default 6)")->check(positive)->group("Target and budget overrides");
  plan->add_option("--deadline-months", pa.deadline_months, "Deadline in months (test 7)")->check(CLI::NonNegativeNumber & CLI::Range(0.0, 1e300))->group("Target and budget overrides");
  plan->add_option("--budget-capex", pa.budget_capex, "Capital budget, USD")->check(CLI::NonNegativeNumber & CLI::Range(0.0, 1e300))->group("Target and budget overrides");
  plan->add_option("--budget-tco", pa.budget_tco, "TCO budget, USD")->check(CLI::NonNegativeNumber & CLI::Range(0.0, 1e300))->group("Target and budget overrides");
  plan->add_option("--objective", pa.objective, "Ranking objective")->check(CLI::IsMember(names_of(kObjectiveNames)))->group("Target and budget overrides");
  plan->add_option("--precision", pa.precision, "Compute precision")->check(CLI::IsMember({"bf16", "fp8"}))->group("Target and budget overrides");
  plan->footer(std::string("Examples:\n  dcplan plan\n  dcplan plan --train-params 405e9 --train-tokens 15.6e12 --train-days 60 --deadline-months 30\n  dcplan plan --target-flops 5e19 --budget-capex 2e10\n  dcplan plan scenario.yaml --portfolio\n  dcplan plan scenario.yaml --top 20 --json report.json --csv plans.csv\n"
                           "  dcplan plan scenario.yaml --report report.html --csv plans.csv\n"
                           "  dcplan plan scenario.yaml --format json | jq '.plans[0]'\n  dcplan plan scenario.yaml --backend cpu --threads 2\n\n") + kExitCodes);

  std::string validate_path;
  CLI::App* validate = app.add_subcommand("validate", "Check a scenario file without planning");
  validate->add_option("scenario", validate_path, "Scenario YAML file")->required();
  validate->footer("Example:\n  dcplan validate scenario.yaml\nExit code 0 when valid, 2 with a located message otherwise.");

  std::string explain_path, explain_plan, explain_json_path;
  CLI::App* explain = app.add_subcommand("explain", "Evaluate one plan and show each figure with its formula and inputs");
  explain->add_option("scenario", explain_path, "Scenario YAML file ('default' for the built-in one)")->required();
  explain->add_option("--plan", explain_plan, "site=S,system=A,cooling=C,fabric=F,sourcing=build|colo|cloud,nodes=N (cloud: cooling=-)")->required();
  explain->add_option("--json", explain_json_path, "Write the plan record as JSON to PATH ('-' for standard output)");
  explain->footer("Example:\n  dcplan explain scenario.yaml --plan site=us-va,system=dgx-h100,cooling=air,fabric=ib-ndr,sourcing=build,nodes=512");

  std::string catalog_list, catalog_json_path;
  CLI::App* catalog = app.add_subcommand("catalog", "List the built-in catalog: key figures and the source of every entry");
  catalog->add_option("list", catalog_list, "One list only")->check(CLI::IsMember({"accelerators", "systems", "sites", "cooling", "fabrics"}));
  catalog->add_option("--json", catalog_json_path, "Write every field of every entry as JSON to PATH ('-' for standard output)");
  catalog->footer("Examples:\n  dcplan catalog\n  dcplan catalog systems\n  dcplan catalog --json - | jq '.sites[] | {id, energy_usd_per_kwh, source}'");

  plan_args sa;
  CLI::App* sens = app.add_subcommand(
      "sensitivity", "Re-run the plan search with each uncertain input at its p10 and p90 (a tornado)");
  sens->add_option("scenario", sa.scenario_path, "Scenario YAML file with an uncertainty block")->required();
  sens->add_option("--json", sa.json_path, "Write the JSON report to PATH ('-' for standard output)");
  sens->add_option("--backend", sa.backend, "auto (CUDA when a device is present, else CPU), cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  sens->add_option("--threads", sa.threads, "CPU threads (default: every core)")->check(CLI::Range(1, 4096));
  sens->footer("Example:\n  dcplan sensitivity scenario.yaml --json - | jq '.inputs[0]'");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_bad_input;
  }

  try {
    if (plan->parsed()) pa.format_given = plan->count("--format") > 0;
    // Under MPI only `plan` is shared out; rank 0 alone runs the other commands.
    if (!plan->parsed() && dist::this_world().rank != 0) return exit_ok;
    if (plan->parsed() && dist::distributed()) {
      try {
        return run_plan(pa, cancel);
      } catch (...) {
        dist::abort_on(std::current_exception());  // never a partial answer from some ranks
      }
    }
    if (plan->parsed()) return run_plan(pa, cancel);
    if (sens->parsed()) return run_sensitivity_cli(sa, cancel);
    if (validate->parsed()) {
      const scenario sc = load_scenario(validate_path);
      const plan_space sp = build_space(sc);
      std::cout << fmt::format("{}: valid; {} plans ({} sites, {} systems, {} coolings, {} fabrics)\n",
                               sc.file, sp.total, sc.sites.size(), sc.systems.size(), sc.cooling.size(),
                               sc.fabrics.size());
      return exit_ok;
    }
    if (catalog->parsed()) {
      const scenario cat = load_builtin_catalog();
      pending_output out(catalog_json_path);
      if (out.active()) out.commit(catalog_json(cat, catalog_list).dump(1) + "\n");
      if (!out.is_stdout()) std::cout << catalog_table(cat, catalog_list);
      return exit_ok;
    }
    if (explain->parsed()) {
      const scenario sc = explain_path == "default" ? load_default_scenario() : load_scenario(explain_path);
      const plan_ref p = parse_plan_spec(sc, explain_plan);
      pending_output out(explain_json_path);
      if (out.active()) out.commit(explain_json(sc, p).dump(1) + "\n");
      if (!out.is_stdout()) std::cout << explain_text(sc, p);
      return exit_ok;
    }
  } catch (...) {
    std::string message;
    const int code = exit_code_of(std::current_exception(), &message);
    std::cerr << "dcplan: " << message << "\n";
    return code;
  }
  return exit_internal;
}

}  // namespace dcplan
