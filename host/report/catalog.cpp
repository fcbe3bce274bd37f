// `dcplan catalog`: every field of the catalog's entries, and their sources.
#include "dcplan/report/catalog.hpp"

#include <fmt/format.h>

#include "dcplan/report/report.hpp"

namespace dcplan {
namespace {

void add_meta(nlohmann::ordered_json& j, const entry_meta& m) {
  if (!m.name.empty()) j["name"] = m.name;
  j["source"] = m.source;
  j["status"] = m.status;
  if (!m.notes.empty()) j["notes"] = m.notes;
}

std::string cut(const std::string& s, std::size_t n) {
  return s.size() <= n ? s : s.substr(0, n - 3) + "...";
}

} // namespace

nlohmann::ordered_json catalog_json(const scenario& sc, const std::string& list) {
  nlohmann::ordered_json out;
  const bool all = list.empty();
  if (all || list == "accelerators") {
    auto& arr = out["accelerators"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < sc.accelerators.size(); ++i) {
      const accelerator_rec& a = sc.accelerators[i];
      nlohmann::ordered_json j;
      j["id"] = sc.accelerator_meta[i].id;
      j["peak_bf16_flops"] = a.peak_bf16_flops;
      j["peak_fp8_flops"] = a.peak_fp8_flops;
      j["hbm_gb"] = a.hbm_gb;
      j["hbm_tbps"] = a.hbm_tbps;
      j["tdp_w"] = a.tdp_w;
      j["available_year"] = a.available_year;
      add_meta(j, sc.accelerator_meta[i]);
      arr.push_back(std::move(j));
    }
  }
  if (all || list == "systems") {
    auto& arr = out["systems"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < sc.systems.size(); ++i) {
      const system_rec& s = sc.systems[i];
      nlohmann::ordered_json j;
      j["id"] = sc.system_meta[i].id;
      j["accelerator"] = sc.accelerator_meta[s.accelerator].id;
      j["accelerators_per_node"] = static_cast<long long>(s.accelerators_per_node);
      j["scale_up_domain"] = static_cast<long long>(s.scale_up_domain);
      j["node_power_kw"] = s.node_power_kw;
      j["node_price_usd"] = s.node_price_usd;
      j["node_rack_units"] = static_cast<long long>(s.node_rack_units);
      j["min_cooling"] = sc.cooling_meta[s.min_cooling].id;
      j["mfu"] = s.mfu;
      j["lead_time_months"] = s.lead_time_months;
      if (s.has_cloud) j["cloud_usd_per_accel_hour"] = s.cloud_usd_per_accel_hour;
      add_meta(j, sc.system_meta[i]);
      arr.push_back(std::move(j));
    }
  }
  if (all || list == "sites") {
    auto& arr = out["sites"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < sc.sites.size(); ++i) {
      const site_rec& s = sc.sites[i];
      nlohmann::ordered_json j;
      j["id"] = sc.site_meta[i].id;
      j["grid_mw"] = s.grid_mw;
      j["energy_usd_per_kwh"] = s.energy_usd_per_kwh;
      j["carbon_kg_per_kwh"] = s.carbon_kg_per_kwh;
      j["pue_adjust"] = s.pue_adjust;
      j["build_cost_multiplier"] = s.build_cost_multiplier;
      j["power_lead_months"] = s.power_lead_months;
      if (s.has_colo)
        j["colo"] = {{"usd_per_kw_month", s.colo_usd_per_kw_month},
                     {"available_mw", s.colo_available_mw},
                     {"lead_months", s.colo_lead_months}};
      if (s.has_cloud)
        j["cloud"] = {{"max_accelerators", static_cast<long long>(s.cloud_max_accelerators)},
                      {"price_multiplier", s.cloud_price_multiplier},
                      {"lead_months", s.cloud_lead_months},
                      {"pue", s.cloud_pue}};
      add_meta(j, sc.site_meta[i]);
      arr.push_back(std::move(j));
    }
  }
  if (all || list == "cooling") {
    auto& arr = out["cooling"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < sc.cooling.size(); ++i) {
      const cooling_rec& c = sc.cooling[i];
      nlohmann::ordered_json j;
      j["id"] = sc.cooling_meta[i].id;
      j["rank"] = c.rank;
      j["pue"] = c.pue;
      j["max_rack_kw"] = c.max_rack_kw;
      j["capex_usd_per_kw"] = c.capex_usd_per_kw;
      add_meta(j, sc.cooling_meta[i]);
      arr.push_back(std::move(j));
    }
  }
  if (all || list == "fabrics") {
    auto& arr = out["fabrics"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < sc.fabrics.size(); ++i) {
      const fabric_rec& f = sc.fabrics[i];
      nlohmann::ordered_json j;
      j["id"] = sc.fabric_meta[i].id;
      j["radix"] = static_cast<long long>(f.radix);
      j["cost_usd_per_accel"] = f.cost_usd_per_accel;
      j["power_w_per_accel"] = f.power_w_per_accel;
      j["scaling_k"] = f.scaling_k;
      add_meta(j, sc.fabric_meta[i]);
      arr.push_back(std::move(j));
    }
  }
  return out;
}

std::string catalog_table(const scenario& sc, const std::string& list) {
  std::string o;
  const bool all = list.empty();
  auto sources = [&](const std::vector<entry_meta>& metas) {
    o += "  sources:\n";
    for (const auto& m : metas) o += fmt::format("    {:<14} [{}] {}\n", m.id, m.status, m.source);
    o += "\n";
  };
  if (all || list == "accelerators") {
    o += fmt::format("accelerators ({})\n  {:<14} {:<34} {:>12} {:>12} {:>7} {:>7} {:>6} {:>5}\n",
                     sc.accelerators.size(), "id", "name", "bf16 dense", "fp8 dense", "HBM GB",
                     "TB/s", "TDP W", "year");
    for (std::size_t i = 0; i < sc.accelerators.size(); ++i) {
      const auto& a = sc.accelerators[i];
      o += fmt::format("  {:<14} {:<34} {:>12} {:>12} {:>7g} {:>7g} {:>6g} {:>5}\n",
                       sc.accelerator_meta[i].id, cut(sc.accelerator_meta[i].name, 34),
                       human_flops(a.peak_bf16_flops), human_flops(a.peak_fp8_flops), a.hbm_gb,
                       a.hbm_tbps, a.tdp_w, a.available_year);
    }
    sources(sc.accelerator_meta);
  }
  if (all || list == "systems") {
    o += fmt::format(
        "systems ({})\n  {:<14} {:<12} {:>5} {:>8} {:>9} {:>5} {:<8} {:>5} {:>5} {:>8}\n",
        sc.systems.size(), "id", "accelerator", "accel", "node kW", "price", "RU", "cooling", "MFU",
        "lead", "cloud/h");
    for (std::size_t i = 0; i < sc.systems.size(); ++i) {
      const auto& s = sc.systems[i];
      o += fmt::format("  {:<14} {:<12} {:>5g} {:>8g} {:>9} {:>5g} {:<8} {:>5g} {:>5g} {:>8}\n",
                       sc.system_meta[i].id, sc.accelerator_meta[s.accelerator].id,
                       s.accelerators_per_node, s.node_power_kw, human_usd(s.node_price_usd),
                       s.node_rack_units, sc.cooling_meta[s.min_cooling].id, s.mfu,
                       s.lead_time_months,
                       s.has_cloud ? fmt::format("${:.2f}", s.cloud_usd_per_accel_hour) : "-");
    }
    sources(sc.system_meta);
  }
  if (all || list == "sites") {
    o += fmt::format("sites ({})\n  {:<10} {:>7} {:>7} {:>6} {:>6} {:>5} {:>6} {:>18} {:>22}\n",
                     sc.sites.size(), "id", "grid MW", "$/kWh", "kgCO2", "PUE+", "build", "power",
                     "colo $/kW-mo, MW", "cloud accel, x price");
    for (std::size_t i = 0; i < sc.sites.size(); ++i) {
      const auto& s = sc.sites[i];
      o += fmt::format(
          "  {:<10} {:>7g} {:>7g} {:>6g} {:>6g} {:>5g} {:>6g} {:>18} {:>22}\n", sc.site_meta[i].id,
          s.grid_mw, s.energy_usd_per_kwh, s.carbon_kg_per_kwh, s.pue_adjust,
          s.build_cost_multiplier, s.power_lead_months,
          s.has_colo ? fmt::format("{:g}, {:g}", s.colo_usd_per_kw_month, s.colo_available_mw)
                     : "-",
          s.has_cloud
              ? fmt::format("{:g}, x{:g}", s.cloud_max_accelerators, s.cloud_price_multiplier)
              : "-");
    }
    sources(sc.site_meta);
  }
  if (all || list == "cooling") {
    o += fmt::format("cooling ({})\n  {:<10} {:>5} {:>5} {:>10} {:>10}\n", sc.cooling.size(), "id",
                     "rank", "PUE", "max rack kW", "$/kW");
    for (std::size_t i = 0; i < sc.cooling.size(); ++i) {
      const auto& c = sc.cooling[i];
      o += fmt::format("  {:<10} {:>5g} {:>5g} {:>10g} {:>10g}\n", sc.cooling_meta[i].id, c.rank,
                       c.pue, c.max_rack_kw, c.capex_usd_per_kw);
    }
    sources(sc.cooling_meta);
  }
  if (all || list == "fabrics") {
    o += fmt::format("fabrics ({})\n  {:<10} {:>6} {:>10} {:>8} {:>9}\n", sc.fabrics.size(), "id",
                     "radix", "$/accel", "W/accel", "scaling_k");
    for (std::size_t i = 0; i < sc.fabrics.size(); ++i) {
      const auto& f = sc.fabrics[i];
      o += fmt::format("  {:<10} {:>6g} {:>10g} {:>8g} {:>9g}\n", sc.fabric_meta[i].id, f.radix,
                       f.cost_usd_per_accel, f.power_w_per_accel, f.scaling_k);
    }
    sources(sc.fabric_meta);
  }
  return o;
}

} // namespace dcplan
