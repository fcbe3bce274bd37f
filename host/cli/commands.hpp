#pragma once
// The commands of `dcplan` (README "Commands"): what each takes from the command line, and the
// function that runs it. Internal to host/cli; run_cli (cli.cpp) parses and dispatches.
#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "dcplan/engine/engine.hpp"
#include "dcplan/portfolio/portfolio.hpp"
#include "dcplan/scenario/scenario.hpp"

namespace CLI {
class App;
}

namespace dcplan::cli {

/// What `plan` routes: the scenario it reads, where each output goes, and what standard output
/// and the terminal show. The engine's and the portfolio's settings are apart, in their options.
struct run_options {
  std::string scenario_path; // empty: the built-in default scenario
  std::size_t top = 10;      // ranked plans reported
  // Output paths: "-" is standard output, "" no output.
  std::string json_path, csv_path, report_path, milp_path;
  std::string format = "table"; // what standard output shows: table, json or csv
  bool format_given = false;    // --format given: it then claims standard output
  bool quiet = false;           // no table and no progress bar
  bool portfolio = false;       // --portfolio, as target.portfolio: true
  bool distinct = false;        // --distinct: the best plan per (site, system, sourcing) only
};

/// The command line's overrides of the scenario's target and budgets (unset: the scenario's).
struct scenario_overrides {
  std::optional<double> target_flops, train_params, train_tokens, train_days, train_fpt,
      deadline_months, budget_capex, budget_tco;
  // MODEL.md "Goodput": create or override the reliability block.
  std::optional<double> mtbf_hours, checkpoint_minutes, restart_minutes;
  // MODEL.md "Inference targets": --serve MODEL (configs/catalog/models.yaml) makes an inference
  // target; the rest create or override its fields.
  std::optional<std::string> serve_model;
  std::optional<double> tokens_per_second, max_ms_per_token, input_tokens, output_tokens;
  std::optional<objective> obj;
  std::optional<precision> prec;
};

/// Everything `dcplan plan` takes.
struct plan_command {
  run_options run;
  scenario_overrides overrides;
  backend_kind backend = backend_kind::automatic;
  /// Set from the command line: threads, chunk_plans, reference, device_memory_cap; the rest
  /// (top_k, shares, progress, cancel) is filled in per run.
  engine_options engine;
  portfolio_options portfolio;
  std::uint64_t schedule_work_limit = 0; // --schedule-work-limit: search nodes; 0: none
  bool buildout = false;                 // --buildout: the built-in configs/buildout.yaml
  std::string schedule_csv;              // --schedule-csv PREFIX: PREFIX-phases.csv, -periods.csv
};

/// `dcplan sensitivity`.
struct sensitivity_command {
  std::string scenario_path, json_path;
  backend_kind backend = backend_kind::automatic;
  engine_options engine; // threads
};

/// `dcplan validate`.
struct validate_command {
  std::string scenario_path;
};

/// `dcplan explain`.
struct explain_command {
  std::string scenario_path; // "default": the built-in scenario
  std::string plan, json_path;
};

/// `dcplan catalog`.
struct catalog_command {
  std::string list; // one list only; empty: every list
  std::string json_path;
};

/// The exit codes, as the help of `dcplan` and `dcplan plan` states them.
extern const char* const kExitCodes;

/// The subcommands on `app`, their options bound to `c`; each returns its subcommand.
CLI::App* add_plan_command(CLI::App& app, plan_command& c);
CLI::App* add_sensitivity_command(CLI::App& app, sensitivity_command& c);
CLI::App* add_validate_command(CLI::App& app, validate_command& c);
CLI::App* add_explain_command(CLI::App& app, explain_command& c);
CLI::App* add_catalog_command(CLI::App& app, catalog_command& c);

/// The command line's name of each backend_kind (engine.hpp's backend_name), for --backend.
std::vector<std::string> backend_names();
/// The backend_kind that backend_name() calls `name`, or nullopt.
std::optional<backend_kind> backend_from_name(const std::string& name);

/// Applies the command line's overrides to the scenario, then checks it again.
void apply_overrides(scenario& sc, const scenario_overrides& o);

/// Each command; returns its exit code (errors.hpp), or throws the errors exit_code_of maps.
int run_plan_command(const plan_command& c, const std::atomic<bool>* cancel);
int run_sensitivity_command(const sensitivity_command& c, const std::atomic<bool>* cancel);
int run_validate_command(const validate_command& c);
int run_explain_command(const explain_command& c);
int run_catalog_command(const catalog_command& c);

} // namespace dcplan::cli
