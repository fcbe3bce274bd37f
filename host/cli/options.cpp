// The subcommands' options and help texts (README "Commands").
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "dcplan/scenario/scenario.hpp"

namespace dcplan::cli {

const char* const kExitCodes =
    "Exit codes: 0 ok; 2 bad input (scenario or command line); 3 infeasible (report written, no "
    "plan passes every test); 4 GPU or memory unavailable; 5 an output cannot be written; 130 "
    "interrupted; 1 internal error.";

namespace {

const char* const kPlanExamples =
    "Examples:\n"
    "  dcplan plan\n"
    "  dcplan plan --train-params 405e9 --train-tokens 15.6e12 --train-days 60 "
    "--deadline-months 30\n"
    "  dcplan plan --target-flops 5e19 --budget-capex 2e10\n"
    "  dcplan plan scenario.yaml --portfolio\n"
    "  dcplan plan --buildout --schedule-csv buildout --report buildout.html\n"
    "  dcplan plan scenario.yaml --top 20 --json report.json --csv plans.csv\n"
    "  dcplan plan scenario.yaml --report report.html --csv plans.csv\n"
    "  dcplan plan scenario.yaml --format json | jq '.plans[0]'\n"
    "  dcplan plan scenario.yaml --backend cpu --threads 2\n\n";

const char* const kBackendHelp = "auto (CUDA when a device is present, else CPU), cpu or cuda";

// --backend NAME, checked against backend_name()'s names and stored as its backend_kind.
CLI::Option* add_backend_option(CLI::App& cmd, backend_kind& kind) {
  return cmd
      .add_option_function<std::string>(
          "--backend", [&kind](const std::string& name) { kind = *backend_from_name(name); },
          kBackendHelp)
      ->check(CLI::IsMember(backend_names()));
}

// `plan`'s outputs and how it runs.
void add_run_options(CLI::App& plan, plan_command& c) {
  run_options& r = c.run;
  plan.add_option("scenario", r.scenario_path,
                  "Scenario YAML file (default: the built-in default scenario)");
  plan.add_option("--top", r.top, "How many ranked plans to report")->check(CLI::Range(0, 100000));
  plan.add_option("--json", r.json_path, "Write the JSON report to PATH ('-' for standard output)");
  plan.add_option("--csv", r.csv_path,
                  "Write the ranked plans as CSV to PATH ('-' for standard output)");
  plan.add_option("--report", r.report_path,
                  "Write a self-contained HTML report with charts to PATH ('-' for standard "
                  "output)");
  plan.add_option("--format", r.format, "What standard output shows: table (default), json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  add_backend_option(plan, c.backend);
  plan.add_option("--threads", c.engine.threads,
                  "CPU threads (default: every core; under MPI, this rank's share of the node's "
                  "cores)")
      ->check(CLI::Range(1, 4096));
  plan.add_option("--chunk", c.engine.chunk_plans,
                  "Plans per chunk (memory bound; default chosen by the backend)")
      ->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{1} << 32).description("1024 to 2^32"));
  plan.add_option("--gpu-memory-cap", c.engine.device_memory_cap,
                  "CUDA: device memory the run may use, in bytes (smaller chunks; default: the "
                  "free memory)")
      ->envname("DCPLAN_CUDA_MEM_CAP_BYTES")
      ->check(CLI::Range(std::uint64_t{1} << 20, std::uint64_t{1} << 50)
                  .description("bytes, 1 MiB (2^20) to 1 PiB (2^50)"));
  plan.add_flag("--distinct", r.distinct,
                "List the best plan of each (site, system, sourcing) only, instead of one plan at "
                "several node counts and coolings: the table, the CSV and the JSON report's "
                "`plans` (same keys, and \"distinct\": true), and the HTML report's plans; the "
                "counts still cover every plan");
  plan.add_flag("--quiet,-q", r.quiet,
                "Print no table and no progress bar (outputs and errors only)");
  plan.add_flag("--no-pruning", c.engine.reference,
                "Evaluate every plan (one loop per combination of site, system, cooling, fabric "
                "and sourcing, as a CUDA block runs it) instead of counting decided ranges of node "
                "counts at once (same answer, slower)");
}

// `plan --portfolio` and its settings.
void add_portfolio_options(CLI::App& plan, plan_command& c) {
  plan.add_option("--milp", c.run.milp_path,
                  "With --portfolio: write the portfolio problem over the pool candidates as an "
                  "MILP in CPLEX LP format to PATH, for any MILP solver ('-' for standard "
                  "output); with a schedule block, the schedule problem over the reduced "
                  "candidate phases");
  plan.add_flag("--portfolio", c.run.portfolio,
                "Also find the cheapest portfolio (at most one plan per site and sourcing) "
                "meeting the target together, as target.portfolio: true does");
  plan.add_option("--curve-work-limit", c.portfolio.curve_work_limit,
                  "With --portfolio: how many partial portfolios the search for each cost-curve "
                  "point other than the target may examine; a point that reaches it reports its "
                  "best portfolio found and a proven lower bound, marked not proven (0: no "
                  "limit; the target's optimum is always proven)")
      ->default_val(kDefaultCurveWorkLimit);
  plan.add_option("--schedule-work-limit", c.schedule_work_limit,
                  "With a schedule block: how many search nodes the schedule search may examine; "
                  "a search that reaches it reports its best schedule found and a proven lower "
                  "bound, marked not proven (0: no limit)");
  plan.add_flag("--buildout", c.buildout,
                "Run the built-in multi-year build-out scenario (configs/buildout.yaml: demand "
                "growing over five years, a capex budget per year, announced hardware) instead of "
                "the default scenario; its search stops after 2,000 nodes (under a second) unless "
                "--schedule-work-limit says otherwise; docs/schedules.md");
  plan.add_option("--schedule-csv", c.schedule_csv,
                  "With a schedule block: write the chosen phases to PREFIX-phases.csv and the "
                  "year-by-year sums to PREFIX-periods.csv")
      ->option_text("PREFIX");
}

// A number option's check: `lo` (and whether `lo` itself is allowed), and the scale suffixes it
// takes ("5B" for 5e9 USD, "405B" parameters, "50E" FLOP/s). The value is rewritten as a plain
// number before CLI11 converts it; the help and the error state the range in words.
struct number_rule {
  double lo;
  bool lo_allowed;
  const char* suffixes; // e.g. "kMBT"; upper or lower case is accepted
};

double suffix_scale(char c) {
  switch (c) {
  case 'k':
    return 1e3;
  case 'm':
    return 1e6;
  case 'b':
  case 'g':
    return 1e9;
  case 't':
    return 1e12;
  case 'p':
    return 1e15;
  case 'e':
    return 1e18;
  default:
    return 0;
  }
}

std::string rule_text(const number_rule& r) {
  std::string t = fmt::format("{} {:g}", r.lo_allowed ? ">=" : ">", r.lo);
  if (*r.suffixes) {
    t += "; suffix";
    for (const char* c = r.suffixes; *c; ++c)
      t += fmt::format("{}{}", c == r.suffixes ? " " : "/", *c);
  }
  return t;
}

CLI::Validator number_check(const number_rule& r) {
  const std::string text = rule_text(r);
  return CLI::Validator(
      [r, text](std::string& s) -> std::string {
        const char* begin = s.c_str();
        char* end = nullptr;
        double x = std::strtod(begin, &end);
        double scale = 1;
        if (end != begin && *end != '\0' && end[1] == '\0') {
          const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(*end)));
          for (const char* k = r.suffixes; *k; ++k)
            if (std::tolower(static_cast<unsigned char>(*k)) == c) scale = suffix_scale(c);
          if (scale != 1) ++end;
        }
        if (end == begin || *end != '\0' || !std::isfinite(x))
          return fmt::format("'{}' is not a number (valid: a number {}, such as {})", s, text,
                             *r.suffixes ? "5e9 or 5B" : "30 or 2.5");
        x *= scale;
        if (!std::isfinite(x) || x < r.lo || (x == r.lo && !r.lo_allowed))
          return fmt::format("'{}' is out of range (valid: {})", s, text);
        s = fmt::format("{}", x);
        return std::string();
      },
      text);
}

