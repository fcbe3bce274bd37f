// The HTML report's charts: the cost frontier, the cost breakdown, the timeline and the plans
// failing each feasibility test. Colours are the Okabe-Ito palette, which readers with any
// common colour-vision deficiency tell apart; shapes and hatching carry the same distinctions
// in greyscale print.
#include "report_charts.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "dcplan/report/plan_analysis.hpp"
#include "svg.hpp"

namespace dcplan::charts {
namespace {

// Okabe & Ito, "Color Universal Design" (2008): blue, vermillion, bluish green, reddish
// purple, orange, sky blue, yellow.
const char* const kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                "#E69F00", "#56B4E9", "#F0E442"};
constexpr int kPaletteSize = 7;
const char* const kOther = "#999999";

std::string num(double x) { return fmt::format("{}", x); }

const char* source_name(int m) { return to_string(static_cast<sourcing>(m)); }

// A marker of sourcing m centred at (x, y): build a circle, colo a square, cloud a triangle.
std::string marker(int m, double x, double y, double r, const std::string& fill,
                   const std::string& attrs) {
  using svg::px;
  if (m == static_cast<int>(sourcing::colo))
    return fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}>",
                       px(x - r), px(y - r), px(2 * r), px(2 * r), fill, attrs);
  if (m == static_cast<int>(sourcing::cloud)) {
    const double h = r * 1.25;
    return fmt::format("<path d=\"M{},{}L{},{}L{},{}Z\" fill=\"{}\"{}>", px(x), px(y - h),
                       px(x + h), px(y + h * 0.8), px(x - h), px(y + h * 0.8), fill, attrs);
  }
  return fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"{}>", px(x), px(y), px(r),
                     fill, attrs);
}

std::string marker_close(int m) {
  if (m == static_cast<int>(sourcing::colo)) return "</rect>";
  if (m == static_cast<int>(sourcing::cloud)) return "</path>";
  return "</circle>";
}

std::string usd_tick(double v) { return v == 0 ? "$0" : human_usd(v); }

// The kinds of cost of the breakdown, with their colour and hatching.
struct part {
  const char* key;
  const char* name;
  const char* colour;
  const char* overlay; // drawn over the colour in a 8x8 tile
};
const part kParts[] = {
    {"hardware", "Hardware (nodes, fabric, racks)", "#0072B2", ""},
    {"facility", "Facility, net of residual value", "#E69F00",
     "<path d=\"M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6\" stroke=\"#000\" stroke-opacity=\"0.45\" "
     "stroke-width=\"1.4\"/>"},
    {"energy", "Energy", "#D55E00",
     "<circle cx=\"2\" cy=\"2\" r=\"1.3\" fill=\"#fff\" fill-opacity=\"0.85\"/><circle cx=\"6\" "
     "cy=\"6\" r=\"1.3\" fill=\"#fff\" fill-opacity=\"0.85\"/>"},
    {"maintenance_staff", "Maintenance and staff", "#56B4E9",
     "<path d=\"M0,2 H8 M0,6 H8\" stroke=\"#000\" stroke-opacity=\"0.45\" stroke-width=\"1.2\"/>"},
    {"colo_fees", "Colocation fees", "#CC79A7",
     "<path d=\"M0,0 L8,8 M8,0 L0,8\" stroke=\"#fff\" stroke-opacity=\"0.9\" "
     "stroke-width=\"1.2\"/>"},
    {"cloud", "Cloud rental", "#009E73",
     "<path d=\"M2,0 V8 M6,0 V8\" stroke=\"#fff\" stroke-opacity=\"0.85\" "
     "stroke-width=\"1.4\"/>"},
};

std::string pattern_defs(const std::string& prefix) {
  std::string d = "<defs>";
  for (const part& p : kParts)
    d += fmt::format(
        "<pattern id=\"{}-{}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect "
        "width=\"8\" height=\"8\" fill=\"{}\"/>{}</pattern>",
        prefix, p.key, p.colour, p.overlay);
  d += fmt::format(
      "<pattern id=\"{}-job\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect "
      "width=\"8\" height=\"8\" fill=\"#E69F00\"/><path d=\"M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6\" "
      "stroke=\"#000\" stroke-opacity=\"0.45\" stroke-width=\"1.4\"/></pattern>",
      prefix);
  return d + "</defs>";
}

double part_value(const cost_breakdown& b, int k) {
  const double v[] = {b.hardware, b.facility, b.energy, b.maintenance_staff, b.colo_fees, b.cloud};
  return v[k];
}

