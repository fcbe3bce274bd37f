// dcplan plan | validate | explain: parsing the command line and running the job.
#include "dcplan/cli.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "dcplan/engine.hpp"
#include "dcplan/errors.hpp"
#include "dcplan/explain.hpp"
#include "dcplan/output.hpp"
#include "dcplan/report.hpp"
#include "dcplan/report_html.hpp"
#include "dcplan/scenario.hpp"
#include "dcplan/space.hpp"

namespace dcplan {
namespace {

struct plan_args {
  std::string scenario_path;
  std::size_t top = 10;
  std::string json_path, csv_path, report_path;
  std::string format = "table";
  bool format_given = false;
  std::string backend = "auto";
  int threads = 0;
  bool quiet = false;
  std::uint64_t chunk = 0;
};

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
                        (a.report_path == "-");
  if (to_stdout > 1)
    throw input_error("command line", 0, 0, "",
                      "standard output can take only one of --format, --json -, --csv - and "
                      "--report -");
  const scenario sc = load(a.scenario_path);
  pending_output json(a.json_path), csv(a.csv_path), html(a.report_path);
  pending_output shown(a.format == "table" ? "" : "-");  // --format json|csv
  const plan_space sp = build_space(sc);

  engine_options opt;
  opt.top_k = a.top;
  opt.threads = a.threads;
  opt.chunk_plans = a.chunk;
  opt.cancel = cancel;
  // The outputs that show the frontier.
  opt.want_frontier = json.active() || html.active() || a.format == "json";
  run_info info;
  const auto t0 = std::chrono::steady_clock::now();
  const engine_result r = evaluate_plans(sc, sp, parse_backend(a.backend), opt, &info.notice);
  info.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const bool stdout_taken =
      json.is_stdout() || csv.is_stdout() || html.is_stdout() || shown.active();
  if (json.active() || a.format == "json") {
    const std::string text = run_json(sc, sp, r, info).dump(1) + "\n";
    if (json.active()) json.commit(text);
    if (a.format == "json") shown.commit(text);
  }
  if (csv.active() || a.format == "csv") {
    const std::string text = run_csv(sc, sp, r);
    if (csv.active()) csv.commit(text);
    if (a.format == "csv") shown.commit(text);
  }
  if (html.active()) html.commit(run_html(sc, sp, r, info));
  if (!stdout_taken && !a.quiet) {
    const bool color = use_color(::isatty(STDOUT_FILENO), std::getenv("NO_COLOR"));
    std::cout << run_table(sc, sp, r, info, color) << std::flush;
  } else if (!info.notice.empty() && !a.quiet) {
    std::cerr << "dcplan: note: " << info.notice << "\n";
  }
  if (r.counts[feasible] == 0) {
    if (stdout_taken || a.quiet)
      std::cerr << "dcplan: no plan passes every test (exit " << exit_infeasible << ")\n";
    return exit_infeasible;
  }
  return exit_ok;
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
  plan->add_option("--threads", pa.threads, "CPU threads (default: every core)")->check(CLI::Range(1, 4096));
  plan->add_option("--chunk", pa.chunk, "Plans per chunk (memory bound; default chosen by the backend)")
      ->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{1} << 32));
  plan->add_flag("--quiet,-q", pa.quiet, "Print no table (outputs and errors only)");
  plan->footer(std::string("Examples:\n  dcplan plan\n  dcplan plan scenario.yaml --top 20 --json report.json --csv plans.csv\n"
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_bad_input;
  }

  try {
    if (plan->parsed()) {
      pa.format_given = plan->count("--format") > 0;
      return run_plan(pa, cancel);
    }
    if (validate->parsed()) {
      const scenario sc = load_scenario(validate_path);
      const plan_space sp = build_space(sc);
      std::cout << fmt::format("{}: valid; {} plans ({} sites, {} systems, {} coolings, {} fabrics)\n",
                               sc.file, sp.total, sc.sites.size(), sc.systems.size(), sc.cooling.size(),
                               sc.fabrics.size());
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
  } catch (const input_error& e) {
    std::cerr << "dcplan: " << e.what() << "\n";
    return exit_bad_input;
  } catch (const output_error& e) {
    std::cerr << "dcplan: error: " << e.what() << "\n";
    return exit_output;
  } catch (const resource_error& e) {
    std::cerr << "dcplan: error: " << e.what() << "\n";
    return exit_resource;
  } catch (const interrupted_error&) {
    std::cerr << "dcplan: interrupted; no output written\n";
    return exit_interrupted;
  } catch (const std::bad_alloc&) {
    std::cerr << "dcplan: error: out of memory\n";
    return exit_resource;
  } catch (const std::exception& e) {
    std::cerr << "dcplan: internal error: " << e.what() << "\n";
    return exit_internal;
  }
  return exit_internal;
}

}  // namespace dcplan
