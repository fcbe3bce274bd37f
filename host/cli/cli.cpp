// dcplan's command line: the subcommands (options.cpp), parsing, and one exit code per outcome.
#include "dcplan/cli/cli.hpp"

#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "dcplan/dist/distributed.hpp"
#include "dcplan/model/errors.hpp"

namespace dcplan {
namespace {

const char* const kExamples =
    "Examples:\n"
    "  dcplan plan                      plan the built-in default scenario\n"
    "  dcplan plan my.yaml --json out.json --top 20\n"
    "  dcplan validate my.yaml\n"
    "  dcplan explain my.yaml --plan site=us-va,system=dgx-h100,cooling=air,"
    "fabric=ib-ndr,sourcing=build,nodes=1000\n\n";

// Every subcommand's options, bound on one App (in the order `dcplan --help` lists them).
struct commands {
  cli::plan_command plan;
  cli::validate_command validate;
  cli::explain_command explain;
  cli::catalog_command catalog;
  cli::sensitivity_command sensitivity;
  CLI::App *plan_app, *validate_app, *explain_app, *catalog_app, *sensitivity_app;

  explicit commands(CLI::App& app)
      : plan_app(cli::add_plan_command(app, plan)),
        validate_app(cli::add_validate_command(app, validate)),
        explain_app(cli::add_explain_command(app, explain)),
        catalog_app(cli::add_catalog_command(app, catalog)),
        sensitivity_app(cli::add_sensitivity_command(app, sensitivity)) {}
};

// Runs the parsed subcommand. Under MPI only `plan` is shared out; rank 0 alone runs the others,
// and a rank that fails ends every rank (never a partial answer from some ranks).
int dispatch(commands& c, const std::atomic<bool>* cancel) {
  if (c.plan_app->parsed()) {
    c.plan.run.format_given = c.plan_app->count("--format") > 0;
    if (!dist::distributed()) return cli::run_plan_command(c.plan, cancel);
    try {
      return cli::run_plan_command(c.plan, cancel);
    } catch (...) {
      dist::abort_on(std::current_exception());
    }
  }
  if (dist::this_world().rank != 0) return exit_ok;
  if (c.sensitivity_app->parsed()) return cli::run_sensitivity_command(c.sensitivity, cancel);
  if (c.validate_app->parsed()) return cli::run_validate_command(c.validate);
  if (c.catalog_app->parsed()) return cli::run_catalog_command(c.catalog);
  if (c.explain_app->parsed()) return cli::run_explain_command(c.explain);
  return exit_internal;
}

} // namespace

int run_cli(int argc, char** argv, const std::atomic<bool>* cancel) {
  CLI::App app{"dcplan: plan AI data-center build-outs; evaluates every candidate plan (site, "
               "sourcing, system, cooling, fabric, size) and ranks those that meet the target."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "dcplan 0.1.0 (model version 1)");
  app.footer(std::string(kExamples) + cli::kExitCodes);
  commands c(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_bad_input;
  }
  try {
    return dispatch(c, cancel);
  } catch (...) {
    std::string message;
    const int code = exit_code_of(std::current_exception(), &message);
    std::cerr << "dcplan: " << message << "\n";
    return code;
  }
}

} // namespace dcplan
