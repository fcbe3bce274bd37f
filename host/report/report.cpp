// Reports of a planning run (MODEL.md "What a planning run reports").
#include "dcplan/report/report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "dcplan/report/plan_analysis.hpp"

namespace dcplan {

namespace {

nlohmann::ordered_json num(double x) {
  if (std::isnan(x)) return nullptr;
  return x;
}

nlohmann::ordered_json count(double x) {
  if (std::isnan(x)) return nullptr;
  // A whole number below 2^64 is written as an integer; a larger one (only `explain` of a plan
  // outside the space reaches one) stays a double rather than overflow the conversion.
  if (x >= 0 && x < 18446744073709551616.0) return static_cast<std::uint64_t>(x);
  return x;
}

} // namespace

nlohmann::ordered_json plan_record(const scenario& sc, const plan_ref& ref, const plan_figures& f) {
  nlohmann::ordered_json j;
  j["site"] = sc.site_meta[ref.site].id;
  j["system"] = sc.system_meta[ref.system].id;
  j["cooling"] = ref.cooling < 0 ? std::string("-") : sc.cooling_meta[ref.cooling].id;
  j["fabric"] = sc.fabric_meta[ref.fabric].id;
  j["sourcing"] = to_string(static_cast<sourcing>(ref.sourcing));
  j["nodes"] = count(f.nodes);
  j["accelerators"] = count(f.accelerators);
  j["racks"] = count(f.racks);
  j["tiers"] = count(f.tiers);
  j["it_kw"] = num(f.it_kw);
  j["facility_kw"] = num(f.facility_kw);
  j["capex_usd"] = num(f.capex);
  j["opex_usd_per_year"] = num(f.opex_usd_per_year);
  j["tco_usd"] = num(f.tco);
  j["effective_flops"] = num(f.effective_flops);
  j["ready_months"] = num(f.ready_months);
  j["tco2_per_year"] = num(f.tco2_per_year);
  j["usd_per_pflop_day"] = num(f.usd_per_pflop_day);
  if (sc.training) {
    j["job_days"] = num(f.job_days);
    j["accelerator_hours"] = num(f.accelerator_hours);
    j["job_energy_mwh"] = num(f.job_energy_mwh);
    j["job_tco2"] = num(f.job_tco2);
    j["job_cost_usd"] = num(f.job_cost_usd);
    if (sc.reliab) { // MODEL.md "Goodput"
      j["goodput"] = num(f.goodput);
      j["checkpoint_interval_minutes"] = num(f.checkpoint_interval_minutes);
      j["expected_interruptions"] = num(f.expected_interruptions);
    }
  }
  if (sc.inference) { // MODEL.md "Inference targets": null where no replica is kept
    j["replica_accelerators"] = count(f.replica_accelerators);
    j["replicas"] = count(f.replicas);
    j["batch"] = count(f.batch);
    j["tokens_per_second"] = num(f.tokens_per_second);
    j["ms_per_token"] = num(f.ms_per_token);
    j["usd_per_million_tokens"] = num(f.usd_per_million_tokens);
  }
  return j;
}

nlohmann::ordered_json risk_json(const risk_figures& r) {
  nlohmann::ordered_json j;
  j["mean_tco"] = num(r.mean_tco);
  j["p10_tco"] = num(r.p10_tco);
  j["p50_tco"] = num(r.p50_tco);
  j["p90_tco"] = num(r.p90_tco);
  j["cvar95_tco"] = num(r.cvar95_tco);
  j["p_meets_target"] = num(r.p_meets_target);
  j["p_meets_deadline"] = num(r.p_meets_deadline); // null without a deadline
  return j;
}

namespace {

/// `text`, a value's dump(1) at the top level, as it stands one level in: a JSON text holds a
/// newline only between tokens (strings escape theirs), so each one gains a space of indent.
std::string one_level_in(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (const char ch : text) {
    out += ch;
    if (ch == '\n') out += ' ';
  }
  return out;
}

} // namespace

std::string render_frontier_json(const scenario& sc, const plan_space& sp,
                                 const std::vector<frontier_point>& pts) {
  return frontier_json_text(sc, sp, pts, 1);
}

bool frontier_rendered_ahead(const engine_result& r, const run_info& info) {
  const rendered_frontier* f = info.frontier_ahead;
  return r.has_frontier && f && f->points.size() == r.frontier.size() &&
         std::equal(f->points.begin(), f->points.end(), r.frontier.begin(),
                    [](const frontier_point& x, const frontier_point& y) {
                      return x.index == y.index && x.tco == y.tco && x.eff == y.eff &&
                             x.capex == y.capex;
                    });
}

std::string report_text(const nlohmann::ordered_json& j, const engine_result& r,
                        const run_info& info) {
  if (!frontier_rendered_ahead(r, info) || !j.contains("frontier")) return j.dump(1);
  // dump(1) of an object, member by member: "{", then each key and value one level in, "}".
  std::string out = "{";
  out.reserve(info.frontier_ahead->text.size() + (std::size_t{1} << 16));
  bool first = true;
  for (auto it = j.begin(); it != j.end(); ++it) {
    out += first ? "\n " : ",\n ";
    first = false;
    out += nlohmann::ordered_json(it.key()).dump();
    out += ": ";
    out += it.key() == "frontier" ? info.frontier_ahead->text : one_level_in(it.value().dump(1));
  }
  out += "\n}";
  return out;
}

nlohmann::ordered_json run_json(const scenario& sc, const plan_space& sp, const engine_result& r,
                                const run_info& info) {
  const globals_rec g = sc.globals();
  nlohmann::ordered_json j;
  j["model_version"] = 2;
  j["backend"] = backend_name(r.backend);
  j["plans_evaluated"] = r.plans_evaluated;
  j["plans_feasible"] = r.counts[feasible];
  j["required_effective_flops"] = g.required_effective_flops;
  if (sc.inference) j["required_tokens_per_second"] = g.inf_tokens_per_second;
  nlohmann::ordered_json plans = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < r.top.size(); ++i) {
    const plan_ref ref = plan_of_index(sp, r.top[i].index);
    nlohmann::ordered_json rec;
    rec["rank"] = i + 1;
    rec.update(plan_record(sc, ref, evaluate_ref(sc, ref)));
    if (i < info.risk.size()) rec["risk"] = risk_json(info.risk[i]);
    rec["binding"] = binding_constraint(sc, ref); // extension: docs/report.md
    plans.push_back(std::move(rec));
  }
  j["plans"] = std::move(plans);
  nlohmann::ordered_json reasons;
  for (int k = 1; k < kReasonCount; ++k) reasons[reason_name(k)] = r.counts[k];
  j["infeasible_by_reason"] = std::move(reasons);
  // Extensions (MODEL.md allows added fields).
  j["objective"] = to_string(sc.obj);
  nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
  for (const input_warning& w : sc.warnings) warnings.push_back(w.message);
  j["warnings"] = std::move(warnings); // MODEL.md "Scenario file": implausible values
  j["precision"] = to_string(sc.prec);
  if (r.has_frontier) { // docs/report.md "The cost frontier"
    j["frontier_points_total"] = r.frontier.size();
    if (frontier_rendered_ahead(r, info))
      j["frontier"] = nullptr; // report_text writes the text rendered ahead here
    else
      j["frontier"] = frontier_json(sc, sp, r.frontier);
  }
  if (r.counts[feasible] == 0) {
    if (r.has_closest) {
      const plan_ref ref = plan_of_index(sp, r.closest_index);
      const plan_figures f = evaluate_ref(sc, ref);
      nlohmann::ordered_json c = plan_record(sc, ref, f);
      c["reason"] = reason_name(f.reason);
      j["closest"] = std::move(c);
    } else {
      j["closest"] = nullptr;
    }
  }
  nlohmann::ordered_json t;
  t["seconds"] = info.seconds;
  t["plans_per_second"] =
      info.seconds > 0 ? static_cast<double>(r.plans_evaluated) / info.seconds : 0.0;
  t["threads"] = r.threads;
  if (sc.uncert) t["risk_seconds"] = info.risk_seconds;
  if (!r.device.empty()) t["device"] = r.device;
  j["timing"] = std::move(t);
  return j;
}

} // namespace dcplan