// The overrides of the scenario's target and budgets.
void add_override_options(CLI::App& plan, scenario_overrides& o) {
  const char* group = "Target and budget overrides";
  const number_rule positive{0, false, ""}, non_negative{0, true, ""};
  const number_rule money{0, true, "kMBT"}, flops{0, false, "kMGTPE"}, count{0, false, "kMBT"};
  const auto number = [&](const char* name, std::optional<double>& v, const char* help,
                          const number_rule& rule) {
    plan.add_option(name, v, help)->transform(number_check(rule))->group(group);
  };
  number("--target-flops", o.target_flops,
         "Target: sustained effective FLOP/s (replaces the scenario's target); 50E = 5e19", flops);
  number(
      "--train-params", o.train_params,
      "Training target: active parameters (with --train-tokens and --train-days); 405B = 4.05e11",
      count);
  number("--train-tokens", o.train_tokens, "Training target: tokens; 15.6T = 1.56e13", count);
  number("--train-days", o.train_days, "Training target: days the job may take", positive);
  number("--train-flops-per-token", o.train_fpt,
         "Training target: FLOP per parameter and token (default 6)", positive);
  number("--deadline-months", o.deadline_months, "Deadline in months (test 7)", non_negative);
  number("--budget-capex", o.budget_capex, "Capital budget, USD; 5B = 5e9", money);
  number("--budget-tco", o.budget_tco, "TCO budget, USD; 9B = 9e9", money);
  number("--mtbf-hours", o.mtbf_hours,
         "Goodput: accelerator_mtbf_hours of the reliability block (training targets)", positive);
  number("--checkpoint-minutes", o.checkpoint_minutes,
         "Goodput: minutes the job stalls to write one checkpoint", positive);
  number("--restart-minutes", o.restart_minutes, "Goodput: minutes lost per failure", non_negative);
  plan.add_option("--serve", o.serve_model,
                  "Inference target: serve this model of configs/catalog/models.yaml (such as "
                  "llama-3.1-70b) at --tokens-per-second; systems without an mbu of their own "
                  "use mbu 0.6, an estimate (docs/inference.md)")
      ->group(group);
  number("--tokens-per-second", o.tokens_per_second,
         "Inference target: generated tokens per second to serve, all replicas; 2M = 2e6",
         number_rule{0, false, "kMB"});
  number("--max-ms-per-token", o.max_ms_per_token,
         "Inference target: bound on one decode step, ms between tokens", positive);
  number("--input-tokens", o.input_tokens,
         "Inference target: mean prompt tokens per request (--serve default 1024)", non_negative);
  number("--output-tokens", o.output_tokens,
         "Inference target: mean generated tokens per request (--serve default 256)",
         number_rule{1, true, ""});
  plan.add_option_function<std::string>(
          "--objective",
          [&o](const std::string& name) { o.obj = from_name(kObjectiveNames, name); },
          "Ranking objective")
      ->check(CLI::IsMember(names_of(kObjectiveNames)))
      ->group(group);
  plan.add_option_function<std::string>(
          "--precision",
          [&o](const std::string& name) { o.prec = from_name(kPrecisionNames, name); },
          "Compute precision")
      ->check(CLI::IsMember(names_of(kPrecisionNames)))
      ->group(group);
}

} // namespace

