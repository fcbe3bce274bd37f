// The command line's overrides of a scenario's target, deadline and budgets.
#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "dcplan/model/errors.hpp"

namespace dcplan::cli {
namespace {

// --train-params, --train-tokens and --train-days (and --train-flops-per-token) as a target.
void apply_training(scenario& sc, const scenario_overrides& o) {
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
void apply_reliability(scenario& sc, const scenario_overrides& o) {
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

// docs/inference.md: the share of peak HBM bandwidth a decode step reaches when neither the
// target nor a system gives one. An estimate: serving engines reach about 50-70% of peak HBM
// bandwidth in memory-bound decode (the model bandwidth utilisation of Databricks, "LLM
// Inference Performance Engineering: Best Practices", 2023); 0.6 is the middle of that range.
constexpr double kServeDefaultMbu = 0.6;

// --serve MODEL makes an inference target from the model catalog (replacing the scenario's
// target); --tokens-per-second, --max-ms-per-token, --input-tokens and --output-tokens then set
// its fields, or those of the scenario's own inference target.
void apply_inference(scenario& sc, const scenario_overrides& o) {
  if (o.serve_model) {
    if (!o.tokens_per_second)
      throw input_error("command line", 0, 0, "--serve",
                        "--serve needs --tokens-per-second (generated tokens/s to serve)");
    if (o.target_flops || o.train_params)
      throw input_error("command line", 0, 0, "--serve",
                        "give one target: --serve, --target-flops or --train-params, not several");
    inference_target t;
    fill_from_model(t, *o.serve_model, "command line");
    t.input_tokens = 1024; // defaults of --serve (docs/inference.md)
    t.output_tokens = 256;
    sc.inference = t;
    sc.target_effective_flops.reset();
    sc.training.reset();
    sc.reliab.reset();
  }
  if (!sc.inference)
    throw input_error("command line", 0, 0, "--tokens-per-second",
                      "the scenario has no inference target: give --serve MODEL (a model of "
                      "configs/catalog/models.yaml) or target.inference in the scenario");
  inference_target& t = *sc.inference;
  if (o.tokens_per_second) t.tokens_per_second = *o.tokens_per_second;
  if (o.max_ms_per_token) t.max_ms_per_token = *o.max_ms_per_token;
  if (o.input_tokens) t.input_tokens = *o.input_tokens;
  if (o.output_tokens) t.output_tokens = *o.output_tokens;
  // Without an mbu of the target's, systems that have none of their own take the default.
  if (!t.mbu && std::any_of(sc.systems.begin(), sc.systems.end(),
                            [](const system_rec& s) { return !(s.mbu > 0); }))
    t.mbu = kServeDefaultMbu;
}

} // namespace

void apply_overrides(scenario& sc, const scenario_overrides& o) {
  if (o.train_params || o.train_tokens || o.train_days || o.train_fpt) apply_training(sc, o);
  if (o.target_flops) {
    sc.target_effective_flops = *o.target_flops;
    sc.training.reset();
    sc.inference.reset();
  }
  if (o.train_params) sc.inference.reset();
  if (o.serve_model || o.tokens_per_second || o.max_ms_per_token || o.input_tokens ||
      o.output_tokens)
    apply_inference(sc, o);
  if (o.deadline_months) {
    sc.deadline_months = *o.deadline_months;
    // The file's deadline, and its warning, are replaced.
    sc.warnings.erase(
        std::remove_if(sc.warnings.begin(), sc.warnings.end(),
                       [](const input_warning& w) { return w.field == "target.deadline_months"; }),
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
  for (const input_warning& w : sc.warnings) std::cerr << "dcplan: warning: " << w.message << "\n";
}

} // namespace dcplan::cli