// What sets a plan's ready_months (MODEL.md "Figures of a plan", ready_months).
std::string ready_driver(const scenario& sc, const plan_ref& ref) {
  const site_rec& s = sc.sites[ref.site];
  const system_rec& a = sc.systems[ref.system];
  const auto m = static_cast<sourcing>(ref.sourcing);
  if (m == sourcing::cloud) return "cloud capacity";
  if (m == sourcing::colo)
    return s.colo_lead_months >= a.lead_time_months ? "colo space" : "hardware delivery";
  if (s.power_lead_months >= sc.construction_months && s.power_lead_months >= a.lead_time_months)
    return "grid power";
  if (sc.construction_months >= a.lead_time_months) return "construction";
  return "hardware delivery";
}

constexpr double kDaysPerMonth = 30.4375; // MODEL.md "Feasibility", test 7

} // namespace

std::string plan_label(const scenario& sc, const shown_plan& p) {
  return fmt::format("{} {} \u00b7 {} \u00b7 {} \u00b7 {} nodes",
                     p.rank > 0 ? "#" + std::to_string(p.rank) : std::string("closest"),
                     sc.site_meta[p.ref.site].id, sc.system_meta[p.ref.system].id,
                     source_name(p.ref.sourcing), grouped(p.ref.nodes));
}

