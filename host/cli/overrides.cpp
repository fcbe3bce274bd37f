// The command line's overrides of a scenario's target, deadline and budgets.
#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "dcplan/model/errors.hpp"

namespace dcplan::cli {
namespace {

// --train-params, --train-tokens and --train-days (and --train-flops-per-token) as a target.
void apply_training(scenario &sc, const scenario_overrides &o) {
  if (!o.train_params || !o.train_tokens || !o.train_days)
    throw input_error("command line", 0, 0, "--train-params",
                      "a training target needs --train-params, --train-tokens and --train-days "
                      "together");
  if (o.target_flops)
    throw input_error("command line", 0, 0, "--target-flops",
                      "give either --target-flops or a training target (--train-...), not both");
  training_target t;
  t.active_params = *o.train_params;
  t.tokens = *o.train_tokens;
  t.days = *o.train_days;
  t.flops_per_token = o.train_fpt.value_or(6.0);
  sc.training = t;
  sc.target_effective_flops.reset();
}

// --mtbf-hours, --checkpoint-minutes and --restart-minutes: each replaces its field of the
// scenario's reliability block; without a block, the three together create one.
void apply_reliability(scenario &sc, const scenario_overrides &o) {
  if (!sc.reliab && !(o.mtbf_hours && o.checkpoint_minutes && o.restart_minutes))
    throw input_error("command line", 0, 0, "--mtbf-hours",
                      "the scenario has no reliability block: give --mtbf-hours, "
                      "--checkpoint-minutes and --restart-minutes together to add one");
  reliability r = sc.reliab.value_or(reliability{});
  if (o.mtbf_hours) r.accelerator_mtbf_hours = *o.mtbf_hours;
  if (o.checkpoint_minutes) r.checkpoint_minutes = *o.checkpoint_minutes;
  if (o.restart_minutes) r.restart_minutes = *o.restart_minutes;
  sc.reliab = r;
}

} // namespace

void apply_overrides(scenario &sc, const scenario_overrides &o) {
  if (o.train_params || o.train_tokens || o.train_days || o.train_fpt) apply_training(sc, o);
  if (o.target_flops) {
    sc.target_effective_flops = *o.target_flops;
    sc.training.reset();
  }
  if (o.deadline_months) {
    sc.deadline_months = *o.deadline_months;
    // The file's deadline, and its warning, are replaced.
    sc.warnings.erase(
        std::remove_if(sc.warnings.begin(), sc.warnings.end(),
                       [](const input_warning &w) { return w.field == "target.deadline_months"; }),
        sc.warnings.end());
    if (*o.deadline_months > 120)
      sc.warnings.push_back(
          {"target.deadline_months", "--deadline-months: " + deadline_warning(*o.deadline_months)});
  }
  if (o.mtbf_hours || o.checkpoint_minutes || o.restart_minutes) apply_reliability(sc, o);
  if (o.budget_capex) sc.budget_capex_usd = *o.budget_capex;
  if (o.budget_tco) sc.budget_tco_usd = *o.budget_tco;
  if (o.obj) sc.obj = *o.obj;
  if (o.prec) sc.prec = *o.prec;
  validate_scenario(sc);
  // MODEL.md "Scenario file": implausible values run, with a warning on standard error.
  for (const input_warning &w : sc.warnings) std::cerr << "dcplan: warning: " << w.message << "\n";
}

} // namespace dcplan::cli
