// The sections a run may add to the HTML report (docs/report.md "The HTML report"): risk
// (MODEL.md "Risk") and the portfolio (MODEL.md "Portfolios"), drawn from the run's own figures.
#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "dcplan/report/plan_analysis.hpp"
#include "dcplan/report/report_html.hpp"
#include "svg.hpp"

namespace dcplan {
namespace {

using svg::esc;

// A plan of the top list as the risk chart and table label it: "#1 site system sourcing x512"
// (its node count: the top plans often differ in nothing else).
std::string risk_label(const scenario& sc, const plan_space& sp, const engine_result& r,
                       std::size_t i) {
  const plan_ref ref = plan_of_index(sp, r.top[i].index);
  return fmt::format("#{} {} {} {} x{}", i + 1, sc.site_meta[ref.site].id,
                     sc.system_meta[ref.system].id, to_string(static_cast<sourcing>(ref.sourcing)),
                     grouped(ref.nodes));
}

// A probability as a percentage; "-" where it is not defined (no deadline).
std::string percent(double p) { return std::isnan(p) ? "-" : fmt::format("{:.1f}%", 100 * p); }

std::string risk_chart(const std::vector<std::string>& labels,
                       const std::vector<risk_figures>& risk) {
  // One row per plan: the p10-p90 range of its TCO over the draws, the median, the mean and
  // the CVaR95 (MODEL.md "Risk"), on a shared axis.
  const std::size_t n = std::min<std::size_t>(labels.size(), 10);
  double lo = 1e300, hi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    lo = std::min(lo, risk[i].p10_tco);
    hi = std::max(hi, std::max(risk[i].cvar95_tco, risk[i].p90_tco));
  }
  if (!(hi > lo)) hi = lo * 1.1 + 1;
  const double left = svg::label_margin(labels, 260), right = left + 600, top = 40, row = 28;
  const double height = top + row * n + 60;
  svg::canvas c(right + 40, height, "TCO under uncertainty",
                "For each top plan, the 10th to 90th percentile of its TCO over the Monte Carlo "
                "draws, with the median, the mean and the CVaR95.");
  const svg::scale xs{lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05, left, right};
  c.x_axis(
      xs, top + row * n + 8, top - 10, svg::ticks(xs, 6), [](double v) { return human_usd(v); },
      "TCO over the horizon (USD), across draws");
  for (std::size_t i = 0; i < n; ++i) {
    const risk_figures& x = risk[i];
    const double y = top + row * i + row / 2;
    c.text(left - 8, y + 4, labels[i], "end");
    c.rect(xs(x.p10_tco), y - 7, std::max(1.0, xs(x.p90_tco) - xs(x.p10_tco)), 14, "#56B4E9");
    c.add(fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#000\" stroke-width=\"2\"/>",
        svg::px(xs(x.p50_tco)), svg::px(y - 9), svg::px(y + 9)));
    c.add(fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"#000\"/>",
                      svg::px(xs(x.mean_tco)), svg::px(y)));
    c.add(fmt::format("<path d=\"M{} {} l5 8 h-10 z\" fill=\"#D55E00\"/>",
                      svg::px(xs(x.cvar95_tco)), svg::px(y - 4)));
  }
  return c.str();
}

std::string portfolio_rows(const scenario& sc, const plan_space& sp, const portfolio_solution& b) {
  std::string rows;
  for (const pool_candidate& m : b.members) {
    const plan_ref ref = plan_of_index(sp, m.index);
    const plan_figures f = evaluate_ref(sc, ref);
    rows += fmt::format(
        "<tr><td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{:.0f}</td>"
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
        esc(sc.site_meta[ref.site].id), esc(to_string(static_cast<sourcing>(ref.sourcing))),
        esc(sc.system_meta[ref.system].id),
        esc(ref.cooling < 0 ? std::string("-") : sc.cooling_meta[ref.cooling].id),
        esc(sc.fabric_meta[ref.fabric].id), f.nodes, human_flops(f.effective_flops),
        human_usd(f.capex), human_usd(f.tco));
  }
  rows += fmt::format("<tr><th colspan=\"5\">total</th><th class=\"n\">{}</th><th class=\"n\">{}"
                      "</th><th class=\"n\">{}</th></tr>",
                      human_flops(b.flops), human_usd(b.capex), human_usd(b.tco));
  return rows;
}

