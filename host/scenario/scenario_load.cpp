// Reading a scenario file: MODEL.md "Scenario file", with the opt-in `include` of catalog files
// (entries merged by id, later layers overriding single fields) and catalog metadata fields.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "dcplan/model/errors.hpp"
#include "dcplan/scenario/resources.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "schedule_load.hpp"
#include "yaml_doc.hpp"

namespace dcplan {

std::string deadline_warning(double months) {
  return fmt::format("a deadline of {:g} months is over 10 years; deadline_months is in months",
                     months);
}

namespace {

using detail::document;
using detail::fail_at;
using detail::located;

// ---- scalar readers ----------------------------------------------------------------------

// A value quoted in a message; a long one (say, an unclosed quote that swallowed the rest of
// the file) is cut short.
std::string quoted(const std::string& v) {
  return "'" + (v.size() > 60 ? v.substr(0, 57) + "..." : v) + "'";
}

std::string kind_of(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "nothing (null)";
  return quoted(n.Scalar());
}

double read_number(const located& v, const std::string& field) {
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

std::string read_string(const located& v, const std::string& field) {
  if (!v.node.IsScalar()) fail_at(v, field, "expected a text value, got " + kind_of(v.node));
  return v.node.Scalar();
}

bool read_bool(const located& v, const std::string& field) {
  if (v.node.IsScalar()) {
    try {
      return v.node.as<bool>();
    } catch (const YAML::Exception&) {
    }
  }
  fail_at(v, field, "expected true or false, got " + kind_of(v.node));
}

void check(bool ok, const located& v, const std::string& field, double x, const char* valid) {
  if (!ok) fail_at(v, field, fmt::format("{} is out of range; valid: {}", x, valid));
}

// Integers of the schema are counts far below 2^53, so a double holds them exactly.
double read_count(const located& v, const std::string& field, double min = 1) {
  const double x = read_number(v, field);
  if (x != std::floor(x) || x < min || x > 9007199254740992.0)
    fail_at(v, field,
            fmt::format("{} is not valid; valid: a whole number >= {:g} (and below 2^53)", x, min));
  return x;
}

int read_int(const located& v, const std::string& field) {
  const double x = read_number(v, field);
  if (x != std::floor(x) || std::fabs(x) > 1e9)
    fail_at(v, field, fmt::format("{} is not valid; valid: a whole number such as 2026", x));
  return static_cast<int>(x);
}

// ---- mappings with known keys --------------------------------------------------------------

/// A YAML mapping whose keys are checked against the schema.
struct section {
  located where;
  std::string path; // "finance", "systems.dgx-h100", ...
  std::map<std::string, located> fields;
  std::map<std::string, located> keys; // where each key is written, for values left empty
  // An entry a later layer adds under an id no earlier layer has: the earlier layers' ids, so
  // that a field it lacks reads as a mistyped override rather than a missing field.
  std::vector<std::string> earlier_ids;

  const located* find(const std::string& k) const {
    auto it = fields.find(k);
    return it == fields.end() ? nullptr : &it->second;
  }
  const located& need(const std::string& k) const {
    if (const located* v = find(k)) {
      if (v->node.IsNull()) {
        auto key = keys.find(k);
        fail_at(key != keys.end() ? key->second : *v, name(k),
                "expected a value, got nothing (null)");
      }
      return *v;
    }
    if (!earlier_ids.empty()) {
      // A later layer that names no entry of the layers below it (a mistyped id, say).
      const std::string id = path.substr(path.find('.') + 1);
      const std::string hint = detail::closest_key(id, earlier_ids);
      fail_at(where, name(k),
              "no entry named '" + id + "' in the included lists to override" +
                  (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                  "; as a new entry it is missing required field '" + k + "'");
    }
    fail_at(where, name(k), "missing required field '" + k + "'");
  }
  std::string name(const std::string& k) const { return path.empty() ? k : path + "." + k; }
  double number(const std::string& k) const { return read_number(need(k), name(k)); }
  double at_least(const std::string& k, double lo, const char* valid) const {
    const double x = number(k);
    check(x >= lo, need(k), name(k), x, valid);
    return x;
  }
  double positive(const std::string& k) const {
    const double x = number(k);
    check(x > 0, need(k), name(k), x, "> 0");
    return x;
  }
  double non_negative(const std::string& k) const { return at_least(k, 0, ">= 0"); }
  double count(const std::string& k, double min = 1) const {
    return read_count(need(k), name(k), min);
  }
};

void check_keys(const located& map, const std::string& path,
                const std::vector<std::string>& valid) {
  for (auto it = map.node.begin(); it != map.node.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (std::find(valid.begin(), valid.end(), k) != valid.end()) continue;
    std::string msg = "unknown field '" + k + "'";
    const std::string hint = detail::closest_key(k, valid);
    if (!hint.empty()) msg += "; did you mean '" + hint + "'?";
    std::string all;
    for (const auto& v : valid) all += (all.empty() ? "" : ", ") + v;
    msg += " (valid: " + all + ")";
    fail_at(located{it->first, map.file}, path.empty() ? k : path + "." + k, msg);
  }
}

section as_section(const located& v, const std::string& path,
                   const std::vector<std::string>& valid) {
  if (!v.node.IsMap()) fail_at(v, path, "expected a mapping of fields, got " + kind_of(v.node));
  check_keys(v, path, valid);
  section s{v, path, {}, {}, {}};
  for (auto it = v.node.begin(); it != v.node.end(); ++it) {
    s.fields.emplace(it->first.Scalar(), located{it->second, v.file});
    s.keys.emplace(it->first.Scalar(), located{it->first, v.file});
  }
  return s;
}

// ---- the five lists, merged across includes by id ------------------------------------------

const std::vector<std::string> kListKeys = {"accelerators", "systems", "cooling", "fabrics",
                                            "sites"};
const std::vector<std::string> kMetaKeys = {"name", "source", "status", "notes"};

std::vector<std::string> with_meta(std::vector<std::string> keys) {
  keys.insert(keys.end(), kMetaKeys.begin(), kMetaKeys.end());
  return keys;
}

const std::map<std::string, std::vector<std::string>>& list_fields() {
  static const std::map<std::string, std::vector<std::string>> m = {
      {"accelerators", with_meta({"id", "peak_bf16_flops", "peak_fp8_flops", "hbm_gb", "hbm_tbps",
                                  "tdp_w", "available_year"})},
      {"systems",
       with_meta({"id", "accelerator", "accelerators_per_node", "scale_up_domain", "node_power_kw",
                  "node_price_usd", "node_rack_units", "min_cooling", "mfu", "lead_time_months",
                  "cloud_usd_per_accel_hour", "purchasable", "mbu"})},
      {"cooling", with_meta({"id", "rank", "pue", "max_rack_kw", "capex_usd_per_kw"})},
      {"fabrics",
       with_meta({"id", "radix", "cost_usd_per_accel", "power_w_per_accel", "scaling_k"})},
      {"sites", with_meta({"id", "grid_mw", "energy_usd_per_kwh", "carbon_kg_per_kwh", "pue_adjust",
                           "build_cost_multiplier", "power_lead_months", "colo", "cloud",
                           "build_fixed_usd"})},
  };
  return m;
}

struct entry {
  std::string id;
  located where;
  section fields;
};

class loader {
public:
  scenario run(const document& top) {
    sc_.file = *top.root.file;
    apply(top, true);
    parse_top(top);
    return std::move(sc_);
  }
  /// Only the five lists (a catalog has no target, finance or facility).
  scenario run_lists(const document& top) {
    sc_.file = *top.root.file;
    apply(top, false);
    parse_lists(top);
    return std::move(sc_);
  }

private:
  scenario sc_;

  void warn(const located& v, const std::string& field, const std::string& what) {
    sc_.warnings.push_back(
        {field, fmt::format("{}:{}:{}: {}: {}", *v.file, v.line(), v.column(), field, what)});
  }

  // MODEL.md "Scenario file": a range that catches a unit mistake; the error says what the value
  // probably meant (the value divided by `scale`).
  static double unit_range(const section& f, const std::string& k, double hi, double scale,
                           const char* valid) {
    const double x = f.non_negative(k);
    if (x > hi)
      fail_at(
          f.need(k), f.name(k),
          fmt::format("{} is out of range; valid: {}; did you mean {:g}?", x, valid, x / scale));
    return x;
  }
  std::map<std::string, std::vector<entry>> lists_;
  std::vector<std::string> chain_; // include chain, for cycles
  std::map<std::string, located> list_where_;
  detail::schedule_entry_fields sched_; // MODEL.md "Schedules": the entries' own fields
  // MODEL.md "Goodput": the reliability block, merged across includes as an entry is (an
  // extension, docs/goodput.md): a later layer overrides single fields, the scenario file last.
  std::optional<section> reliab_;

  void apply(const document& d, bool top) {
    const std::string name = *d.root.file;
    if (std::find(chain_.begin(), chain_.end(), name) != chain_.end())
      throw input_error(name, 0, 0, "include", "circular include: " + name + " includes itself");
    chain_.push_back(name);
    std::vector<std::string> valid = kListKeys;
    valid.push_back("include");
    valid.push_back("reliability"); // an included file may carry one (docs/goodput.md)
    if (top) {
      for (const char* k : {"precision", "objective", "target", "budget", "finance", "facility",
                            "search", "uncertainty"})
        valid.push_back(k);
    }
    if (top) valid.push_back("schedule");
    check_keys(d.root, "", valid);
    if (const YAML::Node inc = d.root.node["include"]) {
      const located li{inc, d.root.file};
      std::vector<located> paths;
      if (inc.IsScalar())
        paths.push_back(li);
      else if (inc.IsSequence())
        for (auto it = inc.begin(); it != inc.end(); ++it) paths.push_back({*it, d.root.file});
      else
        fail_at(li, "include", "expected a file path or a list of paths, got " + kind_of(inc));
      for (const auto& p : paths) {
        const std::string path = read_string(p, "include");
        if (chain_.size() > 16) fail_at(p, "include", "includes nest more than 16 deep");
        apply(detail::read_include(d, p, path), false);
      }
    }
    for (const auto& key : kListKeys)
      if (const YAML::Node n = d.root.node[key]) merge_list(located{n, d.root.file}, key);
    if (const YAML::Node n = d.root.node["reliability"]) merge_reliability({n, d.root.file});
    chain_.pop_back();
  }

  void merge_reliability(const located& v) {
    section s =
        as_section(v, "reliability",
                   with_meta({"accelerator_mtbf_hours", "checkpoint_minutes", "restart_minutes"}));
    if (reliab_) {
      for (auto& kv : s.fields) reliab_->fields[kv.first] = kv.second;
      for (auto& kv : s.keys) reliab_->keys[kv.first] = kv.second;
      reliab_->where = v;
    } else {
      reliab_.emplace(s); // a copy: section's move assignment could throw
    }
  }

  void merge_list(const located& seq, const std::string& key) {
    list_where_[key] = seq;
    if (!seq.node.IsSequence())
      fail_at(seq, key, "expected a list of entries, got " + kind_of(seq.node));
    auto& list = lists_[key];
    const std::size_t earlier = list.size(); // entries of the layers below this one
    std::map<std::string, int> seen_here;
    int pos = 0;
    for (auto it = seq.node.begin(); it != seq.node.end(); ++it, ++pos) {
      const located item{*it, seq.file};
      const std::string path = fmt::format("{}[{}]", key, pos);
      section s = as_section(item, path, detail::with_schedule_keys(key, list_fields().at(key)));
      const std::string id = read_string(s.need("id"), path + ".id");
      if (id.empty() || id == "-")
        fail_at(s.need("id"), path + ".id", "an id must be a non-empty name other than '-'");
      if (seen_here.count(id))
        fail_at(s.need("id"), path + ".id",
                fmt::format("duplicate id '{}' (first at line {}); ids are unique within {}", id,
                            seen_here[id], key));
      seen_here[id] = s.need("id").line();
      s.path = key + "." + id;
      auto existing =
          std::find_if(list.begin(), list.end(), [&](const entry& e) { return e.id == id; });
      if (existing == list.end()) {
        for (std::size_t i = 0; i < earlier; ++i) s.earlier_ids.push_back(list[i].id);
        list.push_back(entry{id, item, s});
      } else {
        // A later layer overrides single fields of an entry of the same id.
        for (auto& kv : s.fields) existing->fields.fields[kv.first] = kv.second;
        for (auto& kv : s.keys) existing->fields.keys[kv.first] = kv.second;
        existing->where = item;
        existing->fields.where = item;
      }
    }
  }

  const std::vector<entry>& list(const std::string& key, const document& top) {
    auto& l = lists_[key];
    if (l.empty()) {
      auto w = list_where_.find(key);
      if (w != list_where_.end())
        fail_at(w->second, key, "the list is empty; it needs at least one entry");
      throw input_error(*top.root.file, 1, 1, key,
                        "missing required list '" + key +
                            "' (give it, or include a catalog file such as catalog/" + key +
                            ".yaml)");
    }
    return l;
  }

  static entry_meta meta_of(const entry& e) {
    entry_meta m;
    m.id = e.id;
    m.loc = {*e.where.file, e.where.line(), e.where.column()};
    if (auto v = e.fields.find("name")) m.name = read_string(*v, e.fields.name("name"));
    if (auto v = e.fields.find("source")) m.source = read_string(*v, e.fields.name("source"));
    if (auto v = e.fields.find("status")) m.status = read_string(*v, e.fields.name("status"));
    if (auto v = e.fields.find("notes")) m.notes = read_string(*v, e.fields.name("notes"));
    return m;
  }

  static int index_of(const std::vector<entry_meta>& metas, const located& v,
                      const std::string& field, const std::string& what) {
    const std::string id = read_string(v, field);
    for (std::size_t i = 0; i < metas.size(); ++i)
      if (metas[i].id == id) return static_cast<int>(i);
    std::string valid;
    for (const auto& m : metas) valid += (valid.empty() ? "" : ", ") + m.id;
    std::vector<std::string> ids;
    ids.reserve(metas.size());
    for (const auto& m : metas) ids.push_back(m.id);
    const std::string hint = detail::closest_key(id, ids);
    fail_at(v, field,
            "'" + id + "' is not a known " + what + " id (valid: " + valid + ")" +
                (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  }

  void parse_lists(const document& top) {
    for (const auto& e : list("cooling", top)) {
      const section& f = e.fields;
      cooling_rec c{};
      c.rank = f.number("rank");
      c.pue = f.at_least("pue", 1, ">= 1");
      c.max_rack_kw = f.positive("max_rack_kw");
      c.capex_usd_per_kw = f.non_negative("capex_usd_per_kw");
      sc_.cooling.push_back(c);
      sc_.cooling_meta.push_back(meta_of(e));
    }
    for (const auto& e : list("accelerators", top)) {
      const section& f = e.fields;
      accelerator_rec a{};
      a.peak_bf16_flops = f.positive("peak_bf16_flops");
      a.peak_fp8_flops = f.positive("peak_fp8_flops");
      a.hbm_gb = f.non_negative("hbm_gb");
      a.hbm_tbps = f.non_negative("hbm_tbps");
      a.tdp_w = f.non_negative("tdp_w");
      a.available_year = read_int(f.need("available_year"), f.name("available_year"));
      sc_.accelerators.push_back(a);
      sc_.accelerator_meta.push_back(meta_of(e));
    }
    for (const auto& e : list("systems", top)) {
      const section& f = e.fields;
      system_rec s{};
      s.accelerator = index_of(sc_.accelerator_meta, f.need("accelerator"), f.name("accelerator"),
                               "accelerator");
      s.accelerators_per_node = f.count("accelerators_per_node");
      s.scale_up_domain = f.count("scale_up_domain");
      s.node_power_kw = f.positive("node_power_kw");
      s.node_price_usd = f.non_negative("node_price_usd");
      s.node_rack_units = f.count("node_rack_units");
      s.min_cooling =
          index_of(sc_.cooling_meta, f.need("min_cooling"), f.name("min_cooling"), "cooling");
      s.mfu = f.number("mfu");
      check(s.mfu > 0 && s.mfu <= 1, f.need("mfu"), f.name("mfu"), s.mfu, "0 < mfu <= 1");
      s.lead_time_months = f.non_negative("lead_time_months");
      s.has_cloud = f.find("cloud_usd_per_accel_hour") != nullptr;
      if (s.has_cloud) s.cloud_usd_per_accel_hour = f.non_negative("cloud_usd_per_accel_hour");
      if (f.find("mbu")) { // MODEL.md "Inference targets": overrides the target's mbu
        s.mbu = f.number("mbu");
        check(s.mbu > 0 && s.mbu <= 1, f.need("mbu"), f.name("mbu"), s.mbu, "0 < mbu <= 1");
      }
      s.purchasable = true;
      if (const located* p = f.find("purchasable"))
        s.purchasable = read_bool(*p, f.name("purchasable"));
      if (s.node_price_usd < 1000)
        warn(f.need("node_price_usd"), f.name("node_price_usd"),
             fmt::format("a node price of ${} is under $1,000; node_price_usd is USD per node "
                         "(all its accelerators), not per accelerator-hour",
                         s.node_price_usd));
      detail::note_schedule_system(sched_, f.find("price_decline"), f.find("cloud_price_decline"),
                                   f.path);
      sc_.systems.push_back(s);
      sc_.system_meta.push_back(meta_of(e));
    }
    for (const auto& e : list("fabrics", top)) {
      const section& f = e.fields;
      fabric_rec x{};
      x.radix = f.count("radix", 2);
      x.cost_usd_per_accel = f.non_negative("cost_usd_per_accel");
      x.power_w_per_accel = f.non_negative("power_w_per_accel");
      x.scaling_k = f.non_negative("scaling_k");
      sc_.fabrics.push_back(x);
      sc_.fabric_meta.push_back(meta_of(e));
    }
    for (const auto& e : list("sites", top)) {
      const section& f = e.fields;
      site_rec s{};
      s.grid_mw = f.positive("grid_mw");
      if (s.grid_mw > 5000)
        warn(f.need("grid_mw"), f.name("grid_mw"),
             fmt::format("a grid of {} MW is over 5 GW; grid_mw is in MW, not kW", s.grid_mw));
      s.energy_usd_per_kwh = unit_range(f, "energy_usd_per_kwh", 1, 1000,
                                        "0 <= energy_usd_per_kwh <= 1: USD per kWh, not per MWh");
      s.carbon_kg_per_kwh = unit_range(f, "carbon_kg_per_kwh", 2, 1000,
                                       "0 <= carbon_kg_per_kwh <= 2: kg per kWh, not g");
      s.pue_adjust = f.number("pue_adjust");
      s.build_cost_multiplier = f.non_negative("build_cost_multiplier");
      s.power_lead_months = f.non_negative("power_lead_months");
      if (f.find("build_fixed_usd")) s.build_fixed_usd = f.non_negative("build_fixed_usd");
      if (const located* colo = f.find("colo")) {
        const section c =
            as_section(*colo, f.name("colo"), {"usd_per_kw_month", "available_mw", "lead_months"});
        s.has_colo = true;
        s.colo_usd_per_kw_month = c.non_negative("usd_per_kw_month");
        s.colo_available_mw = c.positive("available_mw");
        s.colo_lead_months = c.non_negative("lead_months");
      }
      if (const located* cloud = f.find("cloud")) {
        const section c =
            as_section(*cloud, f.name("cloud"),
                       {"max_accelerators", "price_multiplier", "lead_months", "pue"});
        s.has_cloud = true;
        s.cloud_max_accelerators = c.count("max_accelerators");
        s.cloud_price_multiplier = c.non_negative("price_multiplier");
        s.cloud_lead_months = c.non_negative("lead_months");
        s.cloud_pue = c.at_least("pue", 1, ">= 1");
      }
      for (std::size_t k = 0; k < sc_.cooling.size(); ++k) {
        if (sc_.cooling[k].pue + s.pue_adjust < 1)
          fail_at(f.need("pue_adjust"), f.name("pue_adjust"),
                  fmt::format(
                      "cooling '{}' has pue {} and this site's pue_adjust {} brings it below 1; "
                      "valid: c.pue + pue_adjust >= 1 for every cooling",
                      sc_.cooling_meta[k].id, sc_.cooling[k].pue, s.pue_adjust));
      }
      detail::note_schedule_site(sched_, f.find("grid_mw_by_year"), f.path);
      sc_.sites.push_back(s);
      sc_.site_meta.push_back(meta_of(e));
    }
  }

  // MODEL.md "Risk": every factor block is optional; an absent one does not vary.
  static uncertainty parse_uncertainty(const located& where) {
    const section u = as_section(where, "uncertainty",
                                 {"scenarios", "seed", "plans", "energy_price", "node_price",
                                  "cloud_price", "mfu", "delay_months", "accelerator_mtbf_hours"});
    uncertainty x;
    const double draws = u.count("scenarios");
    check(draws <= 1e6, u.need("scenarios"), u.name("scenarios"), draws, "1 to 1000000 draws");
    x.scenarios = static_cast<std::uint64_t>(draws);
    x.seed = static_cast<std::uint64_t>(u.count("seed", 0));
    if (u.find("plans")) {
      const double plans = u.count("plans");
      check(plans <= 1e4, u.need("plans"), u.name("plans"), plans, "1 to 10000 plans");
      x.plans = static_cast<std::size_t>(plans);
    }
    const auto factor = [&](const char* key, const char* field, double& value, bool& has) {
      if (const located* b = u.find(key)) {
        const section f = as_section(*b, u.name(key), {field});
        value = f.non_negative(field);
        has = true;
      }
    };
    factor("energy_price", "lognormal_sigma", x.energy_sigma, x.has_energy);
    factor("node_price", "lognormal_sigma", x.node_sigma, x.has_node);
    factor("cloud_price", "lognormal_sigma", x.cloud_sigma, x.has_cloud);
    factor("mfu", "normal_sd", x.mfu_sd, x.has_mfu);
    // An extension (docs/goodput.md): the reliability block's failure rate as a risk factor.
    factor("accelerator_mtbf_hours", "lognormal_sigma", x.mtbf_sigma, x.has_mtbf);
    if (const located* b = u.find("delay_months")) {
      const section d = as_section(*b, u.name("delay_months"), {"triangular"});
      const located& tri = d.need("triangular");
      const std::string field = d.name("triangular");
      if (!tri.node.IsSequence() || tri.node.size() != 3)
        fail_at(tri, field,
                "expected [low, mode, high] (three numbers in months), got " + kind_of(tri.node));
      double v[3];
      for (std::size_t i = 0; i < 3; ++i) v[i] = read_number(located{tri.node[i], tri.file}, field);
      if (!(v[0] <= v[1] && v[1] <= v[2]))
        fail_at(
            tri, field,
            fmt::format("[{}, {}, {}] is not valid; valid: low <= mode <= high", v[0], v[1], v[2]));
      x.has_delay = true;
      x.delay_low = v[0];
      x.delay_mode = v[1];
      x.delay_high = v[2];
    }
    return x;
  }

  // A number in (0, 1] (MODEL.md "Inference targets": usable_hbm, mbu, serving_mfu).
  static double share(const section& f, const std::string& k) {
    const double x = f.number(k);
    check(x > 0 && x <= 1, f.need(k), f.name(k), x, "0 < x <= 1");
    return x;
  }

  // MODEL.md "Inference targets": target.inference with its defaults; `model` (an opt-in
  // extension, docs/inference.md) fills the model's fields from configs/catalog/models.yaml and
  // fields written here win.
  static inference_target parse_inference(const located& where) {
    const section s =
        as_section(where, "target.inference",
                   {"model", "total_params", "active_params", "tokens_per_second", "input_tokens",
                    "output_tokens", "kv_bytes_per_token", "bytes_per_param", "usable_hbm",
                    "max_batch", "max_ms_per_token", "tp_scaling_k", "mbu", "serving_mfu"});
    inference_target t;
    if (const located* m = s.find("model")) {
      const std::string id = read_string(*m, s.name("model"));
      try {
        fill_from_model(t, id, *m->file);
      } catch (const input_error&) {
        std::string valid;
        for (const model_card& c : load_model_catalog())
          valid += (valid.empty() ? "" : ", ") + c.id;
        fail_at(*m, s.name("model"),
                quoted(id) + " is not a model of configs/catalog/models.yaml; valid: " + valid);
      }
    }
    if (t.model.empty() || s.find("total_params")) t.total_params = s.positive("total_params");
    if (t.model.empty() || s.find("active_params")) t.active_params = s.positive("active_params");
    if (t.active_params > t.total_params)
      fail_at(s.find("active_params") ? s.need("active_params") : where, s.name("active_params"),
              fmt::format("{} is out of range; valid: 0 < active_params <= total_params ({})",
                          t.active_params, t.total_params));
    t.tokens_per_second = s.positive("tokens_per_second");
    t.input_tokens = s.non_negative("input_tokens");
    t.output_tokens = s.at_least("output_tokens", 1, ">= 1");
    if (t.model.empty() || s.find("kv_bytes_per_token"))
      t.kv_bytes_per_token = s.positive("kv_bytes_per_token");
    if (s.find("bytes_per_param")) t.bytes_per_param = s.positive("bytes_per_param");
    if (s.find("usable_hbm")) t.usable_hbm = share(s, "usable_hbm");
    if (s.find("max_batch")) t.max_batch = s.count("max_batch");
    if (s.find("max_ms_per_token")) t.max_ms_per_token = s.positive("max_ms_per_token");
    if (s.find("tp_scaling_k")) t.tp_scaling_k = s.non_negative("tp_scaling_k");
    if (s.find("mbu")) t.mbu = share(s, "mbu");
    if (s.find("serving_mfu")) t.serving_mfu = share(s, "serving_mfu");
    return t;
  }

  // MODEL.md "Inference targets": what an inference target does not take, located at the field.
  void check_inference(const section& t, const document& top) {
    const located& at = *t.find("inference");
    const YAML::Node& r = top.root.node;
    const auto node = [&](const char* k) { return located{r[k], top.root.file}; };
    if (sc_.target_effective_flops || sc_.training)
      fail_at(at, "target.inference",
              "give one target: effective_flops, training or inference, not several");
    if (sc_.obj == objective::effective_flops)
      fail_at(node("objective"), "objective",
              "an inference target is a rate to serve; the effective_flops objective has no "
              "target (MODEL.md \"Inference targets\"); valid with inference: tco, capex, "
              "ready_months, carbon, p90_tco, cvar95_tco");
    if (sc_.portfolio)
      fail_at(*t.find("portfolio"), "target.portfolio",
              "an inference target is not a portfolio target (MODEL.md \"Inference targets\"): "
              "remove portfolio: true");
    if (reliab_)
      fail_at(reliab_->where, "reliability",
              "a reliability block applies to training targets only, not to an inference target "
              "(MODEL.md \"Inference targets\"): remove the block");
    if (sc_.schedule)
      fail_at(at, "target.inference",
              "a schedule does not take an inference target (MODEL.md \"Inference targets\"): "
              "remove target.inference or the schedule");
    for (std::size_t i = 0; i < sc_.accelerators.size(); ++i) {
      const accelerator_rec& a = sc_.accelerators[i];
      const entry& e = lists_["accelerators"][i];
      for (const char* k : {"hbm_gb", "hbm_tbps"})
        if (!((std::string(k) == "hbm_gb" ? a.hbm_gb : a.hbm_tbps) > 0))
          fail_at(e.fields.find(k) ? e.fields.need(k) : e.where, e.fields.name(k),
                  std::string(k) + " must be > 0 for an inference target (MODEL.md "
                                   "\"Inference targets\": the replica search reads HBM size "
                                   "and bandwidth)");
    }
    if (!sc_.inference->mbu)
      for (std::size_t i = 0; i < sc_.systems.size(); ++i)
        if (!(sc_.systems[i].mbu > 0))
          fail_at(at, "target.inference.mbu",
                  "missing required field 'mbu': system '" + sc_.system_meta[i].id +
                      "' has no mbu of its own; give target.inference.mbu (0 < mbu <= 1) or an "
                      "mbu for every system");
  }

  // Kept whole: the top-level keys in MODEL.md's order, a few lines each.
  // NOLINTNEXTLINE(readability-function-size)
  void parse_top(const document& top) {
    const YAML::Node& r = top.root.node;
    const auto at = [&](const char* k) { return located{r[k], top.root.file}; };
    if (r["precision"]) {
      const std::string p = read_string(at("precision"), "precision");
      const std::optional<precision> v = from_name(kPrecisionNames, p);
      if (!v)
        fail_at(at("precision"), "precision",
                quoted(p) + " is not valid; valid: " + name_list(kPrecisionNames));
      sc_.prec = *v;
    }
    if (r["objective"]) {
      const std::string o = read_string(at("objective"), "objective");
      const std::optional<objective> v = from_name(kObjectiveNames, o);
      if (!v)
        fail_at(at("objective"), "objective",
                quoted(o) + " is not valid; valid: " + name_list(kObjectiveNames));
      sc_.obj = *v;
    }
    parse_lists(top);
    detail::read_schedule(top.root, sched_, sc_); // MODEL.md "Schedules": no target then

    if (!r["target"] && !sc_.schedule)
      throw input_error(*top.root.file, 1, 1, "target", "missing required section 'target'");
    const section t = as_section(
        detail::target_or_empty(top.root), "target",
        {"effective_flops", "training", "inference", "portfolio", "deadline_months", "year"});
    if (t.find("effective_flops")) {
      sc_.target_effective_flops = t.non_negative("effective_flops");
    }
    if (const located* tr = t.find("training")) {
      const section s = as_section(*tr, "target.training",
                                   {"active_params", "tokens", "days", "flops_per_token"});
      training_target x;
      x.active_params = s.positive("active_params");
      x.tokens = s.positive("tokens");
      x.days = s.positive("days");
      x.flops_per_token = s.find("flops_per_token") ? s.positive("flops_per_token") : 6.0;
      sc_.training = x;
    }
    if (const located* in = t.find("inference")) sc_.inference = parse_inference(*in);
    if (sc_.target_effective_flops && sc_.training)
      fail_at(t.where, "target", "give either target.effective_flops or target.training, not both");
    if (!sc_.target_effective_flops && !sc_.training && !sc_.inference &&
        sc_.obj != objective::effective_flops && !sc_.schedule)
      fail_at(t.where, "target",
              "missing target: give target.effective_flops (FLOP/s) or target.training "
              "{active_params, tokens, days}; only the effective_flops objective needs neither");
    if (const located* p = t.find("portfolio")) sc_.portfolio = read_bool(*p, "target.portfolio");
    if (sc_.portfolio) {
      std::string field;
      const std::string why = portfolio_ineligibility(sc_, &field, false);
      if (!why.empty()) fail_at(*t.find("portfolio"), "target.portfolio", why);
    }
    if (t.find("deadline_months")) {
      sc_.deadline_months = t.non_negative("deadline_months");
      if (*sc_.deadline_months > 120)
        warn(t.need("deadline_months"), t.name("deadline_months"),
             deadline_warning(*sc_.deadline_months));
    }
    if (const located* y = t.find("year")) sc_.year = read_int(*y, "target.year");
    if (sc_.inference) check_inference(t, top);

    if (r["budget"]) {
      const section b = as_section(at("budget"), "budget", {"capex_usd", "tco_usd"});
      if (b.find("capex_usd")) sc_.budget_capex_usd = b.non_negative("capex_usd");
      if (b.find("tco_usd")) sc_.budget_tco_usd = b.non_negative("tco_usd");
    }
    if (!r["finance"])
      throw input_error(*top.root.file, 1, 1, "finance", "missing required section 'finance'");
    const section f = as_section(at("finance"), "finance",
                                 {"horizon_years", "discount_rate", "utilization",
                                  "maintenance_rate", "staff_usd_per_mw_year"});
    sc_.horizon_years = f.positive("horizon_years");
    sc_.discount_rate =
        unit_range(f, "discount_rate", 1, 100, "0 <= discount_rate <= 1: a rate, 0.08 for 8%");
    sc_.utilization = f.number("utilization");
    check(sc_.utilization > 0 && sc_.utilization <= 1, f.need("utilization"), "finance.utilization",
          sc_.utilization, "0 < utilization <= 1");
    sc_.maintenance_rate = f.non_negative("maintenance_rate");
    sc_.staff_usd_per_mw_year = f.non_negative("staff_usd_per_mw_year");

    if (!r["facility"])
      throw input_error(*top.root.file, 1, 1, "facility", "missing required section 'facility'");
    const section fa = as_section(at("facility"), "facility",
                                  {"build_usd_per_mw_it", "construction_months",
                                   "facility_life_years", "rack_usd", "rack_units"});
    sc_.build_usd_per_mw_it = fa.non_negative("build_usd_per_mw_it");
    sc_.construction_months = fa.non_negative("construction_months");
    sc_.facility_life_years = fa.positive("facility_life_years");
    sc_.rack_usd = fa.non_negative("rack_usd");
    sc_.rack_units = fa.count("rack_units");

    if (r["uncertainty"]) sc_.uncert = parse_uncertainty(at("uncertainty"));
    if (reliab_) {
      const section& rb = *reliab_;
      if (!sc_.training)
        fail_at(rb.where, "reliability",
                sc_.target_effective_flops
                    ? "a reliability block applies to training targets only; an effective_flops "
                      "target is sustained compute with failures already counted (MODEL.md "
                      "\"Goodput\"): remove the block or give target.training"
                    : "a reliability block applies to training targets only (MODEL.md "
                      "\"Goodput\"): give target.training or remove the block");
      reliability x;
      x.accelerator_mtbf_hours = rb.positive("accelerator_mtbf_hours");
      x.checkpoint_minutes = rb.positive("checkpoint_minutes");
      x.restart_minutes = rb.non_negative("restart_minutes");
      sc_.reliab = x;
    }
    if (sc_.uncert && sc_.uncert->has_mtbf && !sc_.reliab)
      fail_at(located{r["uncertainty"]["accelerator_mtbf_hours"], top.root.file},
              "uncertainty.accelerator_mtbf_hours",
              "varies the reliability block's accelerator_mtbf_hours (docs/goodput.md), and the "
              "scenario has no reliability block: add one (a training target) or remove the "
              "factor");
    if ((sc_.obj == objective::p90_tco || sc_.obj == objective::cvar95_tco) && !sc_.uncert)
      fail_at(at("objective"), "objective",
              std::string("'") + to_string(sc_.obj) +
                  "' needs an uncertainty block (MODEL.md \"Risk\"); add one or use tco");

    if (r["search"]) {
      const section s = as_section(at("search"), "search",
                                   {"max_nodes", "node_step", "sites", "systems", "sourcing"});
      if (s.find("max_nodes")) sc_.max_nodes = s.count("max_nodes");
      if (s.find("node_step")) sc_.node_step = s.count("node_step");
      // Opt-in: consider only these sites / systems / sourcing options (absent = all, as
      // MODEL.md).
      const auto each = [](const located& v, const std::string& field, auto fn) {
        if (!v.node.IsSequence() || v.node.size() == 0)
          fail_at(v, field, "expected a non-empty list, got " + kind_of(v.node));
        for (auto it = v.node.begin(); it != v.node.end(); ++it) fn(located{*it, v.file});
      };
      if (const located* v = s.find("sites"))
        each(*v, "search.sites", [&](const located& x) {
          sc_.only_sites.push_back(index_of(sc_.site_meta, x, "search.sites", "site"));
        });
      if (const located* v = s.find("systems"))
        each(*v, "search.systems", [&](const located& x) {
          sc_.only_systems.push_back(index_of(sc_.system_meta, x, "search.systems", "system"));
        });
      if (const located* v = s.find("sourcing"))
        each(*v, "search.sourcing", [&](const located& x) {
          const std::string m = read_string(x, "search.sourcing");
          const std::optional<sourcing> v = from_name(kSourcingNames, m);
          if (!v)
            fail_at(x, "search.sourcing",
                    "'" + m + "' is not valid; valid: " + name_list(kSourcingNames));
          sc_.only_sourcing.push_back(static_cast<int>(*v));
        });
    }
  }
};

} // namespace

scenario load_scenario(const std::string& path) {
  const document d = detail::read_document(path);
  scenario sc = loader().run(d);
  validate_scenario(sc);
  return sc;
}

scenario load_scenario_text(const std::string& text, const std::string& name,
                            const std::string& base_dir) {
  const document d = detail::parse_document(text, name, base_dir, false);
  scenario sc = loader().run(d);
  validate_scenario(sc);
  return sc;
}

scenario load_builtin_catalog() {
  const std::string text =
      "include: [catalog/accelerators.yaml, catalog/systems.yaml, catalog/cooling.yaml, "
      "catalog/fabrics.yaml, catalog/sites.yaml]\n";
  return loader().run_lists(detail::parse_document(text, "<built-in>/catalog", "", true));
}

std::vector<model_card> load_model_catalog() {
  const std::string* text = find_resource("catalog/models.yaml");
  if (!text) throw std::logic_error("catalog/models.yaml is missing from this build");
  const document d = detail::parse_document(*text, "<built-in>/catalog/models.yaml", "", true);
  check_keys(d.root, "", {"models"});
  const located list{d.root.node["models"], d.root.file};
  if (!list.node.IsSequence()) fail_at(list, "models", "expected a list of models");
  std::vector<model_card> out;
  for (auto it = list.node.begin(); it != list.node.end(); ++it) {
    const section s = as_section(located{*it, d.root.file}, "models",
                                 {"id", "name", "source", "notes", "total_params", "active_params",
                                  "layers", "kv_heads", "head_dim"});
    model_card c;
    c.id = read_string(s.need("id"), "models.id");
    if (const located* n = s.find("name")) c.name = read_string(*n, "models.name");
    c.source = read_string(s.need("source"), "models.source");
    c.total_params = s.positive("total_params");
    c.active_params = s.positive("active_params");
    c.layers = s.count("layers");
    c.kv_heads = s.count("kv_heads");
    c.head_dim = s.count("head_dim");
    out.push_back(c);
  }
  return out;
}

void fill_from_model(inference_target& t, const std::string& id, const std::string& where) {
  const std::vector<model_card> models = load_model_catalog();
  std::string valid;
  for (const model_card& c : models) {
    if (c.id == id) {
      t.model = c.id;
      t.total_params = c.total_params;
      t.active_params = c.active_params;
      // kv_bytes_per_token = 2 * layers * kv_heads * head_dim * bytes (docs/inference.md).
      t.kv_values_per_token = 2 * c.layers * c.kv_heads * c.head_dim;
      t.kv_bytes_per_token.reset();
      return;
    }
    valid += (valid.empty() ? "" : ", ") + c.id;
  }
  throw input_error(where, 0, 0, "model",
                    "'" + id + "' is not a known model (valid: " + valid + ")");
}

scenario load_default_scenario() { return load_builtin_scenario("default.yaml"); }

scenario load_builtin_scenario(const std::string& name) {
  const std::string* text = find_resource(name);
  if (!text)
    throw std::logic_error("the built-in scenario " + name + " is missing from this build");
  const document d = detail::parse_document(*text, "<built-in>/" + name, "", true);
  scenario sc = loader().run(d);
  validate_scenario(sc);
  return sc;
}

} // namespace dcplan
