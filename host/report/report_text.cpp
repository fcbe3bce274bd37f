// The terminal table and the CSV of a planning run.
#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "dcplan/report/plan_analysis.hpp"
#include "dcplan/report/report.hpp"

namespace dcplan {

namespace {

// x in the first of `units` (each 1000 times the one before) that holds it under 1000, to three
// significant digits; when rounding reaches 1000 ("1e+03"), the next unit ("1 GW", not
// "1e+03 MW").
std::string scaled(double x, const char* const* units, int count, const char* sep) {
  if (std::isnan(x)) return "n/a";
  int u = 0;
  double v = x;
  while (u + 1 < count && std::fabs(v) >= 1000) {
    v /= 1000;
    ++u;
  }
  std::string t = fmt::format("{:.3g}", v);
  if (t.find('e') != std::string::npos && u + 1 < count) t = fmt::format("{:.3g}", v / 1000), ++u;
  return t + sep + units[u];
}

} // namespace

std::string human_flops(double x) {
  static const char* const units[] = {"FLOP/s",  "kFLOP/s", "MFLOP/s", "GFLOP/s",
                                      "TFLOP/s", "PFLOP/s", "EFLOP/s", "ZFLOP/s"};
  return scaled(x, units, 8, " ");
}

std::string human_usd(double x) {
  if (std::isnan(x)) return "n/a";
  static const char* const units[] = {"", "k", "M", "B", "T"};
  const std::string t = scaled(std::fabs(x), units, 5, "");
  return (x < 0 ? "-$" : "$") + t;
}

std::string grouped(double x) {
  if (std::isnan(x)) return "n/a";
  std::string s = fmt::format("{:.0f}", x);
  std::string out;
  int n = 0;
  for (auto it = s.rbegin(); it != s.rend(); ++it) {
    if (n && n % 3 == 0 && *it != '-') out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
    ++n;
  }
  return out;
}

std::string human_power_kw(double kw) {
  static const char* const units[] = {"kW", "MW", "GW", "TW", "PW"};
  return scaled(kw, units, 5, " ");
}

namespace {

std::string fixed_g(double x, int digits = 3) {
  if (std::isnan(x)) return "n/a";
  return fmt::format("{:.{}g}", x, digits);
}

struct column {
  std::string head;
  bool left;
  std::vector<std::string> cells;
};

std::string render(const std::vector<column>& cols, bool color) {
  std::vector<std::size_t> w(cols.size());
  std::size_t rows = 0;
  for (std::size_t c = 0; c < cols.size(); ++c) {
    w[c] = cols[c].head.size();
    for (const auto& s : cols[c].cells) w[c] = std::max(w[c], s.size());
    rows = std::max(rows, cols[c].cells.size());
  }
  std::string out;
  auto line = [&](auto get) {
    std::string l;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const std::string s = get(c);
      const std::string pad(w[c] - s.size(), ' ');
      l += (c ? "  " : "") + (cols[c].left ? s + pad : pad + s);
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    return l + "\n";
  };
  const std::string head = line([&](std::size_t c) { return cols[c].head; });
  out += color ? "\x1b[1m" + head.substr(0, head.size() - 1) + "\x1b[0m\n" : head;
  for (std::size_t r = 0; r < rows; ++r)
    out += line([&](std::size_t c) { return r < cols[c].cells.size() ? cols[c].cells[r] : ""; });
  return out;
}

// The table's width in characters: each column's widest cell, two spaces between columns.
std::size_t table_width(const std::vector<column>& cols) {
  std::size_t total = 0;
  for (const column& c : cols) {
    std::size_t w = c.head.size();
    for (const auto& s : c.cells) w = std::max(w, s.size());
    total += w + (total ? 2 : 0);
  }
  return total;
}

// `head` and then `items` (each starting with a space), in lines of at most `width` characters
// where the items allow; a continued line starts with a space.
std::string wrapped(std::string line, const std::vector<std::string>& items, std::size_t width) {
  std::string out;
  for (const std::string& item : items) {
    if (line.size() + item.size() > width && line.size() > 1) {
      out += line + "\n";
      line = " ";
    }
    line += item;
  }
  return out + line + "\n";
}

// Leaves out columns, least needed first, until the table fits in `width`; returns their
// headings. The plan's identity, size, cost and compute stay.
std::vector<std::string> fit_columns(std::vector<column>& cols, std::size_t width) {
  static const char* const order[] = {
      "accel",   "opex/yr",  "$/PFLOP-day", "tCO2/yr",  "job tCO2", "job MWh",   "accel-hours",
      "p10 TCO", "replicas", "$/M tokens",  "ms/token", "goodput",  "P(target)", "p90 TCO",
      "fabric",  "ready mo", "power",       "job cost", "binding",  "job days"};
  std::vector<std::string> hidden;
  for (const char* name : order) {
    if (table_width(cols) <= width) break;
    const auto it =
        std::find_if(cols.begin(), cols.end(), [&](const column& c) { return c.head == name; });
    if (it == cols.end()) continue;
    hidden.push_back(name);
    cols.erase(it);
  }
  return hidden;
}

} // namespace

std::string human_count(double x) {
  static const char* const units[] = {"", "k", "M", "B", "T"};
  return scaled(x, units, 5, "");
}

bool use_color(bool is_tty, const char* no_color_env) {
  return is_tty && (no_color_env == nullptr || *no_color_env == '\0');
}

std::string question_text(const scenario& sc) {
  const globals_rec g = sc.globals();
  std::string question;
  if (sc.obj == objective::effective_flops) {
    question = "the most effective compute";
  } else if (sc.training) {
    question =
        fmt::format("train {} active params on {} tokens in {:g} days (needs {})",
                    human_count(sc.training->active_params), human_count(sc.training->tokens),
                    sc.training->days, human_flops(g.required_effective_flops));
  } else if (sc.inference) {
    const inference_target& t = *sc.inference;
    question = fmt::format(
        "serve {} generated tokens/s of {} ({} parameters; {:g} prompt and {:g} generated tokens "
        "per request{})",
        grouped(t.tokens_per_second), t.model.empty() ? std::string("a model") : t.model,
        human_count(t.total_params), t.input_tokens, t.output_tokens,
        t.max_ms_per_token ? fmt::format(", at most {:g} ms per token", *t.max_ms_per_token) : "");
  } else {
    question = fmt::format("reach {} of effective {} compute",
                           human_flops(g.required_effective_flops), to_string(sc.prec));
  }
  if (sc.deadline_months) question += fmt::format(" within {:g} months", *sc.deadline_months);
  if (sc.budget_capex_usd)
    question += fmt::format(", capex under {}", human_usd(*sc.budget_capex_usd));
  if (sc.budget_tco_usd) question += fmt::format(", TCO under {}", human_usd(*sc.budget_tco_usd));
  return question;
}

// The table of the reported plans, fitted to `width` columns (the columns left out named
// under it). Kept whole: one column per figure and one row per plan, read side by side.
// NOLINTNEXTLINE(readability-function-size)
static std::string plans_table(const scenario& sc, const plan_space& sp, const engine_result& r,
                               const run_info& info, bool color, std::size_t width) {
  std::string out;
  std::vector<column> cols = {
      {"#", false, {}},      {"site", true, {}},      {"system", true, {}},
      {"cooling", true, {}}, {"fabric", true, {}},    {"sourcing", true, {}},
      {"nodes", false, {}},  {"accel", false, {}},    {"eff. compute", false, {}},
      {"capex", false, {}},  {"TCO", false, {}},      {"opex/yr", false, {}},
      {"power", false, {}},  {"ready mo", false, {}}, {"$/PFLOP-day", false, {}}};
  if (sc.training) {
    for (const char* h : {"job days", "accel-hours", "job cost", "job MWh", "job tCO2"})
      cols.push_back({h, false, {}});
    if (sc.reliab) cols.push_back({"goodput", false, {}});
  } else if (sc.inference) { // MODEL.md "Inference targets"
    for (const char* h : {"tokens/s", "ms/token", "replicas", "$/M tokens", "tCO2/yr"})
      cols.push_back({h, false, {}});
  } else {
    cols.push_back({"tCO2/yr", false, {}});
  }
  const bool risk = !info.risk.empty();
  if (risk) {
    for (const char* h : {"p10 TCO", "p90 TCO", "P(target)"}) cols.push_back({h, false, {}});
  }
  cols.push_back({"binding", true, {}});
  for (std::size_t i = 0; i < r.top.size(); ++i) {
    const plan_ref ref = plan_of_index(sp, r.top[i].index);
    const plan_figures f = evaluate_ref(sc, ref);
    std::vector<std::string> row = {std::to_string(i + 1),
                                    sc.site_meta[ref.site].id,
                                    sc.system_meta[ref.system].id,
                                    ref.cooling < 0 ? "-" : sc.cooling_meta[ref.cooling].id,
                                    sc.fabric_meta[ref.fabric].id,
                                    to_string(static_cast<sourcing>(ref.sourcing)),
                                    grouped(f.nodes),
                                    grouped(f.accelerators),
                                    human_flops(f.effective_flops),
                                    human_usd(f.capex),
                                    human_usd(f.tco),
                                    human_usd(f.opex_usd_per_year),
                                    human_power_kw(f.facility_kw),
                                    fixed_g(f.ready_months),
                                    fmt::format("{:.2f}", f.usd_per_pflop_day)};
    if (sc.training) {
      row.push_back(fmt::format("{:.1f}", f.job_days));
      row.push_back(grouped(f.accelerator_hours));
      row.push_back(human_usd(f.job_cost_usd));
      row.push_back(grouped(f.job_energy_mwh));
      row.push_back(grouped(f.job_tco2));
      if (sc.reliab) row.push_back(fmt::format("{:.3f}", f.goodput));
    } else if (sc.inference) {
      const bool served = f.replicas >= 1;
      row.push_back(grouped(f.tokens_per_second));
      row.push_back(served ? fmt::format("{:.1f}", f.ms_per_token) : "-");
      row.push_back(
          served ? fmt::format("{} x {}", grouped(f.replicas), grouped(f.replica_accelerators))
                 : "0");
      row.push_back(served ? fmt::format("{:.3f}", f.usd_per_million_tokens) : "-");
      row.push_back(grouped(f.tco2_per_year));
    } else {
      row.push_back(grouped(f.tco2_per_year));
    }
    if (risk) {
      // MODEL.md "Risk": plans past uncertainty.plans have no risk figures.
      const bool has = i < info.risk.size();
      row.push_back(has ? human_usd(info.risk[i].p10_tco) : "-");
      row.push_back(has ? human_usd(info.risk[i].p90_tco) : "-");
      row.push_back(has ? fmt::format("{:.3f}", info.risk[i].p_meets_target) : "-");
    }
    row.push_back(binding_constraint(sc, ref));
    for (std::size_t c = 0; c < cols.size(); ++c) cols[c].cells.push_back(row[c]);
  }
  const std::vector<std::string> hidden = fit_columns(cols, width);
  out += render(cols, color);
  if (!hidden.empty()) {
    std::vector<std::string> words;
    for (std::size_t i = 0; i < hidden.size(); ++i)
      words.push_back(" " + hidden[i] + (i + 1 < hidden.size() ? "," : ";"));
    words.push_back(" --csv and --json hold every figure)");
    out += wrapped(fmt::format("(left out to fit {} columns:", width), words, width);
  }
  return out;
}

std::string run_table(const scenario& sc, const plan_space& sp, const engine_result& r,
                      const run_info& info, bool color, std::size_t width) {
  const globals_rec g = sc.globals();
  std::string out;
  const std::string question = question_text(sc);
  out += fmt::format("dcplan: {} ({})\n", sc.file, question);
  out += fmt::format(
      "objective: {} | backend: {}{} | {} plans evaluated in {:.2f} s ({}/s) | {} feasible\n",
      to_string(sc.obj), backend_name(r.backend),
      r.backend == backend_kind::cpu ? fmt::format(" ({} threads)", r.threads)
                                     : (r.device.empty() ? "" : " (" + r.device + ")"),
      grouped(static_cast<double>(r.plans_evaluated)), info.seconds,
      human_count(info.seconds > 0 ? r.plans_evaluated / info.seconds : 0),
      grouped(static_cast<double>(r.counts[feasible])));
  if (sc.uncert)
    out += fmt::format("risk: {} draws (seed {}) on the top {} plans in {:.2f} s\n",
                       sc.uncert->scenarios, sc.uncert->seed,
                       std::min<std::uint64_t>(sc.uncert->plans, r.counts[feasible]),
                       info.risk_seconds);
  out += "\n";

  out +=
      r.top.empty() ? "No plan passes every test.\n" : plans_table(sc, sp, r, info, color, width);

  // The counts, wrapped to the table's width.
  std::vector<std::string> counts;
  for (int k = 1; k < kReasonCount; ++k)
    counts.push_back(
        fmt::format(" {} {}", reason_name(k), grouped(static_cast<double>(r.counts[k]))));
  out += "\n" + wrapped("plans failing each test (first failure):", counts, width);
  if (r.counts[feasible] == 0) {
    if (r.has_closest) {
      const plan_ref ref = plan_of_index(sp, r.closest_index);
      const plan_figures f = evaluate_ref(sc, ref);
      // An inference target's closest plan serves the most tokens/s (detail::closest_figure).
      const bool inf = sc.inference.has_value();
      out += fmt::format(
          "closest plan (most {} among plans failing only the target): {} {} {} {} {} x{} nodes: "
          "{} of the {} required\n",
          inf ? "tokens/s" : "effective compute", sc.site_meta[ref.site].id,
          sc.system_meta[ref.system].id, ref.cooling < 0 ? "-" : sc.cooling_meta[ref.cooling].id,
          sc.fabric_meta[ref.fabric].id, to_string(static_cast<sourcing>(ref.sourcing)),
          grouped(f.nodes),
          inf ? grouped(f.tokens_per_second) + " tokens/s" : human_flops(f.effective_flops),
          inf ? grouped(sc.inference->tokens_per_second) + " tokens/s"
              : human_flops(g.required_effective_flops));
    } else {
      out += "closest plan: none; every plan fails a test other than the target\n";
    }
  }
  return out;
}

std::string csv_field(const std::string& s) {
  // RFC 4180: a field holding a comma, a quote or a line break is quoted, quotes doubled.
  if (s.find_first_of(",\"\r\n") == std::string::npos &&
      (s.empty() || (s.front() != ' ' && s.back() != ' ')))
    return s;
  std::string out = "\"";
  for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string run_csv(const scenario& sc, const plan_space& sp, const engine_result& r) {
  // MODEL.md's plan fields first, in its order, then the extensions of docs/report.md.
  std::vector<std::string> head = {"rank",
                                   "site",
                                   "system",
                                   "cooling",
                                   "fabric",
                                   "sourcing",
                                   "nodes (count)",
                                   "accelerators (count)",
                                   "racks (count)",
                                   "tiers (count)",
                                   "it_kw (kW)",
                                   "facility_kw (kW)",
                                   "capex_usd (USD)",
                                   "opex_usd_per_year (USD/yr)",
                                   "tco_usd (USD)",
                                   "effective_flops (FLOP/s)",
                                   "ready_months (months)",
                                   "tco2_per_year (t CO2/yr)",
                                   "usd_per_pflop_day (USD/PFLOP-day)"};
  if (sc.training) {
    for (const char* h : {"job_days (days)", "accelerator_hours (h)", "job_energy_mwh (MWh)",
                          "job_tco2 (t CO2)", "job_cost_usd (USD)"})
      head.push_back(h);
    if (sc.reliab)
      for (const char* h : {"goodput (ratio)", "checkpoint_interval_minutes (min)",
                            "expected_interruptions (count)"})
        head.push_back(h);
  }
  if (sc.inference)
    for (const char* h : {"replica_accelerators (count)", "replicas (count)", "batch (sequences)",
                          "tokens_per_second (tokens/s)", "ms_per_token (ms)",
                          "usd_per_million_tokens (USD/M tokens)"})
      head.push_back(h);
  for (const char* h :
       {"binding", "per_rack (nodes/rack)", "pue (ratio)", "hw_capex_usd (USD)",
        "fac_capex_usd (USD)", "energy_usd_per_year (USD/yr)", "residual_usd (USD)",
        "peak_flops (FLOP/s)", "scaling_efficiency (ratio)", "pv_hardware_usd (USD)",
        "pv_facility_usd (USD)", "pv_energy_usd (USD)", "pv_maintenance_staff_usd (USD)",
        "pv_colo_fees_usd (USD)", "pv_cloud_usd (USD)"})
    head.push_back(h);
  std::ostringstream out;
  for (std::size_t i = 0; i < head.size(); ++i) out << (i ? "," : "") << csv_field(head[i]);
  out << "\n";
  // Shortest text that reads back as the same double; empty where a figure is not available.
  const auto num = [](double x) { return std::isnan(x) ? std::string() : fmt::format("{}", x); };
  for (std::size_t i = 0; i < r.top.size(); ++i) {
    const plan_ref ref = plan_of_index(sp, r.top[i].index);
    const plan_figures f = evaluate_ref(sc, ref);
    std::vector<std::string> row = {std::to_string(i + 1),
                                    sc.site_meta[ref.site].id,
                                    sc.system_meta[ref.system].id,
                                    ref.cooling < 0 ? "-" : sc.cooling_meta[ref.cooling].id,
                                    sc.fabric_meta[ref.fabric].id,
                                    to_string(static_cast<sourcing>(ref.sourcing)),
                                    num(f.nodes),
                                    num(f.accelerators),
                                    num(f.racks),
                                    num(f.tiers),
                                    num(f.it_kw),
                                    num(f.facility_kw),
                                    num(f.capex),
                                    num(f.opex_usd_per_year),
                                    num(f.tco),
                                    num(f.effective_flops),
                                    num(f.ready_months),
                                    num(f.tco2_per_year),
                                    num(f.usd_per_pflop_day)};
    if (sc.training) {
      for (const double x :
           {f.job_days, f.accelerator_hours, f.job_energy_mwh, f.job_tco2, f.job_cost_usd})
        row.push_back(num(x));
      if (sc.reliab)
        for (const double x : {f.goodput, f.checkpoint_interval_minutes, f.expected_interruptions})
          row.push_back(num(x));
    }
    if (sc.inference)
      for (const double x : {f.replica_accelerators, f.replicas, f.batch, f.tokens_per_second,
                             f.ms_per_token, f.usd_per_million_tokens})
        row.push_back(num(x));
    const cost_breakdown b = breakdown_of(sc, ref, f);
    row.push_back(binding_constraint(sc, ref));
    for (const double x :
         {ref.cooling < 0 ? NAN : f.per_rack, f.pue, f.hw_capex, f.fac_capex, f.energy_usd_per_year,
          f.residual, f.peak_flops, f.efficiency, b.hardware, b.facility, b.energy,
          b.maintenance_staff, b.colo_fees, b.cloud})
      row.push_back(num(x));
    for (std::size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << csv_field(row[c]);
    out << "\n";
  }
  return out.str();
}

} // namespace dcplan