// The cost curve: the optimal objective at each share of the target, in the objective's unit;
// under effective_flops the budget curve: the most FLOP/s at each scale of the budgets (MODEL.md
// "Portfolios"). A point whose search stopped at the work limit shows its best portfolio found,
// hollow.
std::string cost_curve_figure(objective o, const portfolio_report& rep) {
  const bool budget = o == objective::effective_flops;
  std::vector<std::pair<double, double>> pts;
  std::vector<std::optional<double>> bounds;
  for (std::size_t i = 0; i < rep.cost_curve.size(); ++i)
    if (rep.cost_curve[i]) {
      pts.emplace_back(kCostCurveFractions[i], *rep.cost_curve[i]);
      bounds.push_back(i < rep.cost_curve_bound.size() ? rep.cost_curve_bound[i] : std::nullopt);
    }
  if (pts.empty()) return "";
  const auto shown = [o](double v) { return objective_text(o, v); };
  double ymax = 0;
  for (const auto& [f, v] : pts) ymax = std::max(ymax, v);
  svg::canvas c(900, 360, budget ? "Portfolio budget curve" : "Portfolio cost curve",
                budget ? "The most effective FLOP/s a portfolio reaches at 25% to 200% of the "
                         "budgets."
                       : "The optimal portfolio's objective at 25% to 200% of the target.");
  const svg::scale xs{0, 2.1, 110, 860}, ys{0, svg::nice_ceil(ymax > 0 ? ymax : 1), 310, 30};
  c.x_axis(
      xs, 310, 30, {0.25, 0.5, 0.75, 1.0, 1.5, 2.0},
      [](double v) { return fmt::format("{:g}%", 100 * v); },
      budget ? "scale of the budgets" : "share of the target");
  c.y_axis(ys, 110, 860, svg::ticks(ys, 6), shown,
           budget ? "most effective FLOP/s" : "optimal objective");
  std::string d;
  for (const auto& [f, v] : pts)
    d += (d.empty() ? "M" : " L") + svg::px(xs(f)) + " " + svg::px(ys(v));
  c.add("<path d=\"" + d + "\" fill=\"none\" stroke=\"#0072B2\" stroke-width=\"2\"/>");
  bool unproven = false;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const auto [f, v] = pts[i];
    if (bounds[i]) unproven = true;
    c.add(fmt::format(
        "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\" stroke=\"#0072B2\" stroke-width=\"2\">"
        "<title>{:g}%: {}</title></circle>",
        svg::px(xs(f)), svg::px(ys(v)), bounds[i] ? "#ffffff" : "#0072B2", 100 * f,
        bounds[i] ? shown(v) + " (best found; optimum " + (budget ? "<= " : ">= ") +
                        shown(*bounds[i]) + ")"
                  : shown(v)));
  }
  const std::string what =
      budget ? "What more budget buys: the exact most effective FLOP/s within the budgets scaled "
               "together (MODEL.md \"Portfolios\"); scales at which no plan fits are left out."
             : "What the next exaflop costs: the exact optimum at each share of the target "
               "(MODEL.md \"Portfolios\"); shares with no feasible portfolio are left out.";
  return "<figure>" + c.str() + "<figcaption><b>Figure.</b> " + what +
         std::string(unproven ? std::string(" Hollow points: the search stopped at the work "
                                            "limit; the best portfolio found, with the proven ") +
                                    (budget ? "upper" : "lower") + " bound in its tooltip."
                              : "") +
         "</figcaption></figure>";
}

// ---- the inference cost frontier (docs/inference.md "Reports") --------------------------------

// A plan that serves the model, as the inference chart draws it (MODEL.md "Inference targets":
// tokens_per_second and usd_per_million_tokens).
struct served_plan {
  plan_ref ref;
  double tps;    // generated tokens/s, all replicas
  double usd_m;  // USD per million generated tokens
  bool chosen;   // the report's first plan (#1, or the closest plan)
  bool on_front; // no other candidate beats it on both figures
};