// Kept whole: axes, step line, markers and legend share one scale and one list of shown points.
// NOLINTNEXTLINE(readability-function-size)
std::string frontier_chart(const scenario& sc, const plan_space& sp,
                           const std::vector<frontier_point>& points,
                           const std::vector<std::size_t>& shown, const shown_plan* chosen) {
  const globals_rec g = sc.globals();
  const double left = 96, right = 700, top = 24, bottom = 430, W = 960, H = 490;
  svg::canvas c(W, H, "Cost frontier: TCO against effective compute",
                "Each marker is a plan that no other plan beats on both TCO and effective "
                "compute; log scales.");

  // Domains over everything drawn.
  double x0 = INFINITY, x1 = 0, y0 = INFINITY, y1 = 0;
  const auto take = [&](double eff, double tco) {
    if (!(eff > 0) || !(tco > 0)) return;
    x0 = std::min(x0, eff), x1 = std::max(x1, eff), y0 = std::min(y0, tco), y1 = std::max(y1, tco);
  };
  for (const std::size_t i : shown) take(points[i].eff, points[i].tco);
  if (chosen) take(chosen->f.effective_flops, chosen->f.tco);
  const bool has_target = g.has_target && g.required_effective_flops > 0;
  if (has_target && x1 > 0) take(g.required_effective_flops, y0);
  if (sc.budget_tco_usd && x1 > 0) take(x0, *sc.budget_tco_usd);
  if (x1 == 0) {
    c.text((left + right) / 2, (top + bottom) / 2,
           "No plan passes every test but the target: there is no frontier to draw.", "middle",
           "note");
    return c.str();
  }
  svg::log_domain(x0, x1);
  svg::log_domain(y0, y1);
  const svg::scale xs{x0, x1, left, right, true}, ys{y0, y1, bottom, top, true};
  c.x_axis(
      xs, bottom, top, svg::ticks(xs), [](double v) { return human_flops(v); },
      fmt::format("Effective {} compute (FLOP/s, log scale)", to_string(sc.prec)));
  c.y_axis(ys, left, right, svg::ticks(ys), usd_tick,
           fmt::format("{:g}-year TCO (USD, log scale)", sc.horizon_years));

  // Colours by system, in order of first appearance along the frontier.
  std::map<int, std::string> colour;
  std::vector<int> systems;
  const auto colour_of = [&](int a) -> std::string {
    auto it = colour.find(a);
    if (it != colour.end()) return it->second;
    std::string col = systems.size() < kPaletteSize ? kPalette[systems.size()] : kOther;
    systems.push_back(a);
    colour[a] = col;
    return col;
  };
  std::vector<plan_ref> refs;
  refs.reserve(shown.size());
  for (const std::size_t i : shown) refs.push_back(plan_of_index(sp, points[i].index));
  for (const plan_ref& r : refs) colour_of(r.system);
  if (chosen) colour_of(chosen->ref.system);

  // The frontier as a step line: from one point, compute up to the next costs the next's TCO.
  std::string path;
  for (std::size_t k = 0; k < shown.size(); ++k) {
    const frontier_point& p = points[shown[k]];
    if (k == 0) {
      path += fmt::format("M{},{}", svg::px(xs(p.eff)), svg::px(ys(p.tco)));
    } else {
      path += fmt::format("V{}H{}", svg::px(ys(p.tco)), svg::px(xs(p.eff)));
    }
  }
  c.add(fmt::format("<path d=\"{}\" class=\"front-line\"/>", path));

  if (has_target) {
    const double x = xs(g.required_effective_flops);
    c.line(x, top, x, bottom, "target");
    const bool near_edge = x > right - 140; // keep the label inside the plot
    c.text(near_edge ? x - 4 : x + 4, top + 12, "target " + human_flops(g.required_effective_flops),
           near_edge ? "end" : "start", "label");
  }
  if (sc.budget_tco_usd) {
    const double y = ys(*sc.budget_tco_usd);
    c.line(left, y, right, y, "target");
    c.text(left + 6, y - 5, "TCO budget " + human_usd(*sc.budget_tco_usd), "start", "label");
  }

  c.add("<g class=\"points\">");
  for (std::size_t k = 0; k < shown.size(); ++k) {
    const frontier_point& p = points[shown[k]];
    const plan_ref& r = refs[k];
    const std::string tip = fmt::format(
        "{} {} {} {} {} x{}: {} for TCO {} (capex {})", sc.site_meta[r.site].id,
        sc.system_meta[r.system].id, r.cooling < 0 ? "-" : sc.cooling_meta[r.cooling].id,
        sc.fabric_meta[r.fabric].id, source_name(r.sourcing), grouped(r.nodes), human_flops(p.eff),
        human_usd(p.tco), human_usd(p.capex));
    c.add(marker(r.sourcing, xs(p.eff), ys(p.tco), 3.4, colour_of(r.system),
                 fmt::format(" class=\"fp\" data-flops=\"{}\" data-tco=\"{}\" data-capex=\"{}\"",
                             num(p.eff), num(p.tco), num(p.capex))) +
          "<title>" + svg::esc(tip) + "</title>" + marker_close(r.sourcing));
  }
  c.add("</g>");

  if (chosen) {
    const double x = xs(chosen->f.effective_flops), y = ys(chosen->f.tco);
    c.add(fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"11\" class=\"chosen\"/>", svg::px(x),
                      svg::px(y)));
    c.add(marker(chosen->ref.sourcing, x, y, 4.5, colour_of(chosen->ref.system),
                 " stroke=\"#000\" stroke-width=\"1\"") +
          marker_close(chosen->ref.sourcing));
    const std::string lab = chosen->rank > 0 ? "#1 (chosen)" : "closest plan";
    c.text(x - 14, y - 14, lab, "end", "label strong");
  }

  // Legend.
  double ly = top + 8;
  const double lx = right + 34;
  c.text(lx, ly, "System (colour)", "start", "legend-title");
  ly += 20;
  for (const int a : systems) {
    c.add(marker(0, lx + 6, ly - 4, 5, colour[a], "") + marker_close(0));
    c.text(lx + 18, ly, colour[a] == kOther ? "other systems" : sc.system_meta[a].id, "start",
           "legend");
    ly += 19;
    if (colour[a] == kOther) break;
  }
  ly += 10;
  c.text(lx, ly, "Sourcing (shape)", "start", "legend-title");
  ly += 20;
  for (int m = 0; m < 3; ++m) {
    c.add(marker(m, lx + 6, ly - 4, 5, "#444", "") + marker_close(m));
    c.text(lx + 18, ly, source_name(m), "start", "legend");
    ly += 19;
  }
  ly += 10;
  c.add(fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"8\" class=\"chosen\"/>", svg::px(lx + 6),
                    svg::px(ly - 4)));
  c.text(lx + 22, ly, chosen && chosen->rank == 0 ? "closest plan" : "chosen plan (#1)", "start",
         "legend");
  ly += 22;
  c.line(lx, ly - 4, lx + 14, ly - 4, "front-line");
  c.text(lx + 22, ly, "frontier (cheapest TCO", "start", "legend");
  c.text(lx + 22, ly + 15, "for each compute level)", "start", "legend");
  ly += 36;
  if (has_target || sc.budget_tco_usd) {
    c.line(lx, ly - 4, lx + 14, ly - 4, "target");
    c.text(lx + 22, ly, has_target ? "required compute" : "TCO budget", "start", "legend");
    if (has_target && sc.budget_tco_usd)
      c.text(lx + 22, ly + 15, "and TCO budget", "start", "legend");
  }
  return c.str();
}

