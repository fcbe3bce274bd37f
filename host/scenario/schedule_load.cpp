// MODEL.md "Schedules: a multi-year build-out (version 2)": the `schedule` block, systems'
// price_decline and cloud_price_decline, and sites' grid_mw_by_year, with located errors.
#include "schedule_load.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace dcplan::detail {
namespace {

std::string kind_of(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "nothing (null)";
  const std::string& v = n.Scalar();
  return "'" + (v.size() > 60 ? v.substr(0, 57) + "..." : v) + "'";
}

double number(const located& v, const std::string& field) {
  if (!v.node.IsScalar()) fail_at(v, field, "expected a number, got " + kind_of(v.node));
  double x = 0;
  try {
    x = v.node.as<double>();
  } catch (const YAML::Exception&) {
    fail_at(v, field, "expected a number, got " + kind_of(v.node));
  }
  if (!std::isfinite(x)) fail_at(v, field, "must be a finite number, got " + kind_of(v.node));
  return x;
}

int whole(const located& v, const std::string& field, int lo, int hi) {
  const double x = number(v, field);
  if (x != std::floor(x) || x < lo || x > hi)
    fail_at(v, field, fmt::format("{} is not valid; valid: a whole number {}..{}", x, lo, hi));
  return static_cast<int>(x);
}

// A yearly decline: 0 <= x < 1 (0.15 for 15% a year).
double decline(const located& v, const std::string& field) {
  const double x = number(v, field);
  if (!(x >= 0 && x < 1))
    fail_at(v, field,
            fmt::format("{} is out of range; valid: 0 <= x < 1 (0.15 for 15% a year)", x));
  return x;
}

// A per-period list of `years` numbers, each > 0 (positive) or >= 0.
std::vector<double> per_period(const located& v, const std::string& field, int years,
                               bool positive) {
  if (!v.node.IsSequence())
    fail_at(v, field,
            fmt::format("expected a list of {} numbers (one per period), got {}", years,
                        kind_of(v.node)));
  if (static_cast<int>(v.node.size()) != years)
    fail_at(v, field,
            fmt::format("has {} values; valid: exactly schedule.years = {} values, one per period",
                        v.node.size(), years));
  std::vector<double> out;
  for (std::size_t i = 0; i < v.node.size(); ++i) {
    const located x{v.node[i], v.file};
    const double y = number(x, field);
    if (positive ? !(y > 0) : !(y >= 0))
      fail_at(x, fmt::format("{}[{}]", field, i),
              fmt::format("{} is out of range; valid: {}", y, positive ? "> 0" : ">= 0"));
    out.push_back(y);
  }
  return out;
}

void check_keys(const located& map, const std::vector<std::string>& valid) {
  for (auto it = map.node.begin(); it != map.node.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (std::find(valid.begin(), valid.end(), k) != valid.end()) continue;
    std::string all;
    for (const auto& x : valid) all += (all.empty() ? "" : ", ") + x;
    std::string msg = "unknown field '" + k + "'";
    const std::string hint = closest_key(k, valid);
    if (!hint.empty()) msg += "; did you mean '" + hint + "'?";
    fail_at(located{it->first, map.file}, "schedule." + k, msg + " (valid: " + all + ")");
  }
}

// Every rule that ties the schedule to the rest of the file.
void check_exclusive(const located& root, const scenario& sc) {
  for (const char* k : {"target", "budget", "uncertainty", "reliability"}) {
    if (!root.node[k]) continue;
    const std::string why =
        std::string(k) == "target"
            ? "a schedule replaces the target: its demand_effective_flops says what is needed"
        : std::string(k) == "budget"
            ? "the schedule's capex_budget_usd (per period) replaces budget"
            : "schedules do not support it (MODEL.md \"Schedules\")";
    fail_at(located{root.node[k], root.file}, k,
            "'" + std::string(k) + "' and 'schedule' are not valid together: " + why +
                "; remove one");
  }
  if (sc.obj != objective::tco && sc.obj != objective::carbon) {
    const located o{root.node["objective"], root.file};
    fail_at(
        o, "objective",
        fmt::format("'{}' is not valid with a schedule; valid: tco, carbon", to_string(sc.obj)));
  }
}

// The entries' schedule-only fields, when there is no schedule.
void refuse_entry_fields(const schedule_entry_fields& f) {
  const auto refuse = [](const std::vector<std::optional<located>>& slots,
                         const std::vector<std::string>& paths, const char* key) {
    for (std::size_t i = 0; i < slots.size(); ++i)
      if (slots[i])
        fail_at(*slots[i], paths[i] + "." + key,
                std::string(key) + " is read only with a schedule block; add one or remove it");
  };
  refuse(f.price_decline, f.system_paths, "price_decline");
  refuse(f.cloud_price_decline, f.system_paths, "cloud_price_decline");
  refuse(f.grid_mw_by_year, f.site_paths, "grid_mw_by_year");
}

} // namespace

