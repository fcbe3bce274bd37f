// MODEL.md "One plan, explained": one plan's figures, each with its formula and inputs.
#include "dcplan/report/explain.hpp"

#include <cmath>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "dcplan/model/errors.hpp"

namespace dcplan {
namespace {

int find_id(const std::vector<entry_meta>& list, const std::string& id, const std::string& field) {
  for (std::size_t i = 0; i < list.size(); ++i)
    if (list[i].id == id) return static_cast<int>(i);
  std::string valid;
  for (const auto& m : list) valid += (valid.empty() ? "" : ", ") + m.id;
  throw input_error("--plan", 0, 0, field, "'" + id + "' is not known (valid: " + valid + ")");
}

// An input or figure as a person reads it: whole numbers under 1e9 in full ("512", "350000"),
// others to six significant digits ("1.12", not "1.1199999999999999"; "9.89e+14").
std::string v(double x) {
  if (std::isnan(x)) return "n/a";
  if (x == std::floor(x) && std::fabs(x) < 1e9) return fmt::format("{:.0f}", x);
  return fmt::format("{:.6g}", x);
}

// A figure in USD, kW or FLOP/s in its unit ("$1.23B", "67.9 MW", "9.8 EFLOP/s").
std::string usd(double x) { return human_usd(x); }
std::string kw(double x) { return human_power_kw(x); }

// MODEL.md "Feasibility": the limit test `t` puts on plan `p`, both sides with their units
// ("67.9 MW > 60 MW colo offer").
std::string broken_limit(const scenario& sc, const plan_ref& p, const plan_figures& f, int t) {
  const globals_rec g = sc.globals();
  const site_rec& s = sc.sites[p.site];
  const system_rec& a = sc.systems[p.system];
  const auto m = static_cast<sourcing>(p.sourcing);
  switch (t) {
  case reason_year:
    return fmt::format("accelerator available in {} > target year {}",
                       sc.accelerators[a.accelerator].available_year, g.year);
  case reason_cooling:
    return fmt::format("cooling '{}' rank {} < rank {} of the system's minimum '{}'",
                       sc.cooling_meta[p.cooling].id, v(sc.cooling[p.cooling].rank),
                       v(sc.cooling[a.min_cooling].rank), sc.cooling_meta[a.min_cooling].id);
  case reason_rack:
    return fmt::format("0 nodes per rack: a node draws {} and takes {} U; a rack holds {} "
                       "(max_rack_kw) and {} U",
                       kw(a.node_power_kw), v(a.node_rack_units),
                       kw(sc.cooling[p.cooling].max_rack_kw), v(g.rack_units));
  case reason_fabric: {
    const double radix = sc.fabrics[p.fabric].radix;
    return fmt::format("{} accelerators > {}, the most 3 tiers of radix {} connect (radix^3 / 4)",
                       grouped(f.accelerators), grouped(radix * radix * radix / 4), v(radix));
  }
  case reason_power:
    if (m == sourcing::build)
      return fmt::format("facility {} > {} grid of site {}", kw(f.facility_kw),
                         kw(s.grid_mw * 1000), sc.site_meta[p.site].id);
    if (m == sourcing::colo)
      return fmt::format("IT load {} > {} colo offer", kw(f.it_kw), kw(s.colo_available_mw * 1000));
    return fmt::format("{} accelerators > {} cloud quota (max_accelerators)",
                       grouped(f.accelerators), grouped(s.cloud_max_accelerators));
  case reason_target:
    if (g.inference)
      return fmt::format("{} tokens/s < {} tokens/s required", grouped(f.tokens_per_second),
                         grouped(g.inf_tokens_per_second));
    return fmt::format("effective {} < {} required", human_flops(f.effective_flops),
                       human_flops(g.required_effective_flops));
  case reason_deadline:
    if (g.training)
      return fmt::format("ready {} months + training {} months = {} months > deadline {} months",
                         v(f.ready_months), v(g.training_months),
                         v(f.ready_months + g.training_months), v(g.deadline_months));
    return fmt::format("ready in {} months > deadline {} months", v(f.ready_months),
                       v(g.deadline_months));
  case reason_budget:
    if (g.has_budget_capex && f.capex > g.budget_capex_usd)
      return fmt::format("capex {} > capex budget {}", usd(f.capex), usd(g.budget_capex_usd));
    return fmt::format("TCO {} > TCO budget {}", usd(f.tco), usd(g.budget_tco_usd));
  case reason_replica:
    return "no replica of the model fits in one scale-up domain and meets the latency bound";
  default:
    return "";
  }
}

} // namespace

plan_ref parse_plan_spec(const scenario& sc, const std::string& spec) {
  std::map<std::string, std::string> kv;
  std::stringstream ss(spec);
  std::string part;
  while (std::getline(ss, part, ',')) {
    const auto eq = part.find('=');
    if (eq == std::string::npos)
      throw input_error("--plan", 0, 0, part,
                        "expected key=value; e.g. site=us-va,system=dgx-h100,cooling=air,"
                        "fabric=ib-ndr,sourcing=build,nodes=100");
    const std::string k = part.substr(0, eq), val = part.substr(eq + 1);
    if (k != "site" && k != "system" && k != "cooling" && k != "fabric" && k != "sourcing" &&
        k != "nodes")
      throw input_error("--plan", 0, 0, k,
                        "unknown key (valid: site, system, cooling, fabric, sourcing, nodes)");
    if (kv.count(k)) throw input_error("--plan", 0, 0, k, "given twice");
    kv[k] = val;
  }
  for (const char* k : {"site", "system", "fabric", "sourcing", "nodes"})
    if (!kv.count(k)) throw input_error("--plan", 0, 0, k, std::string("missing '") + k + "=...'");
  plan_ref p;
  p.site = find_id(sc.site_meta, kv["site"], "site");
  p.system = find_id(sc.system_meta, kv["system"], "system");
  p.fabric = find_id(sc.fabric_meta, kv["fabric"], "fabric");
  const std::string m = kv["sourcing"];
  const std::optional<sourcing> mode = from_name(kSourcingNames, m);
  if (!mode)
    throw input_error("--plan", 0, 0, "sourcing",
                      "'" + m + "' is not valid (valid: " + name_list(kSourcingNames) + ")");
  p.sourcing = static_cast<int>(*mode);
  if (p.sourcing == static_cast<int>(sourcing::cloud)) {
    if (kv.count("cooling") && kv["cooling"] != "-")
      throw input_error("--plan", 0, 0, "cooling",
                        "cloud plans take no cooling: give cooling=- or leave it out");
    p.cooling = -1;
    if (!sc.sites[p.site].has_cloud)
      throw input_error("--plan", 0, 0, "sourcing", "site '" + kv["site"] + "' has no cloud offer");
    if (!sc.systems[p.system].has_cloud)
      throw input_error("--plan", 0, 0, "sourcing",
                        "system '" + kv["system"] +
                            "' has no cloud_usd_per_accel_hour, so it is never rented");
  } else {
    if (!kv.count("cooling"))
      throw input_error("--plan", 0, 0, "cooling",
                        "missing 'cooling=...' (build and colo plans take a cooling)");
    p.cooling = find_id(sc.cooling_meta, kv["cooling"], "cooling");
    if (p.sourcing == static_cast<int>(sourcing::colo) && !sc.sites[p.site].has_colo)
      throw input_error("--plan", 0, 0, "sourcing", "site '" + kv["site"] + "' has no colo offer");
  }
  const std::string n = kv["nodes"];
  char* end = nullptr;
  const double nodes = std::strtod(n.c_str(), &end);
  if (n.empty() || *end != '\0' || !(nodes >= 1) || nodes != std::floor(nodes) ||
      nodes > 9007199254740992.0)
    throw input_error("--plan", 0, 0, "nodes",
                      "'" + n + "' is not valid (valid: a whole number >= 1)");
  p.nodes = nodes;
  return p;
}

nlohmann::ordered_json explain_json(const scenario& sc, const plan_ref& p) {
  const plan_figures f = evaluate_ref(sc, p);
  nlohmann::ordered_json j = plan_record(sc, p, f);
  j["feasible"] = f.reason == feasible;
  j["reason"] = f.reason == feasible ? nlohmann::ordered_json(nullptr)
                                     : nlohmann::ordered_json(reason_name(f.reason));
  return j;
}

// MODEL.md "Inference targets": the replica search, each p with its batch, step and rate and
// the largest part of its step, then the plan's serving figures.
static void explain_replicas(std::string& o, const scenario& sc, const plan_ref& p,
                             const plan_figures& f) {
  const globals_rec g = sc.globals();
  const system_rec& a = sc.systems[p.system];
  const accelerator_rec& ac = sc.accelerators[a.accelerator];
  const replica_inputs in = replica_inputs_of(g, a, ac);
  const replica_choice rc = replica_search(g, a, ac);
  o += "replica search (MODEL.md \"Inference targets\"):\n";
  o += fmt::format(
      "  weights {} B, kv_seq {} B; per accelerator hbm {} B, bw {} B/s, fl {} FLOP/s\n",
      v(g.inf_weights), v(g.inf_kv_seq), v(in.hbm), v(in.bw), v(in.fl));
  o += fmt::format("  {:>6} {:>8} {:>14} {:>14}   {}\n", "p", "B", "step (ms)", "tokens/s/acc",
                   "largest part of the step");
  double log2p = 0;
  for (double q = 1; q <= a.scale_up_domain; q = q * 2, log2p = log2p + 1) {
    const replica_step r = replica_try(g, in, q, log2p);
    std::string why;
    if (r.B >= 1) {
      // The step's parts: A (weights), b_compute * B (compute), b_kv * B (KV reads).
      const double w = r.A, c = r.b_compute * r.B, kv = r.b_kv * r.B;
      why = w >= c && w >= kv ? "weights" : (c >= kv ? "compute" : "KV reads");
      why += fmt::format(" (weights {:.3g} ms, compute {:.3g} ms, KV reads {:.3g} ms)", w * 1000,
                         c * 1000, kv * 1000);
      if (rc.found && q == rc.p) why += "  <- kept";
    } else if (q * in.hbm - g.inf_weights < g.inf_kv_seq) {
      why = "the weights and one sequence's KV cache do not fit";
    } else {
      why = "no batch meets max_ms_per_token";
    }
    o += fmt::format("  {:>6} {:>8} {:>14} {:>14}   {}\n", v(q), r.B >= 1 ? v(r.B) : "-",
                     r.B >= 1 ? fmt::format("{:.6g}", r.step * 1000) : "-",
                     r.B >= 1 ? fmt::format("{:.6g}", r.rate) : "-", why);
  }
  const auto line = [&](const char* name, double x, const std::string& how) {
    o += fmt::format("  {:<22} {:>24}   {}\n", name, v(x), how);
  };
  line("replica_accelerators", f.replica_accelerators,
       rc.found ? "the kept p: a larger p only when its rate is over the kept one's x (1 + 1e-9)"
                : "not available: no p fits a sequence and meets the bound");
  line("replicas", f.replicas,
       fmt::format("= floor(acc / D) x floor(D / p) + floor((acc - floor(acc / D) x D) / p), "
                   "D = scale_up_domain {}",
                   v(a.scale_up_domain)));
  line("batch", f.batch, "B of the kept p");
  line("tokens_per_second", f.tokens_per_second, "= replicas x batch / step_s");
  line("ms_per_token", f.ms_per_token, "= step_s x 1000");
  line("usd_per_million_tokens", f.usd_per_million_tokens,
       "= tco / (tokens_per_second x 3600 x 8760 x utilization x H) x 1e6");
}

// Kept whole: one line per figure of MODEL.md, in its order, as the reader reads them.
// NOLINTNEXTLINE(readability-function-size)
std::string explain_text(const scenario& sc, const plan_ref& p) {
  const plan_figures f = evaluate_ref(sc, p);
  const globals_rec g = sc.globals();
  const site_rec& s = sc.sites[p.site];
  const system_rec& a = sc.systems[p.system];
  const accelerator_rec& ac = sc.accelerators[a.accelerator];
  const fabric_rec& fb = sc.fabrics[p.fabric];
  const bool cloud = p.sourcing == static_cast<int>(sourcing::cloud);
  const bool build = p.sourcing == static_cast<int>(sourcing::build);
  const std::string cid = cloud ? "-" : sc.cooling_meta[p.cooling].id;
  std::string o;
  auto line = [&](const std::string& name, const std::string& value, const std::string& how) {
    o += fmt::format("  {:<18} {:>24}   {}\n", name, value, how);
  };
  o += fmt::format("plan: site={} system={} cooling={} fabric={} sourcing={} nodes={}\n",
                   sc.site_meta[p.site].id, sc.system_meta[p.system].id, cid,
                   sc.fabric_meta[p.fabric].id, to_string(static_cast<sourcing>(p.sourcing)),
                   v(p.nodes));
  o += "figures (MODEL.md \"Figures of a plan\"):\n";
  line(
      "accelerators", v(f.accelerators),
      fmt::format("= nodes {} x accelerators_per_node {}", v(p.nodes), v(a.accelerators_per_node)));
  line("tiers", v(f.tiers),
       fmt::format("radix {}: 1 if acc <= {}; 2 if <= {}; 3 if <= {}; else 4", v(fb.radix),
                   v(fb.radix), v(fb.radix * fb.radix / 2), v(fb.radix * fb.radix * fb.radix / 4)));
  if (!cloud) {
    const cooling_rec& c = sc.cooling[p.cooling];
    line("per_rack", v(f.per_rack),
         fmt::format("= min(floor(max_rack_kw {} / node_power_kw {}), floor(rack_units {} / "
                     "node_rack_units {}))",
                     v(c.max_rack_kw), v(a.node_power_kw), v(g.rack_units), v(a.node_rack_units)));
    line("racks", v(f.racks),
         f.per_rack >= 1 ? fmt::format("= ceil(nodes {} / per_rack {})", v(p.nodes), v(f.per_rack))
                         : "not available: per_rack is 0");
  } else {
    line("racks", "0", "cloud plans own no racks");
  }
  line("it_kw", kw(f.it_kw),
       fmt::format("= nodes x node_power_kw {} + acc x {} W / 1000 x tiers/2 {}",
                   v(a.node_power_kw), v(fb.power_w_per_accel), v(f.tiers / 2)));
  line("pue", v(f.pue),
       cloud ? fmt::format("= cloud.pue {}", v(s.cloud_pue))
             : fmt::format("= cooling pue {} + site pue_adjust {}", v(sc.cooling[p.cooling].pue),
                           v(s.pue_adjust)));
  line("facility_kw", kw(f.facility_kw), "= it_kw x pue");
  if (!cloud) {
    line("hw_capex", usd(f.hw_capex),
         fmt::format("= nodes x {} + acc x {} x tiers/2 + racks x rack_usd {}", v(a.node_price_usd),
                     v(fb.cost_usd_per_accel), v(g.rack_usd)));
    line("fac_capex", usd(f.fac_capex),
         fmt::format(
             "= it_kw / 1000 x {} x build_cost_multiplier {} + it_kw x capex_usd_per_kw {}{}",
             v(g.build_usd_per_mw_it), v(s.build_cost_multiplier),
             v(sc.cooling[p.cooling].capex_usd_per_kw),
             build ? fmt::format(" + build_fixed_usd {}", v(s.build_fixed_usd)) : ""));
  }
  line("capex_usd", usd(f.capex),
       build   ? "= hw_capex + fac_capex"
       : cloud ? "cloud plans have no capex"
               : "= hw_capex (colo)");
  if (!cloud)
    line("energy/yr", usd(f.energy_usd_per_year),
         fmt::format("= facility_kw x utilization {} x 8760 x {} USD/kWh", v(g.utilization),
                     v(s.energy_usd_per_kwh)));
  line("opex_usd_per_year", usd(f.opex_usd_per_year),
       build   ? fmt::format("= energy + {} x hw_capex + it_kw / 1000 x {}", v(g.maintenance_rate),
                             v(g.staff_usd_per_mw_year))
       : cloud ? fmt::format("= acc x {} USD/h x price_multiplier {} x 8760",
                             v(a.cloud_usd_per_accel_hour), v(s.cloud_price_multiplier))
               : fmt::format("= energy + {} x hw_capex + it_kw x {} USD/kW-month x 12",
                             v(g.maintenance_rate), v(s.colo_usd_per_kw_month)));
  line("annuity", v(g.annuity),
       fmt::format("= (1 - (1 + r)^-H) / r, r = {}, H = {} years", v(g.discount_rate),
                   v(g.horizon_years)));
  line("residual", usd(f.residual),
       build
           ? fmt::format("= fac_capex x max(0, 1 - H / {}) x (1 + r)^-H", v(g.facility_life_years))
           : "0 (not a build)");
  line("tco_usd", usd(f.tco), "= capex + opex x annuity - residual");
  line("efficiency", v(f.efficiency),
       fmt::format("= 1 / (1 + scaling_k {} x log2(max(1, acc / scale_up_domain {})))",
                   v(fb.scaling_k), v(a.scale_up_domain)));
  if (g.has_reliability) {
    // MODEL.md "Goodput", each line with its inputs.
    const goodput_figures gp = daly_goodput(g, f.accelerators);
    const double delta = g.checkpoint_minutes;
    line("M (minutes)", v(gp.mtbf_minutes),
         fmt::format("= accelerator_mtbf_hours {} x 60 / acc {}", v(g.accelerator_mtbf_hours),
                     v(f.accelerators)));
    line("x", v(delta / (2 * gp.mtbf_minutes)),
         fmt::format("= checkpoint_minutes {} / (2 x M)", v(delta)));
    line("interval (min)", v(f.checkpoint_interval_minutes),
         delta < 2 * gp.mtbf_minutes
             ? "= sqrt(2 x checkpoint_minutes x M) x (1 + sqrt(x) / 3 + x / 9) - checkpoint_minutes"
             : "= M (checkpoint_minutes >= 2 x M)");
    line("goodput", v(f.goodput),
         fmt::format("= interval / (M x exp(restart_minutes {} / M) x expm1((interval + "
                     "checkpoint_minutes) / M))",
                     v(g.restart_minutes)));
  }
  line("effective_flops", human_flops(f.effective_flops),
       fmt::format("= acc x peak {} x mfu {} x efficiency {}{}",
                   v(sc.prec == precision::fp8 ? ac.peak_fp8_flops : ac.peak_bf16_flops), v(a.mfu),
                   v(f.efficiency),
                   g.has_reliability ? fmt::format(" x goodput {}", v(f.goodput)) : ""));
  line("ready_months", v(f.ready_months),
       build   ? fmt::format("= max(power_lead {}, construction {}, lead_time {})",
                             v(s.power_lead_months), v(g.construction_months), v(a.lead_time_months))
       : cloud ? "= cloud.lead_months"
               : fmt::format("= max(colo.lead_months {}, lead_time {})", v(s.colo_lead_months),
                             v(a.lead_time_months)));
  line("tco2_per_year", v(f.tco2_per_year),
       fmt::format("= facility_kw x utilization x 8760 x {} kg/kWh / 1000 (t)",
                   v(s.carbon_kg_per_kwh)));
  line("usd_per_pflop_day",
       std::isnan(f.usd_per_pflop_day) ? "n/a" : fmt::format("${:.2f}", f.usd_per_pflop_day),
       "= tco / (effective_flops / 1e15 x 365 x H)");
  if (sc.training) {
    line("job_days", v(f.job_days),
         fmt::format("= total_flops {} / effective_flops / 86400", v(g.total_flops)));
    line("accelerator_hours", grouped(f.accelerator_hours), "= acc x job_days x 24");
    line("job_energy_mwh", v(f.job_energy_mwh),
         "= facility_kw x utilization x job_days x 24 / 1000");
    line("job_tco2", v(f.job_tco2), "= job_energy_mwh x carbon_kg_per_kwh (t)");
    line("job_cost_usd", usd(f.job_cost_usd),
         cloud ? "= accelerator_hours x cloud USD/h x price_multiplier"
               : "= tco x job_days / (365 x H)");
    if (g.has_reliability)
      line("expected_interruptions", v(f.expected_interruptions), "= job_days x 1440 / M");
  }
  if (g.inference) explain_replicas(o, sc, p, f);
  o += "feasibility (MODEL.md \"Feasibility\"):\n";
  if (f.reason == feasible) {
    o += "  feasible: passes every test\n";
  } else {
    o += fmt::format("  infeasible: first fails test {} ({}): {}\n", f.reason,
                     reason_name(f.reason), broken_limit(sc, p, f, f.reason));
    for (int t = 1; t < kReasonCount; ++t)
      if (t != f.reason && (f.failed & (1u << t)))
        o += fmt::format("  also fails test {} ({}): {}\n", t, reason_name(t),
                         broken_limit(sc, p, f, t));
  }
  if (g.inference)
    o += fmt::format("  required tokens/s: {}\n", grouped(g.inf_tokens_per_second));
  else if (g.has_target)
    o += fmt::format("  required effective FLOP/s: {} ({})\n",
                     human_flops(g.required_effective_flops), v(g.required_effective_flops));
  return o;
}

} // namespace dcplan