// Every candidate that serves (replicas >= 1), then only those no other candidate beats on both
// figures (more tokens/s and fewer USD per million tokens), in ascending tokens/s; the chosen
// plan is kept whatever its place.
std::vector<served_plan> serving_frontier(std::vector<served_plan> all) {
  std::sort(all.begin(), all.end(), [](const served_plan& a, const served_plan& b) {
    if (a.tps != b.tps) return a.tps > b.tps;
    return a.usd_m < b.usd_m;
  });
  std::vector<served_plan> front;
  double least = INFINITY;
  for (served_plan& p : all) {
    p.on_front = p.usd_m < least;
    if (p.on_front) least = p.usd_m;
    if (p.on_front || p.chosen) front.push_back(p);
  }
  std::reverse(front.begin(), front.end());
  return front;
}

std::string serving_chart(const scenario& sc, const std::vector<served_plan>& pts,
                          double required_tps) {
  const double left = 96, right = 700, top = 24, bottom = 430;
  svg::canvas c(960, 490, "Inference cost frontier: cost per million tokens against tokens/s",
                "Each marker is a plan that no other drawn plan beats on both generated tokens "
                "per second and cost per million tokens; log scales.");
  double x0 = INFINITY, x1 = 0, y0 = INFINITY, y1 = 0;
  for (const served_plan& p : pts) {
    x0 = std::min(x0, p.tps), x1 = std::max(x1, p.tps);
    y0 = std::min(y0, p.usd_m), y1 = std::max(y1, p.usd_m);
  }
  if (required_tps > 0) x0 = std::min(x0, required_tps), x1 = std::max(x1, required_tps);
  svg::log_domain(x0, x1);
  svg::log_domain(y0, y1);
  const svg::scale xs{x0, x1, left, right, true}, ys{y0, y1, bottom, top, true};
  c.x_axis(
      xs, bottom, top, svg::ticks(xs), [](double v) { return human_count(v); },
      "Generated tokens per second, all replicas (log scale)");
  c.y_axis(
      ys, left, right, svg::ticks(ys), [](double v) { return fmt::format("${:g}", v); },
      fmt::format("Cost per million tokens over {:g} years (USD, log scale)", sc.horizon_years));
  std::string path;
  // The least cost per million tokens at which each rate can be had: from one point, a higher
  // rate costs the next point's figure.
  for (const served_plan& p : pts) {
    if (!p.on_front) continue;
    path += path.empty() ? fmt::format("M{},{}", svg::px(xs(p.tps)), svg::px(ys(p.usd_m)))
                         : fmt::format("V{}H{}", svg::px(ys(p.usd_m)), svg::px(xs(p.tps)));
  }
  c.add(fmt::format("<path d=\"{}\" class=\"front-line\"/>", path));
  if (required_tps > 0) {
    const double x = xs(required_tps);
    c.line(x, top, x, bottom, "target");
    const bool near_edge = x > right - 140;
    c.text(near_edge ? x - 4 : x + 4, top + 12, "target " + human_count(required_tps) + " tokens/s",
           near_edge ? "end" : "start", "label");
  }
  c.add("<g class=\"points\">");
  for (const served_plan& p : pts) {
    const plan_ref& r = p.ref;
    const std::string tip = fmt::format(
        "{} {} {} {} x{}: {} tokens/s at ${:.3g} per million tokens", sc.site_meta[r.site].id,
        sc.system_meta[r.system].id, to_string(static_cast<sourcing>(r.sourcing)),
        sc.fabric_meta[r.fabric].id, grouped(r.nodes), human_count(p.tps), p.usd_m);
    c.add(fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" class=\"ip\" fill=\"#0072B2\" "
                      "data-tps=\"{}\" data-usd-per-mtok=\"{}\"><title>{}</title></circle>",
                      svg::px(xs(p.tps)), svg::px(ys(p.usd_m)), p.chosen ? 4.5 : 3.4,
                      fmt::format("{}", p.tps), fmt::format("{}", p.usd_m), esc(tip)));
    if (p.chosen) {
      c.add(fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"11\" class=\"chosen\"/>",
                        svg::px(xs(p.tps)), svg::px(ys(p.usd_m))));
      c.text(xs(p.tps) - 14, ys(p.usd_m) - 14, "chosen", "end", "label strong");
    }
  }
  c.add("</g>");
  return c.str();
}

} // namespace

