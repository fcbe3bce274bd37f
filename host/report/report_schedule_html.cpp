// The HTML report of a schedule run (MODEL.md "What a schedule run reports"; docs/schedules.md
// "Outputs"): one self-contained page, no scripts, fonts or links, with three SVG charts drawn
// from the typed result: capacity in service by phase against demand, capex per year against
// the budget, and a Gantt chart of the phases. Every drawn figure carries its exact value in
// `data-v`, as in the planning report.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "dcplan/report/report.hpp"
#include "svg.hpp"

namespace dcplan {
namespace {

using svg::esc;

const char* kStyle = R"(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif;
       color: #111; background: #fff; max-width: 1240px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 30px 0 10px; border-bottom: 1px solid #bbb; padding-bottom: 4px; }
.meta { color: #444; font-size: 12px; margin: 0; }
.answer { font-size: 16px; background: #eef3f8; border-left: 4px solid #0072B2; padding: 10px 14px; margin: 12px 0; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { padding: 3px 6px; border-bottom: 1px solid #e0e0e0; text-align: left; }
th { border-bottom: 2px solid #666; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: #f7f7f7; }
figure { margin: 18px 0; }
figcaption { font-size: 12px; color: #222; margin-top: 4px; }
svg { max-width: 100%; height: auto; display: block; }
svg text { font-size: 12px; fill: #111; }
svg .tick { font-size: 11px; fill: #333; }
svg .axis-title { font-size: 12.5px; font-weight: 600; }
svg .axis { stroke: #333; stroke-width: 1; }
svg .grid { stroke: #e3e3e3; stroke-width: 1; }
svg .demand { fill: none; stroke: #000; stroke-width: 2; stroke-dasharray: 6 4; }
svg .budget { stroke: #000; stroke-width: 2; stroke-dasharray: 6 4; }
svg .cap, svg .capex, svg .serving, svg .building { stroke: #fff; stroke-width: 0.8; }
svg .note { font-size: 14px; fill: #444; }
)";

// Colour-blind-safe colours (Okabe and Ito), one per phase in key order, repeating.
const char* const kColours[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                "#56B4E9", "#D55E00", "#F0E442", "#999999"};
const char* colour(std::size_t k) { return kColours[k % (sizeof kColours / sizeof *kColours)]; }

std::string num(double x) { return fmt::format("{}", x); }

std::string phase_name(const scenario& sc, const phase& p) {
  return fmt::format("{} {} {} x{:.0f}", sc.site_meta[p.key.site].id,
                     to_string(static_cast<sourcing>(p.key.sourcing)),
                     sc.system_meta[p.key.system].id, p.fig.nodes);
}

// The horizontal layout shared by the year charts: one column per period.
struct year_axis {
  double left, right;
  int years;
  double column() const { return (right - left) / years; }
  double x(int t) const { return left + column() * t; }
};

void year_labels(svg::canvas& c, const year_axis& xa, int y0, double y) {
  for (int t = 0; t < xa.years; ++t)
    c.text(xa.x(t) + xa.column() / 2, y, std::to_string(y0 + t), "middle", "tick");
}

// Figure: capacity in service, stacked by phase, per year; the demand as a dashed step line.
std::string capacity_chart(const scenario& sc, const schedule_result& r) {
  const schedule_spec& s = *sc.schedule;
  const double W = 960, top = 30, bottom = 330, H = 380;
  svg::canvas c(W, H, "Capacity in service by phase against demand",
                "Stacked bars: each year's effective FLOP/s of the phases serving it, one colour "
                "per phase; the dashed line is the year's demand.");
  double most = 0;
  for (const schedule_period& p : r.periods)
    most = std::max({most, p.effective_flops, p.demand_effective_flops});
  const svg::scale ys{0, svg::nice_ceil(most > 0 ? most : 1), bottom, top, false};
  const year_axis xa{110, 930, s.years};
  c.y_axis(ys, xa.left, xa.right, svg::ticks(ys, 6), human_flops, "Effective FLOP/s");
  year_labels(c, xa, s.start_year, bottom + 18);
  for (int t = 0; t < s.years; ++t) {
    double acc = 0;
    const double x = xa.x(t) + xa.column() * 0.15, w = xa.column() * 0.7;
    for (std::size_t k = 0; k < r.phases.size(); ++k) {
      const phase& p = r.phases[k];
      if (!(p.fig.on <= t && t < p.fig.off)) continue;
      const double v = p.fig.effective_flops;
      c.add(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" "
                        "class=\"cap\" data-phase=\"{}\" data-year=\"{}\" data-v=\"{}\"><title>{}: "
                        "{}</title></rect>",
                        svg::px(x), svg::px(ys(acc + v)), svg::px(w),
                        svg::px(ys(acc) - ys(acc + v)), colour(k), k, s.start_year + t, num(v),
                        esc(phase_name(sc, p)), human_flops(v)));
      acc += v;
    }
  }
  // A step line: level across each year's column, vertical between years.
  std::string d;
  for (int t = 0; t < s.years; ++t) {
    const double y = ys(s.demand_effective_flops[static_cast<std::size_t>(t)]);
    d += t == 0 ? fmt::format("M{},{}", svg::px(xa.x(0)), svg::px(y))
                : fmt::format(" V{}", svg::px(y));
    d += fmt::format(" H{}", svg::px(xa.x(t + 1)));
  }
  c.add(fmt::format("<path class=\"demand\" d=\"{}\"/>", d));
  for (int t = 0; t < s.years; ++t)
    c.add(fmt::format("<g class=\"demand-point\" data-year=\"{}\" data-v=\"{}\"></g>",
                      s.start_year + t,
                      num(s.demand_effective_flops[static_cast<std::size_t>(t)])));
  if (r.phases.empty())
    c.text((xa.left + xa.right) / 2, top + 30, "No phase in service.", "middle", "note");
  return c.str();
}

// Figure: capex decided per year as bars; the year's budget as a dashed mark across its column.
std::string capex_chart(const scenario& sc, const schedule_result& r) {
  const schedule_spec& s = *sc.schedule;
  const double W = 960, top = 30, bottom = 290, H = 340;
  svg::canvas c(W, H, "Capex per year against the budget",
                "Bars: the capex of the phases decided each year; dashed marks: the year's capex "
                "budget, where one is set.");
  double most = 0;
  for (int t = 0; t < s.years; ++t) {
    most = std::max(most, r.periods[static_cast<std::size_t>(t)].capex_usd);
    if (s.capex_budget) most = std::max(most, (*s.capex_budget)[static_cast<std::size_t>(t)]);
  }
  const svg::scale ys{0, svg::nice_ceil(most > 0 ? most : 1), bottom, top, false};
  const year_axis xa{110, 930, s.years};
  c.y_axis(
      ys, xa.left, xa.right, svg::ticks(ys, 6),
      [](double v) { return v == 0 ? std::string("$0") : human_usd(v); }, "Capex (USD)");
  year_labels(c, xa, s.start_year, bottom + 18);
  for (int t = 0; t < s.years; ++t) {
    const double v = r.periods[static_cast<std::size_t>(t)].capex_usd;
    const double x = xa.x(t) + xa.column() * 0.2, w = xa.column() * 0.6;
    c.add(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#0072B2\" "
                      "class=\"capex\" data-year=\"{}\" data-v=\"{}\"><title>{}: {}</title></rect>",
                      svg::px(x), svg::px(ys(v)), svg::px(w), svg::px(ys(0) - ys(v)),
                      s.start_year + t, num(v), s.start_year + t, human_usd(v)));
    if (!s.capex_budget) continue;
    const double b = (*s.capex_budget)[static_cast<std::size_t>(t)];
    c.add(fmt::format("<line class=\"budget\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" "
                      "data-year=\"{}\" data-v=\"{}\"><title>budget {}</title></line>",
                      svg::px(xa.x(t) + 4), svg::px(ys(b)), svg::px(xa.x(t + 1) - 4),
                      svg::px(ys(b)), s.start_year + t, num(b), human_usd(b)));
  }
  return c.str();
}

// Figure: one row per phase: decided (a mark at the start of its decision year), building or
// waiting for its lead time (decision to service), serving.
std::string gantt_chart(const scenario& sc, const schedule_result& r) {
  const schedule_spec& s = *sc.schedule;
  const double W = 960, row = 26, top = 40;
  const double bottom = top + row * static_cast<double>(std::max<std::size_t>(r.phases.size(), 1));
  svg::canvas c(W, bottom + 40, "Phases: decided, building, serving",
                "One row per phase in key order: the diamond marks the start of the year it is "
                "decided, the hatched bar the years until it serves, the solid bar the years it "
                "serves.");
  const year_axis xa{330, 930, s.years};
  c.add("<defs><pattern id=\"gantt-build\" width=\"8\" height=\"8\" "
        "patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"#E69F00\"/><path "
        "d=\"M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6\" stroke=\"#000\" stroke-opacity=\"0.45\" "
        "stroke-width=\"1.4\"/></pattern></defs>");
  c.rect(20, 10, 16, 14, "url(#gantt-build)", "stroke=\"#333\"");
  c.text(42, 22, "building (decided, not yet serving)", "start");
  c.rect(330, 10, 16, 14, "#0072B2", "stroke=\"#333\"");
  c.text(352, 22, "serving", "start");
  for (int t = 0; t <= s.years; ++t) c.line(xa.x(t), top - 4, xa.x(t), bottom, "grid");
  year_labels(c, xa, s.start_year, bottom + 18);
  if (r.phases.empty()) c.text((xa.left + xa.right) / 2, top + 18, "No phase.", "middle", "note");
  for (std::size_t k = 0; k < r.phases.size(); ++k) {
    const phase& p = r.phases[k];
    const double y = top + row * static_cast<double>(k) + 4, h = row - 8;
    c.text(xa.left - 10, y + h / 2 + 4, phase_name(sc, p), "end");
    const double xd = xa.x(p.fig.d);
    c.add(fmt::format("<path class=\"decided\" data-phase=\"{}\" data-year=\"{}\" d=\"M{},{} "
                      "l6,{} l-6,{} l-6,{} z\" fill=\"#000\"><title>decided {}</title></path>",
                      k, s.start_year + p.fig.d, svg::px(xd), svg::px(y), svg::px(h / 2),
                      svg::px(h / 2), svg::px(-h / 2), s.start_year + p.fig.d));
    if (p.fig.on > p.fig.d)
      c.add(fmt::format("<rect class=\"building\" data-phase=\"{}\" data-from=\"{}\" "
                        "data-to=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
                        "fill=\"url(#gantt-build)\"><title>building {}..{}</title></rect>",
                        k, s.start_year + p.fig.d, s.start_year + p.fig.on - 1, svg::px(xd),
                        svg::px(y), svg::px(xa.x(p.fig.on) - xd), svg::px(h),
                        s.start_year + p.fig.d, s.start_year + p.fig.on - 1));
    c.add(fmt::format("<rect class=\"serving\" data-phase=\"{}\" data-from=\"{}\" data-to=\"{}\" "
                      "x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>serving "
                      "{}..{}</title></rect>",
                      k, s.start_year + p.fig.on, s.start_year + p.fig.off - 1,
                      svg::px(xa.x(p.fig.on)), svg::px(y),
                      svg::px(xa.x(p.fig.off) - xa.x(p.fig.on)), svg::px(h), colour(k),
                      s.start_year + p.fig.on, s.start_year + p.fig.off - 1));
  }
  return c.str();
}

std::string answer_text(const scenario& sc, const schedule_result& r) {
  const schedule_spec& s = *sc.schedule;
  if (!r.feasible)
    return r.proven ? "No schedule meets every year's demand within the limits."
                    : "The work limit stopped the search before it found a schedule.";
  return fmt::format("{} phases from {} to {}: {} of capex, an NPV cost of {}, {:.6g} tCO2; {}.",
                     r.phases.size(), s.start_year, s.start_year + s.years - 1,
                     human_usd(r.capex_usd), human_usd(r.npv_cost_usd), r.tco2,
                     r.proven ? "proven optimal"
                              : fmt::format("not proven (the optimum is at least {})",
                                            sc.obj == objective::carbon
                                                ? fmt::format("{:.6g} tCO2", r.lower_bound)
                                                : human_usd(r.lower_bound)));
}

std::string phases_table(const scenario& sc, const schedule_result& r) {
  std::string h = "<table><thead><tr><th>#</th><th>decided</th><th>serves</th><th>site</th>"
                  "<th>sourcing</th><th>system</th><th>nodes</th><th>effective FLOP/s</th>"
                  "<th>capex</th><th>NPV cost</th></tr></thead><tbody>";
  const int y0 = sc.schedule->start_year;
  for (std::size_t k = 0; k < r.phases.size(); ++k) {
    const phase& p = r.phases[k];
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}..{}</td><td>{}</td><td>{}</td><td>{}</td><td "
        "class=\"n\" data-v=\"{}\">{:.0f}</td><td class=\"n\" data-v=\"{}\">{}</td><td class=\"n\" "
        "data-v=\"{}\">{}</td><td class=\"n\" data-v=\"{}\">{}</td></tr>",
        k, y0 + p.fig.d, y0 + p.fig.on, y0 + p.fig.off - 1, esc(sc.site_meta[p.key.site].id),
        to_string(static_cast<sourcing>(p.key.sourcing)), esc(sc.system_meta[p.key.system].id),
        num(p.fig.nodes), p.fig.nodes, num(p.fig.effective_flops),
        human_flops(p.fig.effective_flops), num(p.fig.capex), human_usd(p.fig.capex),
        num(p.fig.npv_cost), human_usd(p.fig.npv_cost));
  }
  return h + "</tbody></table>";
}

std::string periods_table(const schedule_result& r) {
  std::string h = "<table><thead><tr><th>year</th><th>demand</th><th>in service</th>"
                  "<th>capex</th><th>cost (opex)</th><th>phases serving</th></tr></thead><tbody>";
  for (const schedule_period& p : r.periods)
    h += fmt::format("<tr><td>{}</td><td class=\"n\" data-v=\"{}\">{}</td><td class=\"n\" "
                     "data-v=\"{}\">{}</td><td class=\"n\" data-v=\"{}\">{}</td><td class=\"n\" "
                     "data-v=\"{}\">{}</td><td class=\"n\">{}</td></tr>",
                     p.year, num(p.demand_effective_flops), human_flops(p.demand_effective_flops),
                     num(p.effective_flops), human_flops(p.effective_flops), num(p.capex_usd),
                     human_usd(p.capex_usd), num(p.cost_usd), human_usd(p.cost_usd),
                     p.phases_serving);
  return h + "</tbody></table>";
}

} // namespace

std::string schedule_html(const scenario& sc, const schedule_result& r, double seconds) {
  const schedule_spec& s = *sc.schedule;
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  h += "<title>dcplan build-out: " + esc(sc.file) + "</title><style>" + kStyle +
       "</style></head><body>";
  h += fmt::format("<header><h1>Build-out {}-{}: the least {} schedule meeting demand</h1>",
                   s.start_year, s.start_year + s.years - 1, to_string(sc.obj));
  h += fmt::format("<p class=\"meta\">Scenario {}. dcplan (model version 2): {} phases "
                   "evaluated, {} candidates, {} after the exact reduction, {} search nodes, "
                   "{:.2f} s.</p></header>",
                   esc(sc.file), r.plans_evaluated, r.counts[feasible], r.candidates_kept,
                   r.search_nodes, seconds);
  h += "<p class=\"answer\">" + esc(answer_text(sc, r)) + "</p>";
  h += "<h2>Capacity and demand</h2><figure id=\"capacity\">" + capacity_chart(sc, r) +
       "<figcaption>Effective FLOP/s in service each year, one colour per phase (the rows of "
       "the table below), against the year's demand (dashed).</figcaption></figure>";
  h += "<h2>Capex</h2><figure id=\"capex\">" + capex_chart(sc, r) +
       "<figcaption>Capex of the phases decided each year" +
       std::string(s.capex_budget ? ", against the year's budget (dashed)." : "; no budget set.") +
       "</figcaption></figure>";
  h += "<h2>Phases</h2><figure id=\"gantt\">" + gantt_chart(sc, r) +
       "<figcaption>When each phase is decided, built and in service.</figcaption></figure>";
  h += phases_table(sc, r);
  h += "<h2>Year by year</h2>" + periods_table(r);
  h += "<footer><p class=\"meta\">MODEL.md \"Schedules: a multi-year build-out\". Money is "
       "counted as cash discounted to the start of the first year; capex when decided, opex at "
       "the end of each year served, what remains of the hardware and facility at the end "
       "handed back.</p></footer></body></html>\n";
  return h;
}

} // namespace dcplan
