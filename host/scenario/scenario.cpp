// Scenario-wide constants and names (MODEL.md "Figures of a plan", "Feasibility").
#include <cmath>
#include <string>
#include <utility>

#include "dcplan/model/errors.hpp"
#include "dcplan/scenario/scenario.hpp"

namespace dcplan {

globals_rec scenario::globals() const {
  globals_rec g{};
  g.prec = static_cast<int>(prec);
  g.obj = static_cast<int>(obj);
  g.training = training.has_value();
  if (training) {
    const training_target& t = *training;
    // MODEL.md "Feasibility", test 6: flops_per_token * active_params * tokens / (days * 86400).
    g.total_flops = t.flops_per_token * t.active_params * t.tokens;
    g.required_effective_flops = t.flops_per_token * t.active_params * t.tokens / (t.days * 86400);
    g.training_months = t.days / 30.4375;
  } else if (target_effective_flops) {
    g.required_effective_flops = *target_effective_flops;
  }
  g.has_target = obj != objective::effective_flops;
  if (!g.has_target) g.required_effective_flops = 0;
  g.inference = inference.has_value();
  if (inference) {
    // MODEL.md "Inference targets": the prefixes of its formulas that every plan shares, in
    // MODEL.md's order of operations; required_effective_flops reports 0.
    const inference_target& t = *inference;
    const double bytes = t.bytes_per_param.value_or(prec == precision::fp8 ? 1.0 : 2.0);
    g.required_effective_flops = 0;
    g.inf_tokens_per_second = t.tokens_per_second;
    g.inf_weights = t.total_params * bytes;
    const double kv = t.kv_bytes_per_token.value_or(t.kv_values_per_token * bytes);
    g.inf_kv_seq = kv * (t.input_tokens + t.output_tokens / 2);
    g.inf_flops_per_token =
        2 * t.active_params * (t.input_tokens + t.output_tokens) / t.output_tokens;
    g.inf_usable_hbm = t.usable_hbm;
    g.inf_max_batch = t.max_batch;
    g.inf_has_latency = t.max_ms_per_token.has_value();
    g.inf_max_s_per_token = t.max_ms_per_token.value_or(0) / 1000;
    g.inf_tp_scaling_k = t.tp_scaling_k;
    g.inf_mbu = t.mbu.value_or(0);
    g.inf_has_serving_mfu = t.serving_mfu.has_value();
    g.inf_serving_mfu = t.serving_mfu.value_or(0);
  }
  g.has_deadline = deadline_months.has_value();
  g.deadline_months = deadline_months.value_or(0);
  g.has_year = year.has_value();
  g.year = year.value_or(0);
  g.has_budget_capex = budget_capex_usd.has_value();
  g.budget_capex_usd = budget_capex_usd.value_or(0);
  g.has_budget_tco = budget_tco_usd.has_value();
  g.budget_tco_usd = budget_tco_usd.value_or(0);
  g.horizon_years = horizon_years;
  g.discount_rate = discount_rate;
  g.utilization = utilization;
  g.maintenance_rate = maintenance_rate;
  g.staff_usd_per_mw_year = staff_usd_per_mw_year;
  g.build_usd_per_mw_it = build_usd_per_mw_it;
  g.construction_months = construction_months;
  g.facility_life_years = facility_life_years;
  g.rack_usd = rack_usd;
  g.rack_units = rack_units;
  // MODEL.md: annuity = (1 - (1 + r)^-H) / r (H when r = 0);
  // residual = fac_capex * max(0, 1 - H / facility_life_years) * (1 + r)^-H.
  const double r = discount_rate, H = horizon_years;
  g.annuity = r == 0 ? H : (1 - std::pow(1 + r, -H)) / r;
  g.discount_h = std::pow(1 + r, -H);
  const double life = 1 - H / facility_life_years;
  g.residual_life = life > 0 ? life : 0.0;
  g.node_step = node_step;
  g.has_reliability = reliab.has_value() && training.has_value();
  if (g.has_reliability) {
    g.accelerator_mtbf_hours = reliab->accelerator_mtbf_hours;
    g.checkpoint_minutes = reliab->checkpoint_minutes;
    g.restart_minutes = reliab->restart_minutes;
  }
  return g;
}

namespace {
// MODEL.md "Inference targets": the rules that involve the rest of the scenario, checked again
// after command-line overrides; each error is located at the entry it names.
void validate_inference(const scenario& sc) {
  const auto fail = [&](const char* field, const std::string& what) {
    throw input_error(sc.file, 0, 0, field, what);
  };
  if (sc.target_effective_flops || sc.training)
    fail("target", "give one target: effective_flops, training or inference, not several");
  if (sc.obj == objective::effective_flops)
    fail("objective", "an inference target is a rate to serve; the effective_flops objective has "
                      "no target (MODEL.md \"Inference targets\"); valid with inference: tco, "
                      "capex, ready_months, carbon, p90_tco, cvar95_tco");
  if (sc.portfolio)
    fail("target.portfolio", "an inference target is not a portfolio target (MODEL.md "
                             "\"Inference targets\"): remove portfolio: true");
  if (sc.reliab)
    fail("reliability", "a reliability block applies to training targets only, not to an "
                        "inference target (MODEL.md \"Inference targets\"): remove the block");
  if (sc.schedule)
    fail("schedule", "a schedule does not take an inference target (MODEL.md \"Inference "
                     "targets\"): remove target.inference or the schedule");
  for (std::size_t i = 0; i < sc.accelerators.size(); ++i) {
    const accelerator_rec& a = sc.accelerators[i];
    const entry_meta& m = sc.accelerator_meta[i];
    for (const auto& [name, x] : {std::pair<const char*, double>{"hbm_gb", a.hbm_gb},
                                  std::pair<const char*, double>{"hbm_tbps", a.hbm_tbps}})
      if (!(x > 0))
        throw input_error(m.loc.file, m.loc.line, m.loc.column, "accelerators." + m.id + "." + name,
                          std::string(name) + " is " + std::to_string(x) +
                              "; an inference target needs hbm_gb > 0 and hbm_tbps > 0 for "
                              "every accelerator (MODEL.md \"Inference targets\")");
  }
  if (!sc.inference->mbu)
    for (std::size_t i = 0; i < sc.systems.size(); ++i)
      if (!(sc.systems[i].mbu > 0)) {
        const entry_meta& m = sc.system_meta[i];
        throw input_error(m.loc.file, m.loc.line, m.loc.column, "target.inference.mbu",
                          "missing mbu: system '" + m.id +
                              "' has no mbu of its own; give target.inference.mbu (0 < mbu <= 1) "
                              "or an mbu for every system");
      }
}
} // namespace

void validate_scenario(const scenario& sc) {
  if (sc.inference) validate_inference(sc);
  if (!sc.target_effective_flops && !sc.training && !sc.inference &&
      sc.obj != objective::effective_flops && !sc.schedule)
    throw input_error(sc.file, 0, 0, "target",
                      "no target: give target.effective_flops, target.training or "
                      "target.inference (or --serve, "
                      "--target-flops / --train-params, --train-tokens, --train-days)");
  if ((sc.obj == objective::p90_tco || sc.obj == objective::cvar95_tco) && !sc.uncert)
    throw input_error(sc.file, 0, 0, "objective",
                      std::string("'") + to_string(sc.obj) + "' needs an uncertainty block");
  if (sc.target_effective_flops && sc.training)
    throw input_error(sc.file, 0, 0, "target",
                      "give either an effective_flops target or a training target, not both");
  if (sc.reliab && !sc.training)
    throw input_error(sc.file, 0, 0, "reliability",
                      sc.target_effective_flops
                          ? "a reliability block applies to training targets only; an "
                            "effective_flops target is sustained compute with failures already "
                            "counted (MODEL.md \"Goodput\"): remove the block or give a training "
                            "target"
                          : "a reliability block applies to training targets only (MODEL.md "
                            "\"Goodput\"): give target.training or remove the block");
}

namespace {
// The name of `v` in `table`; the table's first name for a value outside it.
template <class E, std::size_t N>
const char* name_in(const enum_name<E> (&table)[N], E v) {
  for (const enum_name<E>& x : table)
    if (x.value == v) return x.name;
  return table[0].name;
}
} // namespace

const char* to_string(objective o) { return name_in(kObjectiveNames, o); }
const char* to_string(precision p) { return name_in(kPrecisionNames, p); }
const char* to_string(sourcing m) { return name_in(kSourcingNames, m); }

std::string portfolio_ineligibility(const scenario& sc, std::string* field, bool complete) {
  const auto no = [field](const char* f, std::string why) {
    *field = f;
    return why;
  };
  if (sc.training)
    return no("target.portfolio", "a training target is one cluster and never a portfolio; give "
                                  "target.effective_flops for a fleet");
  if (sc.obj == objective::ready_months)
    return no("objective", std::string("the ") + to_string(sc.obj) +
                               " objective does not sum over a portfolio; valid for portfolios: "
                               "tco, capex, carbon, effective_flops");
  if (!complete) return "";
  if (sc.obj == objective::effective_flops) {
    // The most FLOP/s within the budgets, so a budget must bound it.
    if (!sc.budget_capex_usd && !sc.budget_tco_usd)
      return no("budget", "a portfolio under the effective_flops objective maximises FLOP/s "
                          "within the budgets: give budget.capex_usd or budget.tco_usd (or both)");
    return "";
  }
  if (!sc.target_effective_flops)
    return no("target.effective_flops",
              "a portfolio needs a fleet target: give target.effective_flops");
  return "";
}

const char* reason_name(int r) {
  static const char* names[kReasonCount] = {"feasible", "year",   "cooling",  "rack",   "fabric",
                                            "power",    "target", "deadline", "budget", "replica"};
  return r >= 0 && r < kReasonCount ? names[r] : "?";
}

} // namespace dcplan
