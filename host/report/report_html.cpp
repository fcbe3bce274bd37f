// The HTML report (docs/report.md "The HTML report"): the page around the charts of
// report_charts.cpp. Every figure shown in a table cell carries its exact value in `data-v`
// (the JSON report's number) next to the rounded text a reader sees.
#include "dcplan/report/report_html.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "dcplan/report/plan_analysis.hpp"
#include "report_charts.hpp"
#include "svg.hpp"

namespace dcplan {
namespace {

using charts::shown_plan;
using svg::esc;

const char* kStyle = R"(
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif;
       color: #111; background: #fff; max-width: 1240px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 30px 0 10px; border-bottom: 1px solid #bbb; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: #444; font-size: 12px; margin: 0; }
.answer { font-size: 16px; background: #eef3f8; border-left: 4px solid #0072B2; padding: 10px 14px; margin: 12px 0; }
dl.question { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; margin: 0; }
dl.question dt { font-weight: 600; }
dl.question dd { margin: 0; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { padding: 3px 6px; border-bottom: 1px solid #e0e0e0; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid #666; font-weight: 600; }
th.n { text-align: right; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.plans td { white-space: nowrap; }
table.plans th { vertical-align: bottom; }
table.narrow { width: auto; min-width: 50%; }
tbody tr:nth-child(even) { background: #f7f7f7; }
.src { font-size: 11px; color: #333; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
figure { margin: 18px 0; break-inside: avoid; }
figcaption { font-size: 12px; color: #222; margin-top: 4px; }
ul.defs { font-size: 12px; margin: 6px 0; padding-left: 20px; }
svg { max-width: 100%; height: auto; display: block; }
svg text { font-size: 12px; fill: #111; }
svg .tick { font-size: 11px; fill: #333; }
svg .axis-title { font-size: 12.5px; font-weight: 600; }
svg .axis { stroke: #333; stroke-width: 1; }
svg .grid { stroke: #e3e3e3; stroke-width: 1; }
svg .front-line { fill: none; stroke: #666; stroke-width: 1.2; }
svg .target { stroke: #000; stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .chosen { fill: none; stroke: #000; stroke-width: 2.5; }
svg .seg, svg .ready, svg .job, svg .reason { stroke: #fff; stroke-width: 0.8; }
svg .legend-title, svg .strong { font-weight: 700; }
svg .note { font-size: 14px; fill: #444; }
footer { margin-top: 32px; font-size: 11px; color: #444; border-top: 1px solid #bbb; padding-top: 6px; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  .answer { background: none; border-left: 3px solid #000; }
  .scroll { overflow: visible; }
  table { font-size: 7.5pt; }
  th, td { padding: 2px 3px; }
}
@page { margin: 14mm; }
)";

std::string num(double x) { return fmt::format("{}", x); }

// A numeric cell: the rounded text, and the exact figure under its JSON key.
std::string cell(const char* key, double v, const std::string& shown) {
  if (std::isnan(v)) return fmt::format("<td class=\"n\" data-k=\"{}\">n/a</td>", key);
  return fmt::format("<td class=\"n\" data-k=\"{}\" data-v=\"{}\">{}</td>", key, num(v),
                     esc(shown));
}

std::string text_cell(const std::string& s, const char* cls = nullptr) {
  return fmt::format("<td{}>{}</td>", cls ? fmt::format(" class=\"{}\"", cls) : "", esc(s));
}

std::string cooling_id(const scenario& sc, const plan_ref& r) {
  return r.cooling < 0 ? std::string("-") : sc.cooling_meta[r.cooling].id;
}

std::string months(double m) { return fmt::format("{:g} months", m); }

const char* objective_words(objective o) {
  switch (o) {
  case objective::capex:
    return "lowest capital cost (capex)";
  case objective::ready_months:
    return "earliest ready date";
  case objective::carbon:
    return "lowest emissions (t CO2 a year)";
  case objective::effective_flops:
    return "most effective compute";
  default:
    return "lowest total cost of ownership (TCO)";
  }
}

std::string answer_sentence(const scenario& sc, const shown_plan& p) {
  const plan_ref& r = p.ref;
  const plan_figures& f = p.f;
  const entry_meta& sm = sc.site_meta[r.site];
  const std::string& site = sm.id;
  const std::string sys = sc.system_meta[r.system].id;
  const std::string fab = sc.fabric_meta[r.fabric].id;
  std::string how;
  switch (static_cast<sourcing>(r.sourcing)) {
  case sourcing::build:
    how =
        fmt::format("Build {} {} nodes ({} accelerators) at {}, with {} cooling and the {} fabric",
                    grouped(r.nodes), sys, grouped(f.accelerators), site, cooling_id(sc, r), fab);
    break;
  case sourcing::colo:
    how = fmt::format(
        "Lease colocation space at {} for {} {} nodes ({} accelerators), with {} cooling and the "
        "{} fabric",
        site, grouped(r.nodes), sys, grouped(f.accelerators), cooling_id(sc, r), fab);
    break;
  case sourcing::cloud:
    how = fmt::format("Rent {} {} nodes ({} accelerators) in the {} cloud region on the {} fabric",
                      grouped(r.nodes), sys, grouped(f.accelerators), site, fab);
    break;
  }
  std::string s =
      sc.inference // MODEL.md "Inference targets": the plan's rate is tokens/s
          ? fmt::format("{}: {} generated tokens/s ({} replicas of {} accelerators), ready in {}, "
                        "for a {:g}-year TCO of {} ({} capex), ${:.3g} per million tokens",
                        how, human_count(f.tokens_per_second), grouped(f.replicas),
                        grouped(f.replica_accelerators), months(f.ready_months), sc.horizon_years,
                        human_usd(f.tco), human_usd(f.capex), f.usd_per_million_tokens)
          : fmt::format(
                "{}: {} of effective {} compute, ready in {}, for a {:g}-year TCO of {} ({} capex)",
                how, human_flops(f.effective_flops), to_string(sc.prec), months(f.ready_months),
                sc.horizon_years, human_usd(f.tco), human_usd(f.capex));
  if (sc.training) s += fmt::format("; the training run takes {:.1f} days", f.job_days);
  s += ".";
  if (!sm.name.empty()) s += " Site " + sm.id + ": " + sm.name + ".";
  return s;
}

std::string question_section(const scenario& sc, const engine_result& r,
                             const std::vector<shown_plan>& plans) {
  const globals_rec g = sc.globals();
  std::string h =
      "<section id=\"question\"><h2>The question and the answer</h2><dl class=\"question\">";
  const auto row = [&](const std::string& k, const std::string& v) {
    h += "<dt>" + esc(k) + "</dt><dd>" + esc(v) + "</dd>";
  };
  if (sc.training) {
    row("Target",
        fmt::format("train {} active parameters on {} tokens in {:g} days "
                    "({:g} FLOP per token per parameter), which needs {} effective",
                    human_count(sc.training->active_params), human_count(sc.training->tokens),
                    sc.training->days, sc.training->flops_per_token,
                    human_flops(g.required_effective_flops)));
  } else if (sc.inference) {
    const inference_target& t = *sc.inference;
    row("Target",
        fmt::format("serve {} at {} generated tokens/s ({:g} prompt and {:g} generated "
                    "tokens per request{})",
                    t.model.empty() ? human_count(t.total_params) + " parameters" : t.model,
                    human_count(t.tokens_per_second), t.input_tokens, t.output_tokens,
                    t.max_ms_per_token
                        ? fmt::format(", at most {:g} ms per token", *t.max_ms_per_token)
                        : ""));
  } else if (sc.obj == objective::effective_flops) {
    row("Target", "none: the most effective compute within the other limits");
  } else {
    row("Target", human_flops(g.required_effective_flops) + " of effective " + to_string(sc.prec) +
                      " compute");
  }
  row("Deadline", sc.deadline_months ? months(*sc.deadline_months) + " from the decision" : "none");
  row("Capex budget", sc.budget_capex_usd ? human_usd(*sc.budget_capex_usd) : "none");
  row("TCO budget", sc.budget_tco_usd ? human_usd(*sc.budget_tco_usd) : "none");
  if (sc.year) row("Accelerators shipping by", std::to_string(*sc.year));
  row("Objective", objective_words(sc.obj));
  row("Horizon",
      fmt::format("{:g} years at a {:g}% discount rate", sc.horizon_years, sc.discount_rate * 100));
  row("Plans evaluated",
      fmt::format("{} ({} pass every test)", grouped(static_cast<double>(r.plans_evaluated)),
                  grouped(static_cast<double>(r.counts[feasible]))));
  h += "</dl>";
  if (r.counts[feasible] > 0 && !plans.empty()) {
    h += "<p class=\"answer\" id=\"answer\"><strong>Answer:</strong> " +
         esc(answer_sentence(sc, plans.front())) + "</p>";
  } else if (!plans.empty()) {
    const shown_plan& p = plans.front();
    h += fmt::format(
        "<p class=\"answer\" id=\"answer\"><strong>Answer:</strong> no plan passes every test. "
        "The closest, {}, reaches {} of the {} required.</p>",
        esc(charts::plan_label(sc, p).substr(8)),
        esc(sc.inference ? human_count(p.f.tokens_per_second) + " tokens/s"
                         : human_flops(p.f.effective_flops)),
        esc(sc.inference ? human_count(sc.inference->tokens_per_second) + " tokens/s"
                         : human_flops(g.required_effective_flops)));
  } else {
    h += "<p class=\"answer\" id=\"answer\"><strong>Answer:</strong> no plan passes every test, "
         "and every plan fails a test other than the target.</p>";
  }
  return h + "</section>";
}

std::string plans_table(const scenario& sc, const std::vector<shown_plan>& plans,
                        bool feasible_run) {
  std::string h = "<section id=\"plans\"><h2>";
  h += feasible_run ? "The top plans" : "The closest plan";
  h += "</h2><div class=\"scroll\"><table class=\"plans\"><thead><tr>";
  std::vector<std::pair<const char*, bool>> heads = {{"#", true},
                                                     {"site", false},
                                                     {"system", false},
                                                     {"cooling", false},
                                                     {"fabric", false},
                                                     {"sourcing", false},
                                                     {"nodes", true},
                                                     {"accelerators", true},
                                                     {"effective compute", true},
                                                     {"capex", true},
                                                     {"TCO", true},
                                                     {"opex / year", true},
                                                     {"facility power", true},
                                                     {"ready (months)", true},
                                                     {"$ / PFLOP-day", true}};
  if (sc.training) {
    heads.push_back({"job days", true});
    heads.push_back({"job cost", true});
  } else if (sc.inference) {
    heads.push_back({"tokens / s", true});
    heads.push_back({"$ / M tokens", true});
  } else {
    heads.push_back({"t CO2 / year", true});
  }
  if (feasible_run) heads.push_back({"binding", false});
  for (const auto& [name, right] : heads)
    h += fmt::format("<th{}>{}</th>", right ? " class=\"n\"" : "", esc(name));
  h += "</tr></thead><tbody>";
  for (const shown_plan& p : plans) {
    const plan_figures& f = p.f;
    h += fmt::format("<tr data-rank=\"{}\">", p.rank);
    h += fmt::format("<td class=\"n\">{}</td>", p.rank > 0 ? std::to_string(p.rank) : "-");
    h += text_cell(sc.site_meta[p.ref.site].id) + text_cell(sc.system_meta[p.ref.system].id) +
         text_cell(cooling_id(sc, p.ref)) + text_cell(sc.fabric_meta[p.ref.fabric].id) +
         text_cell(to_string(static_cast<sourcing>(p.ref.sourcing)));
    h += cell("nodes", f.nodes, grouped(f.nodes));
    h += cell("accelerators", f.accelerators, grouped(f.accelerators));
    h += cell("effective_flops", f.effective_flops, human_flops(f.effective_flops));
    h += cell("capex_usd", f.capex, human_usd(f.capex));
    h += cell("tco_usd", f.tco, human_usd(f.tco));
    h += cell("opex_usd_per_year", f.opex_usd_per_year, human_usd(f.opex_usd_per_year));
    h += cell("facility_kw", f.facility_kw, human_power_kw(f.facility_kw));
    h += cell("ready_months", f.ready_months, fmt::format("{:g}", f.ready_months));
    h += cell("usd_per_pflop_day", f.usd_per_pflop_day, fmt::format("{:.2f}", f.usd_per_pflop_day));
    if (sc.training) {
      h += cell("job_days", f.job_days, fmt::format("{:.1f}", f.job_days));
      h += cell("job_cost_usd", f.job_cost_usd, human_usd(f.job_cost_usd));
    } else if (sc.inference) {
      h += cell("tokens_per_second", f.tokens_per_second, human_count(f.tokens_per_second));
      h += cell("usd_per_million_tokens", f.usd_per_million_tokens,
                fmt::format("{:.3g}", f.usd_per_million_tokens));
    } else {
      h += cell("tco2_per_year", f.tco2_per_year, grouped(f.tco2_per_year));
    }
    if (feasible_run) h += text_cell(binding_constraint(sc, p.ref));
    h += "</tr>";
  }
  h += "</tbody></table></div>";
  if (feasible_run)
    h += "<p class=\"meta\">Binding: the test a plan one node step smaller (target) or larger "
         "(fabric, power, budget, max_nodes) would fail; none when both pass "
         "(docs/report.md).</p>";
  return h + "</section>";
}

std::string figure(int n, const std::string& svg, const std::string& caption) {
  return fmt::format("<figure>{}<figcaption><strong>Figure {}.</strong> {}</figcaption></figure>",
                     svg, n, caption);
}

// A table of catalog entries: their columns, then status and source.
struct catalog_table {
  std::string title;
  std::vector<std::string> heads;
  std::vector<std::vector<std::string>> rows;
};

std::string render_catalog(const catalog_table& t, const std::vector<entry_meta>& meta) {
  std::string h =
      "<h3>" + esc(t.title) + "</h3><div class=\"scroll\"><table><thead><tr><th>id</th>";
  for (const std::string& c : t.heads) h += "<th class=\"n\">" + esc(c) + "</th>";
  h += "<th>status</th><th>source</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const entry_meta& m = meta[i];
    h += "<tr><td>" + esc(m.id) +
         (m.name.empty() ? "" : "<br><span class=\"src\">" + esc(m.name) + "</span>") + "</td>";
    for (const std::string& c : t.rows[i]) h += "<td class=\"n\">" + esc(c) + "</td>";
    h += "<td>" + esc(m.status.empty() ? "-" : m.status) + "</td>";
    h += "<td class=\"src\">" +
         esc(m.source.empty() ? "scenario file" : without_url_schemes(m.source)) + "</td></tr>";
  }
  return h + "</tbody></table></div>";
}

std::string g3(double x) { return fmt::format("{:.4g}", x); }

std::string assumptions_section(const scenario& sc) {
  std::string h = "<section id=\"assumptions\"><h2>Assumptions and sources</h2>";
  h += "<h3>Finance and facility (scenario file)</h3><table class=\"narrow\"><tbody>";
  const auto row = [&](const char* k, const std::string& v) {
    h += "<tr><td>" + esc(k) + "</td><td class=\"n\">" + esc(v) + "</td></tr>";
  };
  row("horizon", fmt::format("{:g} years", sc.horizon_years));
  row("discount rate", fmt::format("{:g}% a year", sc.discount_rate * 100));
  row("utilization (average draw / nameplate IT power)",
      fmt::format("{:g}%", sc.utilization * 100));
  row("maintenance", fmt::format("{:g}% of hardware capex a year", sc.maintenance_rate * 100));
  row("staff", human_usd(sc.staff_usd_per_mw_year) + " per MW of IT load a year");
  row("facility build cost", human_usd(sc.build_usd_per_mw_it) + " per MW of IT load");
  row("construction", months(sc.construction_months));
  row("facility life", fmt::format("{:g} years", sc.facility_life_years));
  row("rack", human_usd(sc.rack_usd) + fmt::format(", {:g} rack units", sc.rack_units));
  row("node sizes",
      fmt::format("multiples of {:g} nodes{}", sc.node_step,
                  sc.max_nodes ? fmt::format(", at most {}", grouped(*sc.max_nodes)) : ""));
  h += "</tbody></table>";

  catalog_table acc{
      "Accelerators", {"bf16 peak", "fp8 peak", "HBM (GB)", "TDP (W)", "available"}, {}};
  for (const accelerator_rec& a : sc.accelerators)
    acc.rows.push_back({human_flops(a.peak_bf16_flops), human_flops(a.peak_fp8_flops),
                        fmt::format("{:g}", a.hbm_gb), fmt::format("{:g}", a.tdp_w),
                        std::to_string(a.available_year)});
  h += render_catalog(acc, sc.accelerator_meta);

  catalog_table sys{"Systems (one node)",
                    {"accelerator", "per node", "node power", "node price", "MFU", "lead (months)",
                     "min cooling", "cloud $/accel-hour"},
                    {}};
  for (const system_rec& a : sc.systems)
    sys.rows.push_back({sc.accelerator_meta[a.accelerator].id,
                        fmt::format("{:g}", a.accelerators_per_node),
                        human_power_kw(a.node_power_kw), human_usd(a.node_price_usd), g3(a.mfu),
                        fmt::format("{:g}", a.lead_time_months), sc.cooling_meta[a.min_cooling].id,
                        a.has_cloud ? fmt::format("{:.2f}", a.cloud_usd_per_accel_hour) : "-"});
  h += render_catalog(sys, sc.system_meta);

  catalog_table cool{"Cooling", {"rank", "PUE", "max rack power", "capex per kW"}, {}};
  for (const cooling_rec& c : sc.cooling)
    cool.rows.push_back({fmt::format("{:g}", c.rank), g3(c.pue), human_power_kw(c.max_rack_kw),
                         human_usd(c.capex_usd_per_kw)});
  h += render_catalog(cool, sc.cooling_meta);

  catalog_table fab{
      "Fabrics", {"radix", "cost per accelerator", "W per accelerator", "scaling k"}, {}};
  for (const fabric_rec& f : sc.fabrics)
    fab.rows.push_back({fmt::format("{:g}", f.radix), human_usd(f.cost_usd_per_accel),
                        fmt::format("{:g}", f.power_w_per_accel), g3(f.scaling_k)});
  h += render_catalog(fab, sc.fabric_meta);

  catalog_table site{"Sites",
                     {"grid", "energy $/kWh", "kg CO2/kWh", "PUE adjust", "build cost x",
                      "power lead (months)", "colo", "cloud"},
                     {}};
  for (const site_rec& s : sc.sites)
    site.rows.push_back({human_power_kw(s.grid_mw * 1000), g3(s.energy_usd_per_kwh),
                         g3(s.carbon_kg_per_kwh), g3(s.pue_adjust), g3(s.build_cost_multiplier),
                         fmt::format("{:g}", s.power_lead_months),
                         s.has_colo ? fmt::format("{} at ${:g}/kW-month, {:g} months",
                                                  human_power_kw(s.colo_available_mw * 1000),
                                                  s.colo_usd_per_kw_month, s.colo_lead_months)
                                    : "-",
                         s.has_cloud ? fmt::format("{} accelerators, price x{:g}, {:g} months",
                                                   grouped(s.cloud_max_accelerators),
                                                   s.cloud_price_multiplier, s.cloud_lead_months)
                                     : "-"});
  h += render_catalog(site, sc.site_meta);
  return h + "</section>";
}

} // namespace

std::string without_url_schemes(std::string s) {
  for (const char* scheme : {"https://", "http://"}) {
    const std::string k = scheme;
    for (std::size_t p; (p = s.find(k)) != std::string::npos;) s.erase(p, k.size());
  }
  return s;
}

std::string run_html(const scenario& sc, const plan_space& sp, const engine_result& r,
                     const run_info& info, const report_extras& extras) {
  // A page stays readable: the table lists at most kTablePlans plans, the charts kChartPlans
  // (the JSON and CSV hold every reported plan).
  constexpr std::size_t kTablePlans = 50, kChartPlans = 10;
  std::vector<shown_plan> plans;
  for (std::size_t i = 0; i < std::min(r.top.size(), kTablePlans); ++i) {
    const plan_ref ref = plan_of_index(sp, r.top[i].index);
    plans.push_back({static_cast<int>(i + 1), ref, evaluate_ref(sc, ref)});
  }
  const bool feasible_run = !plans.empty();
  if (!feasible_run && r.counts[feasible] == 0 && r.has_closest) {
    const plan_ref ref = plan_of_index(sp, r.closest_index);
    plans.push_back({0, ref, evaluate_ref(sc, ref)});
  }

  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  h += "<title>dcplan report: " + esc(sc.file) + "</title><style>" + kStyle +
       "</style></head><body>";
  h += "<header><h1>Data-center plan: " + esc(question_text(sc)) + "</h1>";
  h += fmt::format(
      "<p class=\"meta\">Scenario {}. dcplan (model version 1), {} backend{}: {} plans "
      "evaluated in {:.2f} s.{}</p></header>",
      esc(sc.file), esc(backend_name(r.backend)),
      r.backend == backend_kind::cpu ? fmt::format(" on {} threads", r.threads)
                                     : (r.device.empty() ? "" : " (" + esc(r.device) + ")"),
      grouped(static_cast<double>(r.plans_evaluated)), info.seconds,
      info.notice.empty() ? "" : " Note: " + esc(info.notice) + ".");
  h += question_section(sc, r, plans);
  h += plans_table(sc, plans, feasible_run);
  if (r.top.size() > plans.size())
    h += fmt::format("<p class=\"meta\">The first {} of {} reported plans; the JSON and CSV "
                     "outputs hold them all.</p>",
                     plans.size(), r.top.size());
  const std::vector<shown_plan> charted(plans.begin(),
                                        plans.begin() + std::min(plans.size(), kChartPlans));

  // Figure 1: the frontier.
  const std::vector<std::size_t> shown = thin_frontier(r.frontier);
  std::string cap = "The cost frontier: each marker is a plan that passes every test except "
                    "possibly the target and that no other such plan beats on both TCO and "
                    "effective compute, so the line is the least TCO at which each level of "
                    "compute can be had. ";
  if (r.has_frontier) {
    cap += fmt::format("{} plans are on it; {} ", grouped(static_cast<double>(r.frontier.size())),
                       r.frontier.size() == shown.size()
                           ? std::string("all are drawn.")
                           : fmt::format("{} are drawn (the cheapest in each of {} equal steps of "
                                         "log compute, and the most compute).",
                                         grouped(static_cast<double>(shown.size())),
                                         grouped(static_cast<double>(kFrontierShown - 1))));
  } else {
    cap += "This run did not compute it.";
  }
  if (sc.inference)
    cap += " The target is a rate of generated tokens, which the next figure shows.";
  else if (sc.globals().has_target)
    cap += " Plans right of the dashed line meet the target.";
  const shown_plan* chosen = plans.empty() ? nullptr : &plans.front();
  h += "<section id=\"frontier\"><h2>What each level of compute costs</h2>";
  int fig = 1;
  h += figure(fig++, charts::frontier_chart(sc, sp, r.frontier, shown, chosen), esc(cap));
  h += "</section>";
  // For an inference target, the same question in its own units (docs/inference.md).
  if (sc.inference) h += html_inference_section(sc, sp, r, fig++);

  // Figure 2: cost breakdown, with the definitions of its parts.
  h += "<section id=\"breakdown\"><h2>Where the money goes</h2>";
  h += figure(fig++, charts::breakdown_chart(sc, charted),
              fmt::format("Each plan's TCO as present values over the {:g}-year horizon "
                          "(annuity factor {:.4g} at {:g}% a year). The parts add up to the TCO.",
                          sc.horizon_years, sc.globals().annuity, sc.discount_rate * 100));
  h += "<ul class=\"defs\">"
       "<li><b>Hardware</b>: nodes, fabric and racks bought (hw_capex; build and colo).</li>"
       "<li><b>Facility</b>: the building and its power and cooling plant (fac_capex), less its "
       "discounted residual value at the horizon (build).</li>"
       "<li><b>Energy</b>: facility power &times; utilization &times; 8760 h &times; the site's "
       "price, a year, &times; the annuity factor (build and colo).</li>"
       "<li><b>Maintenance and staff</b>: maintenance rate &times; hw_capex, plus staff per MW of "
       "IT load (build), a year, &times; the annuity factor.</li>"
       "<li><b>Colocation fees</b>: IT kW &times; the colo price per kW-month &times; 12, a "
       "year, &times; the annuity factor (colo).</li>"
       "<li><b>Cloud rental</b>: accelerators &times; price per accelerator-hour &times; the "
       "site's multiplier &times; 8760 h, a year, &times; the annuity factor (cloud).</li>"
       "</ul></section>";

  // Figure 3: timeline.
  h += "<section id=\"timeline\"><h2>When it is ready</h2>";
  h += figure(fig++, charts::timeline_chart(sc, charted),
              sc.training ? "Months until each plan is ready (the longest of its lead times), "
                            "then its training run at its effective compute."
                          : "Months until each plan is ready: the longest of its lead times "
                            "(grid power and construction for a build, colo space, hardware "
                            "delivery, cloud capacity).");
  h += "</section>";

  // Figure 4: feasibility.
  h += "<section id=\"feasibility\"><h2>Why plans fail</h2>";
  h += figure(fig++, charts::feasibility_chart(r),
              "Every plan of the space counted once: under the first test it fails, in the "
              "order of the model, or as passing every test.");
  h += "</section>";

  h += html_risk_section(sc, sp, r, info.risk);
  h += html_portfolio_section(sc, sp, extras.portfolio);
  h += assumptions_section(sc);
  h += "<footer>Every figure follows the planning model (docs/model.md); the report's charts and "
       "terms are described in docs/report.md. The JSON report (--json) and the CSV (--csv) "
       "carry the same figures unrounded.</footer>";
  h += "</body></html>\n";
  return h;
}

} // namespace dcplan
