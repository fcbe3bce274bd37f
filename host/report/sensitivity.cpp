// `dcplan sensitivity`: one-at-a-time p10/p90 runs of the plan search over the inputs of
// MODEL.md "Risk", reported as a tornado (largest effect first).
#include "dcplan/report/sensitivity.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "dcplan/model/errors.hpp"
#include "dcplan/report/report.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan {
namespace {

// The standard normal quantile at 0.9 (Phi^-1(0.9)); p10 is its negative.
constexpr double kZ90 = 1.2815515655446004;

double normal_z(double q) { return q < 0.5 ? -kZ90 : kZ90; }

bool same_plan(const risk_plan& a, const risk_plan& b) {
  return a.site == b.site && a.system == b.system && a.cooling == b.cooling &&
         a.fabric == b.fabric && a.sourcing == b.sourcing && a.nodes == b.nodes;
}

plan_ref ref_of(const risk_plan& p) {
  return {p.site, p.system, p.cooling, p.fabric, p.sourcing, p.nodes};
}

struct search_best {
  bool feasible = false;
  risk_plan plan{};
  double tco = NAN;
  backend_kind backend = backend_kind::cpu;
};

search_best best_of(const scenario& sc, backend_kind kind, const engine_options& opt,
                    std::string* notice) {
  const plan_space sp = build_space(sc);
  engine_options o = opt;
  o.top_k = 1;
  const engine_result r = evaluate_plans(sc, sp, kind, o, notice);
  search_best b;
  b.backend = r.backend;
  if (r.top.empty()) return b;
  b.feasible = true;
  b.plan = risk_plans_of(sp, {r.top[0].index})[0];
  b.tco = evaluate_plan(make_model_view(sc), b.plan.site, b.plan.system, b.plan.cooling,
                        b.plan.fabric, b.plan.sourcing, b.plan.nodes)
              .tco;
  return b;
}

std::string value_text(risk_input i, double v) {
  switch (i) {
  case risk_input::mfu:
    return fmt::format("{:+.3f}", v);
  case risk_input::delay_months:
    return fmt::format("+{:.2f} mo", v);
  default:
    return fmt::format("x{:.3f}", v);
  }
}

std::string plan_text(const scenario& sc, const risk_plan& p) {
  return fmt::format(
      "{} {} {} {} {} x{:g} nodes", sc.site_meta[p.site].id, sc.system_meta[p.system].id,
      p.cooling < 0 ? "-" : sc.cooling_meta[p.cooling].id, sc.fabric_meta[p.fabric].id,
      to_string(static_cast<sourcing>(p.sourcing)), p.nodes);
}

} // namespace

const char* to_string(risk_input i) {
  switch (i) {
  case risk_input::energy_price:
    return "energy_price";
  case risk_input::node_price:
    return "node_price";
  case risk_input::cloud_price:
    return "cloud_price";
  case risk_input::mfu:
    return "mfu";
  case risk_input::accelerator_mtbf:
    return "accelerator_mtbf_hours";
  default:
    return "delay_months";
  }
}

risk_draw quantile_draw(const uncertainty& u, risk_input i, double q) {
  risk_draw d{1.0, 1.0, 1.0, 0.0, 0.0, 1.0};
  const double z = normal_z(q);
  switch (i) {
  case risk_input::energy_price:
    d.energy_factor = std::exp(u.energy_sigma * z);
    break;
  case risk_input::node_price:
    d.node_factor = std::exp(u.node_sigma * z);
    break;
  case risk_input::cloud_price:
    d.cloud_factor = std::exp(u.cloud_sigma * z);
    break;
  case risk_input::mfu:
    d.mfu_noise = u.mfu_sd * z;
    break;
  case risk_input::delay_months:
    d.delay_months = triangular_quantile(u.delay_low, u.delay_mode, u.delay_high, q);
    break;
  case risk_input::accelerator_mtbf: // docs/goodput.md
    d.mtbf_factor = std::exp(u.mtbf_sigma * z);
    break;
  }
  return d;
}