std::string html_inference_section(const scenario& sc, const plan_space& sp, const engine_result& r,
                                   int figure_number) {
  if (!sc.inference) return "";
  // Candidates: the reported plans (the closest plan when none is feasible) and the plans of
  // the cost frontier, each evaluated again for its serving figures.
  std::vector<served_plan> all;
  const auto add = [&](std::uint64_t index, bool chosen) {
    const plan_ref ref = plan_of_index(sp, index);
    const plan_figures f = evaluate_ref(sc, ref);
    if (f.tokens_per_second > 0 && std::isfinite(f.usd_per_million_tokens))
      all.push_back({ref, f.tokens_per_second, f.usd_per_million_tokens, chosen, false});
  };
  for (std::size_t i = 0; i < r.top.size(); ++i) add(r.top[i].index, i == 0);
  if (r.top.empty() && r.has_closest) add(r.closest_index, true);
  for (const std::size_t i : thin_frontier(r.frontier)) add(r.frontier[i].index, false);
  std::string h = "<section id=\"serving\"><h2>What each rate of serving costs</h2>";
  if (all.empty())
    return h + "<p>No plan of this run holds a replica of the model, so there is no inference "
               "cost frontier to draw.</p></section>";
  const std::vector<served_plan> front = serving_frontier(std::move(all));
  const auto on_front =
      std::count_if(front.begin(), front.end(), [](const served_plan& p) { return p.on_front; });
  h += "<figure>" + serving_chart(sc, front, sc.inference->tokens_per_second);
  h += fmt::format(
      "<figcaption><strong>Figure {}.</strong> The inference cost frontier: the TCO of each "
      "plan spread over the tokens it generates in {:g} years at {:g}% utilization (MODEL.md "
      "\"Inference targets\", usd_per_million_tokens), against the tokens per second it "
      "serves. Drawn from the reported plans and the plans of the compute cost frontier; {} "
      "of them are on this frontier. Plans right of the dashed line meet the target."
      "</figcaption></figure>",
      figure_number, sc.horizon_years, sc.utilization * 100, on_front);
  return h + "</section>";
}

std::string html_risk_section(const scenario& sc, const plan_space& sp, const engine_result& r,
                              const std::vector<risk_figures>& risk) {
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < risk.size() && i < r.top.size(); ++i)
    labels.push_back(risk_label(sc, sp, r, i));
  if (labels.empty()) return "";
  std::string rows;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const risk_figures& x = risk[i];
    rows += fmt::format(
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}"
        "</td></tr>",
        esc(labels[i]), human_usd(x.mean_tco), human_usd(x.p10_tco), human_usd(x.p50_tco),
        human_usd(x.p90_tco), human_usd(x.cvar95_tco), percent(x.p_meets_target),
        percent(x.p_meets_deadline));
  }
  return "<section id=\"risk\"><h2>Risk</h2><figure>" + risk_chart(labels, risk) +
         "<figcaption><b>Figure.</b> Blue bar: the 10th to 90th percentile of each plan's TCO "
         "over the draws; black tick: the median; dot: the mean; orange triangle: CVaR95, the "
         "mean of the worst 5% of draws (MODEL.md \"Risk\").</figcaption></figure>"
         "<table><thead><tr><th>plan</th><th>mean TCO</th><th>p10</th><th>p50</th><th>p90</th>"
         "<th>CVaR95</th><th>P(target)</th><th>P(deadline)</th></tr></thead><tbody>" +
         rows + "</tbody></table></section>";
}

std::string html_portfolio_section(const scenario& sc, const plan_space& sp,
                                   const portfolio_report* rep) {
  if (!rep || !rep->best.feasible) return "";
  const std::string what =
      sc.obj == objective::effective_flops
          ? "The set of at most one plan per (site, sourcing) pool with the most effective "
            "FLOP/s within the budgets: "
          : "The cheapest set of at most one plan per (site, sourcing) pool that meets the target "
            "together: objective ";
  return "<section id=\"portfolio\"><h2>Portfolio</h2><p>" + what +
         objective_text(sc.obj, rep->best.objective) +
         ".</p><table><thead><tr><th>pool</th><th>system</th>"
         "<th>cooling</th><th>fabric</th><th>nodes</th><th>effective compute</th><th>capex</th>"
         "<th>TCO</th></tr></thead><tbody>" +
         portfolio_rows(sc, sp, rep->best) + "</tbody></table>" + cost_curve_figure(sc.obj, *rep) +
         "</section>";
}

} // namespace dcplan
