#pragma once
// Scenarios for the tests: the golden "tiny" scenario as text, with substitutions.
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "dcplan/scenario/scenario.hpp"

namespace dcplan::test {

inline const char* kTiny = R"(objective: tco
target:
  effective_flops: 1.0e16
finance: {horizon_years: 4, discount_rate: 0.1, utilization: 0.75, maintenance_rate: 0.02, staff_usd_per_mw_year: 200000}
facility: {build_usd_per_mw_it: 1.0e7, construction_months: 12, facility_life_years: 16, rack_usd: 20000, rack_units: 42}
accelerators:
  - {id: gpu, peak_bf16_flops: 1.0e15, peak_fp8_flops: 2.0e15, hbm_gb: 80, hbm_tbps: 3.0, tdp_w: 700, available_year: 2024}
systems:
  - {id: box8, accelerator: gpu, accelerators_per_node: 8, scale_up_domain: 8, node_power_kw: 10.0, node_price_usd: 250000, node_rack_units: 8, min_cooling: air, mfu: 0.5, lead_time_months: 4, cloud_usd_per_accel_hour: 2.0}
cooling:
  - {id: air, rank: 0, pue: 1.3, max_rack_kw: 25, capex_usd_per_kw: 1000}
fabrics:
  - {id: ib, radix: 16, cost_usd_per_accel: 10000, power_w_per_accel: 100, scaling_k: 0.02}
sites:
  - id: here
    grid_mw: 0.06
    energy_usd_per_kwh: 0.1
    carbon_kg_per_kwh: 0.4
    pue_adjust: 0.0
    build_cost_multiplier: 1.0
    power_lead_months: 6
    cloud: {max_accelerators: 32, price_multiplier: 1.0, lead_months: 1, pue: 1.2}
)";

/// kTiny with each `from` replaced by `to` (each must occur).
inline std::string tiny_text(const std::vector<std::pair<std::string, std::string>>& subs = {}) {
  std::string t = kTiny;
  for (const auto& [from, to] : subs) {
    const auto pos = t.find(from);
    if (pos == std::string::npos) throw std::logic_error("test substitution not found: " + from);
    t.replace(pos, from.size(), to);
  }
  return t;
}

inline scenario tiny(const std::vector<std::pair<std::string, std::string>>& subs = {}) {
  return load_scenario_text(tiny_text(subs), "tiny.yaml", ".");
}

} // namespace dcplan::test