scenario apply_draw_to_scenario(const scenario& sc, const risk_draw& d) {
  scenario out = sc;
  for (site_rec& s : out.sites) apply_draw(s, d);
  for (system_rec& a : out.systems) apply_draw(a, d);
  for (fabric_rec& f : out.fabrics) apply_draw(f, d);
  out.construction_months = out.construction_months + d.delay_months;
  if (out.reliab) out.reliab->accelerator_mtbf_hours *= d.mtbf_factor; // docs/goodput.md
  return out;
}

sensitivity_result run_sensitivity(const scenario& sc, backend_kind kind, const engine_options& opt,
                                   std::string* notice) {
  if (!sc.uncert)
    throw input_error(sc.file, 0, 0, "uncertainty",
                      "sensitivity needs an uncertainty block (MODEL.md \"Risk\") naming the "
                      "inputs to vary");
  const uncertainty& u = *sc.uncert;
  sensitivity_result res;
  const search_best base = best_of(sc, kind, opt, notice);
  res.backend = base.backend;
  res.feasible = base.feasible;
  res.best = base.plan;
  res.best_tco = base.tco;

  const std::pair<risk_input, bool> inputs[] = {
      {risk_input::energy_price, u.has_energy}, {risk_input::node_price, u.has_node},
      {risk_input::cloud_price, u.has_cloud},   {risk_input::mfu, u.has_mfu},
      {risk_input::delay_months, u.has_delay},  {risk_input::accelerator_mtbf, u.has_mtbf}};
  for (const auto& [input, present] : inputs) {
    if (!present) continue;
    sensitivity_row row;
    row.input = input;
    for (sensitivity_point* pt : {&row.low, &row.high}) {
      pt->quantile = pt == &row.low ? 0.1 : 0.9;
      const risk_draw d = quantile_draw(u, input, pt->quantile);
      switch (input) {
      case risk_input::energy_price:
        pt->value = d.energy_factor;
        break;
      case risk_input::node_price:
        pt->value = d.node_factor;
        break;
      case risk_input::cloud_price:
        pt->value = d.cloud_factor;
        break;
      case risk_input::mfu:
        pt->value = d.mfu_noise;
        break;
      case risk_input::delay_months:
        pt->value = d.delay_months;
        break;
      case risk_input::accelerator_mtbf:
        pt->value = d.mtbf_factor;
        break;
      }
      const search_best b = best_of(apply_draw_to_scenario(sc, d), kind, opt, nullptr);
      pt->feasible = b.feasible;
      pt->best = b.plan;
      pt->best_tco = b.tco;
      pt->best_changes = !b.feasible || !base.feasible || !same_plan(b.plan, base.plan);
    }
    row.effect_usd = row.low.feasible && row.high.feasible
                         ? std::fabs(row.high.best_tco - row.low.best_tco)
                         : NAN;
    res.rows.push_back(row);
  }
  // A tornado: largest effect first; an input that leaves no feasible plan ranks above all.
  std::stable_sort(res.rows.begin(), res.rows.end(),
                   [](const sensitivity_row& a, const sensitivity_row& b) {
                     const bool an = std::isnan(a.effect_usd), bn = std::isnan(b.effect_usd);
                     if (an != bn) return an;
                     return !an && a.effect_usd > b.effect_usd;
                   });
  return res;
}

