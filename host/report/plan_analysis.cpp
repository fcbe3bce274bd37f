// Cost breakdown and binding constraint of a plan (docs/report.md).
#include "dcplan/report/plan_analysis.hpp"

#include <algorithm>
#include <cmath>

namespace dcplan {

cost_breakdown breakdown_of(const scenario& sc, const plan_ref& ref, const plan_figures& f) {
  const globals_rec g = sc.globals();
  const site_rec& site = sc.sites[ref.site];
  cost_breakdown b;
  const auto m = static_cast<sourcing>(ref.sourcing);
  if (m == sourcing::cloud) {
    b.cloud = f.opex_usd_per_year * g.annuity;
    return b;
  }
  // MODEL.md "Figures of a plan": opex/year and tco, term by term.
  b.hardware = f.hw_capex;
  b.energy = f.energy_usd_per_year * g.annuity;
  double upkeep = g.maintenance_rate * f.hw_capex;
  if (m == sourcing::build) {
    b.facility = f.fac_capex - f.residual;
    upkeep += f.it_kw / 1000 * g.staff_usd_per_mw_year;
  } else {
    b.colo_fees = f.it_kw * site.colo_usd_per_kw_month * 12 * g.annuity;
  }
  b.maintenance_staff = upkeep * g.annuity;
  return b;
}

std::string binding_constraint(const scenario& sc, const plan_ref& ref) {
  const double step = sc.node_step;
  if (ref.nodes > step) {
    plan_ref smaller = ref;
    smaller.nodes = ref.nodes - step;
    if (evaluate_ref(sc, smaller).reason == reason_target) return reason_name(reason_target);
  }
  plan_ref larger = ref;
  larger.nodes = ref.nodes + step;
  const int r = evaluate_ref(sc, larger).reason;
  if (r != feasible) return reason_name(r);
  if (sc.max_nodes && larger.nodes > *sc.max_nodes) return "max_nodes";
  return "none";
}

std::vector<std::size_t> thin_frontier(const std::vector<frontier_point>& pts,
                                       std::size_t max_points) {
  std::vector<std::size_t> keep;
  if (pts.size() <= max_points) {
    for (std::size_t i = 0; i < pts.size(); ++i) keep.push_back(i);
    return keep;
  }
  if (max_points < 2) return keep;
  // pts.size() > max_points >= 2 and eff rises strictly, so hi > lo.
  const double lo = std::log(pts.front().eff), hi = std::log(pts.back().eff);
  const double buckets = static_cast<double>(max_points - 1);
  double last_bucket = -1;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const double b =
        std::min(buckets - 1, std::floor((std::log(pts[i].eff) - lo) / (hi - lo) * buckets));
    if (b != last_bucket) { // the first point of a bucket is its cheapest
      keep.push_back(i);
      last_bucket = b;
    }
  }
  if (keep.back() != pts.size() - 1) keep.push_back(pts.size() - 1);
  return keep;
}

nlohmann::ordered_json frontier_json(const scenario& sc, const plan_space& sp,
                                     const std::vector<frontier_point>& pts) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  const std::vector<std::size_t> keep = thin_frontier(pts);
  out.get_ref<nlohmann::ordered_json::array_t&>().reserve(keep.size());
  for (const std::size_t i : keep) {
    const frontier_point& p = pts[i];
    const plan_ref ref = plan_of_index(sp, p.index);
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    j.get_ref<nlohmann::ordered_json::object_t&>().reserve(9); // the keys below
    j["site"] = sc.site_meta[ref.site].id;
    j["system"] = sc.system_meta[ref.system].id;
    j["cooling"] = ref.cooling < 0 ? std::string("-") : sc.cooling_meta[ref.cooling].id;
    j["fabric"] = sc.fabric_meta[ref.fabric].id;
    j["sourcing"] = to_string(static_cast<sourcing>(ref.sourcing));
    j["nodes"] = static_cast<std::uint64_t>(ref.nodes);
    j["tco_usd"] = p.tco;
    j["effective_flops"] = p.eff;
    j["capex_usd"] = p.capex;
    out.push_back(std::move(j));
  }
  return out;
}

std::string frontier_json_text(const scenario& sc, const plan_space& sp,
                               const std::vector<frontier_point>& pts, int indent) {
  const std::vector<std::size_t> keep = thin_frontier(pts);
  if (keep.empty()) return "[]";
  // Each id as nlohmann writes a string (its escaping), once per catalog entry.
  const auto literals = [](const std::vector<entry_meta>& meta) {
    std::vector<std::string> out;
    out.reserve(meta.size());
    for (const entry_meta& m : meta) out.push_back(nlohmann::ordered_json(m.id).dump());
    return out;
  };
  const std::vector<std::string> site = literals(sc.site_meta), system = literals(sc.system_meta),
                                 cooling = literals(sc.cooling_meta),
                                 fabric = literals(sc.fabric_meta);
  const std::string no_cooling = nlohmann::ordered_json("-").dump();
  std::string sourcing_lit[3]; // sourcing::build, colo, cloud
  for (int k = 0; k < 3; ++k)
    sourcing_lit[k] = nlohmann::ordered_json(to_string(static_cast<sourcing>(k))).dump();
  const std::string in1(static_cast<std::size_t>(indent) + 1, ' '),
      in2(static_cast<std::size_t>(indent) + 2, ' ');
  std::string out = "[";
  out.reserve(keep.size() * 300);
  for (std::size_t n = 0; n < keep.size(); ++n) {
    const frontier_point& p = pts[keep[n]];
    const plan_ref ref = plan_of_index(sp, p.index);
    out += n ? ",\n" : "\n";
    out += in1 + "{\n";
    const auto field = [&](const char* key, const std::string& value, bool last = false) {
      out += in2;
      out += key;
      out += value;
      out += last ? "\n" : ",\n";
    };
    // The fields of frontier_json, in its order, each value as its dump writes it.
    field("\"site\": ", site[ref.site]);
    field("\"system\": ", system[ref.system]);
    field("\"cooling\": ", ref.cooling < 0 ? no_cooling : cooling[ref.cooling]);
    field("\"fabric\": ", fabric[ref.fabric]);
    field("\"sourcing\": ", sourcing_lit[ref.sourcing]);
    field("\"nodes\": ", nlohmann::ordered_json(static_cast<std::uint64_t>(ref.nodes)).dump());
    field("\"tco_usd\": ", nlohmann::ordered_json(p.tco).dump());
    field("\"effective_flops\": ", nlohmann::ordered_json(p.eff).dump());
    field("\"capex_usd\": ", nlohmann::ordered_json(p.capex).dump(), true);
    out += in1 + "}";
  }
  out += "\n" + std::string(static_cast<std::size_t>(indent), ' ') + "]";
  return out;
}

} // namespace dcplan