std::vector<std::string> with_schedule_keys(const std::string& list,
                                            std::vector<std::string> keys) {
  if (list == "systems") {
    keys.push_back("price_decline");
    keys.push_back("cloud_price_decline");
  } else if (list == "sites") {
    keys.push_back("grid_mw_by_year");
  }
  return keys;
}

void note_schedule_system(schedule_entry_fields& f, const located* price_decline,
                          const located* cloud_price_decline, const std::string& path) {
  const auto opt = [](const located* v) { return v ? std::optional<located>(*v) : std::nullopt; };
  f.price_decline.push_back(opt(price_decline));
  f.cloud_price_decline.push_back(opt(cloud_price_decline));
  f.system_paths.push_back(path);
}

void note_schedule_site(schedule_entry_fields& f, const located* grid_mw_by_year,
                        const std::string& path) {
  f.grid_mw_by_year.push_back(grid_mw_by_year ? std::optional<located>(*grid_mw_by_year)
                                              : std::nullopt);
  f.site_paths.push_back(path);
}

located target_or_empty(const located& root) {
  if (root.node["target"] || !root.node["schedule"]) return located{root.node["target"], root.file};
  return located{YAML::Node(YAML::NodeType::Map), root.file};
}

void read_schedule(const located& root, const schedule_entry_fields& f, scenario& sc) {
  const YAML::Node block = root.node["schedule"];
  if (!block) {
    refuse_entry_fields(f);
    return;
  }
  const located b{block, root.file};
  if (!block.IsMap()) fail_at(b, "schedule", "expected a mapping of fields, got " + kind_of(block));
  check_keys(b,
             {"start_year", "years", "demand_effective_flops", "capex_budget_usd", "price_decline",
              "cloud_price_decline", "hardware_life_years", "cloud_term_years"});
  check_exclusive(root, sc);
  const auto need = [&](const char* k) {
    if (!block[k] || block[k].IsNull())
      fail_at(block[k] ? located{block[k], root.file} : b, std::string("schedule.") + k,
              std::string("missing required field '") + k + "'");
    return located{block[k], root.file};
  };
  const auto field = [](const char* k) { return std::string("schedule.") + k; };
  schedule_spec s;
  s.start_year = whole(need("start_year"), field("start_year"), 2000, 2100);
  s.years = whole(need("years"), field("years"), 1, 10);
  s.demand_effective_flops =
      per_period(need("demand_effective_flops"), field("demand_effective_flops"), s.years, false);
  if (block["capex_budget_usd"])
    s.capex_budget =
        per_period(need("capex_budget_usd"), field("capex_budget_usd"), s.years, false);
  if (block["price_decline"])
    s.price_decline = decline(need("price_decline"), field("price_decline"));
  if (block["cloud_price_decline"])
    s.cloud_price_decline = decline(need("cloud_price_decline"), field("cloud_price_decline"));
  if (block["hardware_life_years"])
    s.hardware_life_years = whole(need("hardware_life_years"), field("hardware_life_years"), 1, 15);
  if (block["cloud_term_years"])
    s.cloud_term_years = whole(need("cloud_term_years"), field("cloud_term_years"), 1, s.years);

  for (std::size_t i = 0; i < f.price_decline.size(); ++i) {
    const auto own = [&](const std::optional<located>& v, const char* key) {
      return v ? std::optional<double>(decline(*v, f.system_paths[i] + "." + key)) : std::nullopt;
    };
    s.system_price_decline.push_back(own(f.price_decline[i], "price_decline"));
    s.system_cloud_price_decline.push_back(own(f.cloud_price_decline[i], "cloud_price_decline"));
  }
  for (std::size_t i = 0; i < f.grid_mw_by_year.size(); ++i)
    s.site_grid_mw_by_year.push_back(
        f.grid_mw_by_year[i]
            ? per_period(*f.grid_mw_by_year[i], f.site_paths[i] + ".grid_mw_by_year", s.years, true)
            : std::vector<double>{});
  sc.schedule = std::move(s);
}

} // namespace dcplan::detail