// The rows' labels of a chart of `plans`.
std::vector<std::string> plan_labels(const scenario& sc, const std::vector<shown_plan>& plans) {
  std::vector<std::string> out;
  out.reserve(plans.size());
  for (const shown_plan& p : plans) out.push_back(plan_label(sc, p));
  return out;
}

std::string breakdown_chart(const scenario& sc, const std::vector<shown_plan>& plans) {
  // The left margin holds the longest label; the bars keep their width and the chart widens.
  const double left = svg::label_margin(plan_labels(sc, plans), 330), row = 30, top = 64;
  const double right = left + 520, W = right + 110;
  const double bottom = top + row * std::max<std::size_t>(plans.size(), 1);
  const double H = bottom + 56;
  svg::canvas c(W, H, "Cost breakdown of the top plans",
                "Stacked bars: each plan's TCO split into present values of hardware, facility, "
                "energy, maintenance and staff, colocation fees and cloud rental.");
  c.add(pattern_defs("cb"));
  // Legend across the top, two rows of three.
  for (int k = 0; k < 6; ++k) {
    const int row = k / 3, column = k % 3; // whole rows and columns of the legend
    const double x = 20 + column * 300, y = 14 + row * 22;
    c.rect(x, y, 16, 14, fmt::format("url(#cb-{})", kParts[k].key), "stroke=\"#333\"");
    c.text(x + 22, y + 12, kParts[k].name, "start", "legend");
  }
  if (plans.empty()) {
    c.text((left + right) / 2, top + 20, "No plan to show.", "middle", "note");
    return c.str();
  }
  std::vector<cost_breakdown> parts;
  double most = 0;
  for (const shown_plan& p : plans) {
    parts.push_back(breakdown_of(sc, p.ref, p.f));
    most = std::max(most, parts.back().total());
  }
  const svg::scale xs{0, svg::nice_ceil(most), left, right, false};
  c.x_axis(xs, bottom, top - 4, svg::ticks(xs, 6), usd_tick,
           fmt::format("Present value over the {:g}-year horizon (USD)", sc.horizon_years));
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const double y = top + row * i + 5, h = row - 10;
    c.text(left - 10, y + h / 2 + 4, plan_label(sc, plans[i]), "end", "row-label");
    double acc = 0;
    for (int k = 0; k < 6; ++k) {
      const double v = part_value(parts[i], k);
      if (v <= 0) continue;
      const double x = xs(acc);
      c.add(fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#cb-{})\" class=\"seg\" "
          "data-rank=\"{}\" data-part=\"{}\" data-v=\"{}\"><title>{}: {}</title></rect>",
          svg::px(x), svg::px(y), svg::px(xs(acc + v) - x), svg::px(h), kParts[k].key,
          plans[i].rank, kParts[k].key, num(v), svg::esc(kParts[k].name), human_usd(v)));
      acc += v;
    }
    c.text(xs(acc) + 6, y + h / 2 + 4, "TCO " + human_usd(plans[i].f.tco), "start", "value");
  }
  return c.str();
}