std::vector<std::string> backend_names() {
  std::vector<std::string> out;
  for (const backend_kind k : {backend_kind::automatic, backend_kind::cpu, backend_kind::cuda})
    out.push_back(backend_name(k));
  return out;
}

std::optional<backend_kind> backend_from_name(const std::string& name) {
  for (const backend_kind k : {backend_kind::automatic, backend_kind::cpu, backend_kind::cuda})
    if (name == backend_name(k)) return k;
  return std::nullopt;
}

CLI::App* add_plan_command(CLI::App& app, plan_command& c) {
  CLI::App* plan =
      app.add_subcommand("plan", "Evaluate every plan of a scenario and rank the feasible ones");
  add_run_options(*plan, c);
  add_portfolio_options(*plan, c);
  add_override_options(*plan, c.overrides);
  plan->footer(std::string(kPlanExamples) + kExitCodes);
  return plan;
}

CLI::App* add_sensitivity_command(CLI::App& app, sensitivity_command& c) {
  CLI::App* sens = app.add_subcommand(
      "sensitivity",
      "Re-run the plan search with each uncertain input at its p10 and p90 (a tornado)");
  sens->add_option("scenario", c.scenario_path, "Scenario YAML file with an uncertainty block")
      ->required();
  sens->add_option("--json", c.json_path,
                   "Write the JSON report to PATH ('-' for standard output)");
  add_backend_option(*sens, c.backend);
  sens->add_option("--threads", c.engine.threads, "CPU threads (default: every core)")
      ->check(CLI::Range(1, 4096));
  sens->footer("Example:\n  dcplan sensitivity scenario.yaml --json - | jq '.inputs[0]'");
  return sens;
}

CLI::App* add_validate_command(CLI::App& app, validate_command& c) {
  CLI::App* validate = app.add_subcommand("validate", "Check a scenario file without planning");
  validate->add_option("scenario", c.scenario_path, "Scenario YAML file")->required();
  validate->footer("Example:\n  dcplan validate scenario.yaml\n"
                   "Exit code 0 when valid, 2 with a located message otherwise.");
  return validate;
}

CLI::App* add_explain_command(CLI::App& app, explain_command& c) {
  CLI::App* explain = app.add_subcommand(
      "explain", "Evaluate one plan and show each figure with its formula and inputs");
  explain
      ->add_option("scenario", c.scenario_path,
                   "Scenario YAML file ('default' for the built-in one)")
      ->required();
  explain
      ->add_option("--plan", c.plan,
                   "site=S,system=A,cooling=C,fabric=F,sourcing=build|colo|cloud,nodes=N "
                   "(cloud: cooling=-)")
      ->required();
  explain->add_option("--json", c.json_path,
                      "Write the plan record as JSON to PATH ('-' for standard output)");
  explain->footer("Example:\n  dcplan explain scenario.yaml --plan site=us-va,system=dgx-h100,"
                  "cooling=air,fabric=ib-ndr,sourcing=build,nodes=512");
  return explain;
}

CLI::App* add_catalog_command(CLI::App& app, catalog_command& c) {
  CLI::App* catalog = app.add_subcommand(
      "catalog", "List the built-in catalog: key figures and the source of every entry");
  catalog->add_option("list", c.list, "One list only")
      ->check(CLI::IsMember({"accelerators", "systems", "sites", "cooling", "fabrics"}));
  catalog->add_option("--json", c.json_path,
                      "Write every field of every entry as JSON to PATH ('-' for standard "
                      "output)");
  catalog->footer("Examples:\n  dcplan catalog\n  dcplan catalog systems\n"
                  "  dcplan catalog --json - | jq '.sites[] | {id, energy_usd_per_kwh, source}'");
  return catalog;
}

} // namespace dcplan::cli
