// The command line's overrides of a scenario's target, deadline and budgets.
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

} // namespace

void apply_overrides(scenario &sc, const scenario_overrides &o) {
  if (o.train_params || o.train_tokens || o.train_days || o.train_fpt) apply_training(sc, o);
  if (o.target_flops) {
    sc.target_effective_flops = *o.target_flops;
    sc.training.reset();
  }
  if (o.deadline_months) sc.deadline_months = *o.deadline_months;
  if (o.budget_capex) sc.budget_capex_usd = *o.budget_capex;
  if (o.budget_tco) sc.budget_tco_usd = *o.budget_tco;
  if (o.obj) sc.obj = *o.obj;
  if (o.prec) sc.prec = *o.prec;
  validate_scenario(sc);
}

} // namespace dcplan::cli