std::string timeline_chart(const scenario& sc, const std::vector<shown_plan>& plans) {
  const bool training = sc.training.has_value();
  const double left = svg::label_margin(plan_labels(sc, plans), 330), row = 30, top = 44;
  const double right = left + (training ? 390 : 460), W = left + 630;
  const double bottom = top + row * std::max<std::size_t>(plans.size(), 1);
  const double H = bottom + 56;
  svg::canvas c(W, H, "Timeline of the top plans",
                training ? "Months until each plan is ready, then its training run."
                         : "Months until each plan is ready.");
  c.add(pattern_defs("tl"));
  c.rect(20, 12, 16, 14, "#0072B2", "stroke=\"#333\"");
  c.text(42, 24, "until ready (longest lead time named)", "start", "legend");
  double lx = 330;
  if (training) {
    c.rect(lx, 12, 16, 14, "url(#tl-job)", "stroke=\"#333\"");
    c.text(lx + 22, 24, "training run (job days)", "start", "legend");
    lx += 220;
  }
  if (sc.deadline_months) {
    c.line(lx, 19, lx + 16, 19, "target");
    c.text(lx + 22, 24, fmt::format("deadline ({:g} months)", *sc.deadline_months), "start",
           "legend");
  }
  if (plans.empty()) {
    c.text((left + right) / 2, top + 20, "No plan to show.", "middle", "note");
    return c.str();
  }
  double most = sc.deadline_months.value_or(0);
  for (const shown_plan& p : plans) {
    double end = p.f.ready_months;
    if (training) end += p.f.job_days / kDaysPerMonth;
    most = std::max(most, end);
  }
  const svg::scale xs{0, svg::nice_ceil(std::max(most, 1.0)), left, right, false};
  c.x_axis(
      xs, bottom, top - 4, svg::ticks(xs, 8), [](double v) { return fmt::format("{:g}", v); },
      training ? "Months from the decision (training run: job days / 30.4375)"
               : "Months from the decision");
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const shown_plan& p = plans[i];
    const double y = top + row * i + 5, h = row - 10;
    c.text(left - 10, y + h / 2 + 4, plan_label(sc, p), "end", "row-label");
    const double r = p.f.ready_months;
    c.add(fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#0072B2\" class=\"ready\" "
        "data-rank=\"{}\" data-v=\"{}\"><title>ready after {:g} months</title></rect>",
        svg::px(xs(0)), svg::px(y), svg::px(xs(r) - xs(0)), svg::px(h), p.rank, num(r), r));
    double end = r;
    std::string note = fmt::format("{:g} mo ({})", r, ready_driver(sc, p.ref));
    if (training) {
      const double job = p.f.job_days / kDaysPerMonth;
      c.add(fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#tl-job)\" class=\"job\" "
          "data-rank=\"{}\" data-v=\"{}\"><title>training run of {:.1f} days</title></rect>",
          svg::px(xs(r)), svg::px(y), svg::px(xs(r + job) - xs(r)), svg::px(h), p.rank,
          num(p.f.job_days), p.f.job_days));
      end += job;
      note += fmt::format(" + {:.1f} days", p.f.job_days);
    }
    c.text(xs(end) + 6, y + h / 2 + 4, note, "start", "value");
  }
  if (sc.deadline_months) {
    const double x = xs(*sc.deadline_months);
    c.line(x, top - 4, x, bottom, "target");
  }
  return c.str();
}

std::string feasibility_chart(const engine_result& r) {
  static const char* const what[kReasonCount] = {"passes every test",
                                                 "accelerator not available by the target year",
                                                 "cooling below the system's minimum",
                                                 "a node does not fit in a rack",
                                                 "needs more than 3 fabric tiers",
                                                 "over the site's power, colo space or cloud quota",
                                                 "short of the required compute",
                                                 "not ready by the deadline",
                                                 "over the capex or TCO budget",
                                                 "no replica of the model fits or serves"};
  const double left = 360, right = 800, W = 960, row = 28, top = 16;
  const double bottom = top + row * kReasonCount;
  const double H = bottom + 56;
  svg::canvas c(W, H, "Plans failing each feasibility test",
                "Horizontal bars, log scale: how many plans fail each test first, in MODEL.md "
                "order, and how many pass every test.");
  double most = 1;
  for (int k = 0; k < kReasonCount; ++k) most = std::max(most, static_cast<double>(r.counts[k]));
  double lo = 1, hi = most;
  svg::log_domain(lo, hi);
  if (hi < 10) hi = 10;
  const svg::scale xs{1, hi, left, right, true};
  c.x_axis(
      xs, bottom, top, svg::ticks(xs), [](double v) { return grouped(v); },
      "Plans (log scale); each plan counts under the first test it fails");
  // Failing tests first in MODEL.md order, then the feasible plans.
  for (int i = 0; i < kReasonCount; ++i) {
    const int k = i + 1 < kReasonCount ? i + 1 : 0;
    const double y = top + row * i + 5, h = row - 10;
    const double n = static_cast<double>(r.counts[k]);
    const std::string name =
        k ? fmt::format("{} {}: {}", k, reason_name(k), what[k]) : std::string(what[0]);
    c.text(left - 10, y + h / 2 + 4, name, "end", k ? "row-label" : "row-label strong");
    const double x1 = n >= 1 ? xs(n) : left;
    c.add(fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" class=\"reason\" "
        "data-reason=\"{}\" data-v=\"{}\"><title>{}: {} plans</title></rect>",
        svg::px(left), svg::px(y), svg::px(x1 - left), svg::px(h), k ? "#0072B2" : "#009E73",
        reason_name(k), r.counts[k], svg::esc(name), grouped(n)));
    const double share = r.plans_evaluated ? 100.0 * n / static_cast<double>(r.plans_evaluated) : 0;
    c.text(x1 + 6, y + h / 2 + 4, fmt::format("{} ({:.3g}%)", grouped(n), share), "start", "value");
  }
  return c.str();
}

} // namespace dcplan::charts
