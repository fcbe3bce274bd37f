#pragma once
// Random small portfolio scenarios for the optimizer's tests and its MILP cross-check.
#include <random>
#include <string>

#include <fmt/format.h>

namespace dcplan::test {

/// A scenario of 2-4 sites (each with or without colo and cloud), two systems, two coolings and
/// one or two fabrics, small enough that every plan can be handed to an MILP solver; objective,
/// budgets and target vary with the seed (some targets exceed every pool together). With
/// `max_flops`, the same draws make a scenario under the effective_flops objective: no target,
/// and a capex budget of $30M where the seed draws no budget (MODEL.md "Portfolios").
inline std::string random_portfolio_scenario(std::uint64_t seed, bool max_flops = false) {
  std::mt19937_64 g(seed);
  auto uni = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(g);
  };
  auto coin = [&](double p) { return std::bernoulli_distribution(p)(g); };
  const char* objectives[] = {"tco", "capex", "carbon"};
  const std::string obj = objectives[std::uniform_int_distribution<int>(0, 2)(g)];
  const int sites = std::uniform_int_distribution<int>(2, 4)(g);
  const double target = uni(0.02, 0.9) * 1e17;
  std::string s =
      max_flops
          ? std::string("objective: effective_flops\ntarget:\n  portfolio: true\n")
          : fmt::format("objective: {}\ntarget:\n  effective_flops: {:.6e}\n  portfolio: true\n",
                        obj, target);
  if (coin(0.3)) s += fmt::format("  deadline_months: {}\n", coin(0.5) ? 10 : 30);
  const bool capex_budget = coin(0.35), tco_budget = coin(0.3);
  if (capex_budget || tco_budget || max_flops) s += "budget:\n";
  if (capex_budget) s += fmt::format("  capex_usd: {:.6e}\n", uni(0.5, 6.0) * 1e7);
  if (tco_budget) s += fmt::format("  tco_usd: {:.6e}\n", uni(0.5, 9.0) * 1e7);
  if (max_flops && !capex_budget && !tco_budget) s += "  capex_usd: 3.0e7\n";
  s += "finance: {horizon_years: 4, discount_rate: 0.07, utilization: 0.8, maintenance_rate: 0.03, "
       "staff_usd_per_mw_year: 150000}\n"
       "facility: {build_usd_per_mw_it: 1.1e7, construction_months: 12, facility_life_years: 16, "
       "rack_usd: 20000, rack_units: 42}\n"
       "accelerators:\n"
       "  - {id: gpu-a, peak_bf16_flops: 1.0e15, peak_fp8_flops: 2.0e15, hbm_gb: 80, hbm_tbps: 3, "
       "tdp_w: 700, available_year: 2024}\n"
       "  - {id: gpu-b, peak_bf16_flops: 2.2e15, peak_fp8_flops: 4.4e15, hbm_gb: 180, hbm_tbps: 8, "
       "tdp_w: 1200, available_year: 2025}\n";
  s += fmt::format(
      "systems:\n"
      "  - {{id: box-a, accelerator: gpu-a, accelerators_per_node: 8, scale_up_domain: 8, "
      "node_power_kw: {:.3f}, node_price_usd: {:.0f}, node_rack_units: 8, min_cooling: air, mfu: "
      "0.45, lead_time_months: 4, cloud_usd_per_accel_hour: {:.3f}}}\n"
      "  - {{id: box-b, accelerator: gpu-b, accelerators_per_node: 4, scale_up_domain: 4, "
      "node_power_kw: {:.3f}, node_price_usd: {:.0f}, node_rack_units: 4, min_cooling: liquid, "
      "mfu: 0.4, lead_time_months: 8}}\n",
      uni(8, 12), uni(2e5, 3.5e5), uni(1.5, 3.5), uni(8, 12), uni(2.5e5, 4.5e5));
  s += fmt::format(
      "cooling:\n"
      "  - {{id: air, rank: 0, pue: {:.3f}, max_rack_kw: 30, capex_usd_per_kw: 1000}}\n"
      "  - {{id: liquid, rank: 2, pue: {:.3f}, max_rack_kw: 100, capex_usd_per_kw: 2500}}\n",
      uni(1.25, 1.45), uni(1.08, 1.2));
  s += "fabrics:\n  - {id: ib, radix: 16, cost_usd_per_accel: 10000, power_w_per_accel: 100, "
       "scaling_k: 0.02}\n";
  if (coin(0.5))
    s += "  - {id: eth, radix: 32, cost_usd_per_accel: 6000, power_w_per_accel: 60, scaling_k: "
         "0.035}\n";
  s += "sites:\n";
  for (int i = 0; i < sites; ++i) {
    s += fmt::format("  - {{id: s{}, grid_mw: {:.4f}, energy_usd_per_kwh: {:.4f}, "
                     "carbon_kg_per_kwh: {:.3f}, pue_adjust: {:.3f}, "
                     "build_cost_multiplier: {:.3f}, power_lead_months: {}",
                     i, uni(0.03, 0.25), uni(0.04, 0.2), uni(0.02, 0.7), uni(-0.05, 0.08),
                     uni(0.8, 1.4), coin(0.5) ? 6 : 24);
    if (coin(0.5))
      s +=
          fmt::format(", colo: {{usd_per_kw_month: {:.1f}, available_mw: {:.4f}, lead_months: {}}}",
                      uni(100, 300), uni(0.03, 0.15), coin(0.5) ? 3 : 14);
    if (coin(0.5))
      s += fmt::format(
          ", cloud: {{max_accelerators: {}, price_multiplier: {:.3f}, lead_months: 1, pue: 1.1}}",
          std::uniform_int_distribution<int>(8, 64)(g), uni(0.8, 1.5));
    s += "}\n";
  }
  return s;
}

} // namespace dcplan::test