nlohmann::ordered_json sensitivity_json(const scenario& sc, const sensitivity_result& r) {
  const auto plan_or_null = [&](bool feasible, const risk_plan& p) -> nlohmann::ordered_json {
    if (!feasible) return nullptr;
    const plan_ref ref = ref_of(p);
    return plan_record(sc, ref, evaluate_ref(sc, ref));
  };
  const auto num = [](double x) -> nlohmann::ordered_json {
    if (std::isnan(x)) return nullptr;
    return x;
  };
  nlohmann::ordered_json j;
  j["model_version"] = 2;
  j["backend"] = backend_name(r.backend);
  j["baseline"] = {{"tco_usd", num(r.feasible ? r.best_tco : NAN)},
                   {"plan", plan_or_null(r.feasible, r.best)}};
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const sensitivity_row& row : r.rows) {
    nlohmann::ordered_json o;
    o["input"] = to_string(row.input);
    o["effect_usd"] = num(row.effect_usd);
    for (const sensitivity_point* pt : {&row.low, &row.high}) {
      nlohmann::ordered_json p;
      p["quantile"] = pt->quantile;
      p["value"] = pt->value;
      p["best_tco_usd"] = num(pt->feasible ? pt->best_tco : NAN);
      p["best_plan_changes"] = pt->best_changes;
      // The plan at this quantile, with its figures under the changed input.
      p["best_plan"] = nullptr;
      if (pt->feasible) {
        const scenario moved =
            apply_draw_to_scenario(sc, quantile_draw(*sc.uncert, row.input, pt->quantile));
        const plan_ref ref = ref_of(pt->best);
        p["best_plan"] = plan_record(moved, ref, evaluate_ref(moved, ref));
      }
      o[pt == &row.low ? "p10" : "p90"] = std::move(p);
    }
    rows.push_back(std::move(o));
  }
  j["inputs"] = std::move(rows);
  return j;
}

std::string sensitivity_table(const scenario& sc, const sensitivity_result& r) {
  std::string out =
      fmt::format("dcplan sensitivity: {} (backend: {})\n", sc.file, backend_name(r.backend));
  if (!r.feasible) {
    out += "baseline: no plan passes every test\n";
  } else {
    out += fmt::format("baseline best plan: {}, TCO {}\n", plan_text(sc, r.best),
                       human_usd(r.best_tco));
  }
  out += "\n";
  double widest = 0;
  for (const auto& row : r.rows)
    if (!std::isnan(row.effect_usd)) widest = std::max(widest, row.effect_usd);
  const std::vector<std::string> head = {"input",      "p10",   "TCO at p10", "p90",
                                         "TCO at p90", "swing", "",           "best plan changes"};
  std::vector<std::vector<std::string>> cells;
  for (const auto& row : r.rows) {
    const auto tco = [](const sensitivity_point& p) {
      return p.feasible ? human_usd(p.best_tco) : std::string("none feasible");
    };
    std::string changes = row.low.best_changes && row.high.best_changes ? "at p10 and p90"
                          : row.low.best_changes                        ? "at p10"
                          : row.high.best_changes                       ? "at p90"
                                                                        : "no";
    const int bar = std::isnan(row.effect_usd) ? 20
                    : widest > 0 ? static_cast<int>(std::lround(20 * row.effect_usd / widest))
                                 : 0;
    cells.push_back({to_string(row.input), value_text(row.input, row.low.value), tco(row.low),
                     value_text(row.input, row.high.value), tco(row.high),
                     std::isnan(row.effect_usd) ? "n/a" : human_usd(row.effect_usd),
                     std::string(static_cast<std::size_t>(bar), '#'), changes});
  }
  std::vector<std::size_t> w(head.size());
  for (std::size_t c = 0; c < head.size(); ++c) {
    w[c] = head[c].size();
    for (const auto& row : cells) w[c] = std::max(w[c], row[c].size());
  }
  const auto line = [&](const std::vector<std::string>& row) {
    std::string l;
    for (std::size_t c = 0; c < row.size(); ++c)
      l += (c ? "  " : "") + row[c] + std::string(w[c] - row[c].size(), ' ');
    while (!l.empty() && l.back() == ' ') l.pop_back();
    return l + "\n";
  };
  out += line(head);
  for (const auto& row : cells) out += line(row);
  if (r.rows.empty()) out += "(the uncertainty block varies no input)\n";
  return out;
}

} // namespace dcplan
