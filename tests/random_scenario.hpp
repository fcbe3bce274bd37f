#pragma once
// Random scenarios in the MODEL.md format for property tests: every objective, precision,
// budget and deadline form, cloud and colo offers, node steps and fabric scaling factors on both
// sides of the range where the engine prunes. With `reliability`, always a training target with a
// reliability block (MODEL.md "Goodput"), its MTBF drawn so that goodput often peaks inside the
// node range. With `inference`, always an inference target (MODEL.md "Inference targets") with
// HBM sizes, bandwidths, model sizes and latency bounds drawn so that replicas often fail (weights
// that do not fit, a bound no batch meets, plans smaller than one replica), the bound often cuts
// the batch to 1, and 72-accelerator domains meet replica sizes that do not divide them.
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "dcplan/model/errors.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan::test {

inline bool text_lacks(const std::string& text, const char* what) {
  return text.find(what) == std::string::npos;
}

inline std::string random_scenario(std::mt19937_64& rng, bool reliability = false,
                                   bool inference = false) {
  auto u = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  auto i = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto coin = [&](double p) { return u(0, 1) < p; };
  std::ostringstream y;
  const char* objs[] = {"tco", "capex", "ready_months", "carbon", "effective_flops"};
  y << "objective: " << objs[i(0, inference ? 3 : 4)]
    << "\nprecision: " << (coin(0.5) ? "bf16" : "fp8") << "\ntarget:\n";
  if (inference) {
    // Weights from 1 GB to 2 TB against 16-200 GB accelerators.
    const double total = std::exp(u(std::log(5e8), std::log(1e12)));
    y << fmt::format("  inference: {{total_params: {}, active_params: {}, tokens_per_second: {}, "
                     "input_tokens: {}, output_tokens: {}, kv_bytes_per_token: {}",
                     total, coin(0.3) ? total * u(0.05, 1) : total,
                     std::exp(u(std::log(1e2), std::log(3e6))), i(0, 4096), i(1, 1024),
                     std::exp(u(std::log(1e4), std::log(2e6))));
    if (coin(0.3)) y << fmt::format(", bytes_per_param: {}", coin(0.5) ? 0.5 : u(0.5, 4));
    if (coin(0.3)) y << fmt::format(", usable_hbm: {}", u(0.5, 1));
    if (coin(0.5)) y << fmt::format(", max_batch: {}", coin(0.3) ? i(1, 4) : i(1, 2048));
    // From bounds no batch meets (a few ms) to loose ones; the bound often cuts the batch to 1.
    if (coin(0.7))
      y << fmt::format(", max_ms_per_token: {}", std::exp(u(std::log(0.5), std::log(300))));
    if (coin(0.5)) y << fmt::format(", tp_scaling_k: {}", coin(0.2) ? 0.0 : u(0, 0.3));
    if (coin(0.8)) y << fmt::format(", mbu: {}", u(0.2, 1));
    if (coin(0.3)) y << fmt::format(", serving_mfu: {}", u(0.1, 1));
    y << "}\n";
  } else if (reliability || coin(0.3))
    y << fmt::format("  training: {{active_params: {}, tokens: {}, days: {}}}\n", u(1e9, 1e11),
                     u(1e11, 1e13), u(5, 60));
  else
    y << fmt::format("  effective_flops: {}\n", u(1e16, 3e18));
  if (coin(0.5)) y << fmt::format("  deadline_months: {}\n", i(3, 30));
  if (coin(0.3)) y << "  year: 2024\n";
  if (coin(0.6)) {
    y << "budget: {";
    if (coin(0.6))
      y << fmt::format("capex_usd: {}", u(1e7, 2e9));
    else
      y << fmt::format("tco_usd: {}", u(1e7, 3e9));
    y << "}\n";
  }
  y << fmt::format("finance: {{horizon_years: {}, discount_rate: {}, utilization: {}, "
                   "maintenance_rate: 0.03, staff_usd_per_mw_year: 150000}}\n",
                   i(1, 12), coin(0.2) ? 0.0 : u(0, 0.15), u(0.3, 1));
  y << fmt::format("facility: {{build_usd_per_mw_it: {}, construction_months: {}, "
                   "facility_life_years: {}, rack_usd: {}, rack_units: {}}}\n",
                   u(5e6, 1.5e7), i(6, 24), i(5, 25), i(0, 40000), i(40, 52));
  y << "accelerators:\n";
  for (int a = 0; a < 2; ++a)
    y << fmt::format("  - {{id: a{}, peak_bf16_flops: {}, peak_fp8_flops: {}, hbm_gb: {}, "
                     "hbm_tbps: {}, tdp_w: 700, available_year: {}}}\n",
                     a, u(3e14, 2.5e15), u(6e14, 5e15), inference ? u(16, 200) : 80.0,
                     inference ? u(0.5, 8) : 3.0, i(2022, 2026));
  y << "cooling:\n";
  for (int c = 0; c < 2; ++c)
    y << fmt::format("  - {{id: c{}, rank: {}, pue: {}, max_rack_kw: {}, capex_usd_per_kw: {}}}\n",
                     c, c, u(1.1, 1.5), u(15, 150), u(500, 3000));
  y << "systems:\n";
  for (int a = 0; a < 3 && !inference; ++a) {
    const int apn = coin(0.2) ? 72 : (coin(0.5) ? 8 : 4);
    y << fmt::format("  - {{id: s{}, accelerator: a{}, accelerators_per_node: {}, scale_up_domain: "
                     "{}, node_power_kw: {}, node_price_usd: {}, node_rack_units: {}, min_cooling: "
                     "c{}, mfu: {}, lead_time_months: {}{}}}\n",
                     a, i(0, 1), apn, coin(0.3) ? i(1, 16) : apn, u(2, 140), u(5e4, 4e6), i(1, 42),
                     i(0, 1), u(0.2, 0.6), i(1, 12),
                     coin(0.6) ? fmt::format(", cloud_usd_per_accel_hour: {}", u(1, 6)) : "");
  }
  // Inference: trays of 4 or 8 in 72-accelerator domains, which replicas of 16, 32 or 64 do not
  // divide; without the target's mbu every system has its own.
  const bool all_mbu = inference && text_lacks(y.str(), "mbu:");
  for (int a = 0; a < 3 && inference; ++a) {
    const int apn = coin(0.2) ? 72 : (coin(0.5) ? 8 : 4);
    const int domain = coin(0.35) ? 72 : (coin(0.3) ? i(1, 64) : apn);
    const int per_node = domain == 72 && coin(0.7) ? (coin(0.5) ? 4 : 8) : apn;
    const int accel = i(0, 1);
    const double power = u(2, 140), price = u(5e4, 4e6);
    const int ru = i(1, 42), cool = i(0, 1);
    const double mfu = u(0.2, 0.6);
    const int lead = i(1, 12);
    std::string extra =
        coin(0.6) ? fmt::format(", cloud_usd_per_accel_hour: {}", u(1, 6)) : std::string();
    if (all_mbu || coin(0.3)) extra += fmt::format(", mbu: {}", u(0.2, 1));
    y << fmt::format("  - {{id: s{}, accelerator: a{}, accelerators_per_node: {}, scale_up_domain: "
                     "{}, node_power_kw: {}, node_price_usd: {}, node_rack_units: {}, min_cooling: "
                     "c{}, mfu: {}, lead_time_months: {}{}}}\n",
                     a, accel, per_node, domain, power, price, ru, cool, mfu, lead, extra);
  }
  y << "fabrics:\n";
  for (int f = 0; f < 2; ++f)
    y << fmt::format("  - {{id: f{}, radix: {}, cost_usd_per_accel: {}, power_w_per_accel: {}, "
                     "scaling_k: {}}}\n",
                     f, i(2, 128), u(0, 15000), u(0, 200), coin(0.15) ? u(0.5, 2.0) : u(0, 0.05));
  y << "sites:\n";
  for (int s = 0; s < 2; ++s) {
    y << fmt::format(
        "  - id: site{}\n    grid_mw: {}\n    energy_usd_per_kwh: {}\n    carbon_kg_per_kwh: {}\n  "
        "  pue_adjust: {}\n    build_cost_multiplier: {}\n    power_lead_months: {}\n",
        s, u(0.5, 30), u(0.02, 0.2), u(0, 0.7), u(-0.05, 0.1), u(0.7, 1.4), i(3, 36));
    if (coin(0.6))
      y << fmt::format("    colo: {{usd_per_kw_month: {}, available_mw: {}, lead_months: {}}}\n",
                       u(80, 250), u(0.2, 10), i(1, 12));
    if (coin(0.6))
      y << fmt::format(
          "    cloud: {{max_accelerators: {}, price_multiplier: {}, lead_months: {}, pue: {}}}\n",
          i(8, 20000), u(0.8, 1.3), i(0, 4), u(1.05, 1.4));
  }
  if (reliability)
    y << fmt::format("reliability: {{accelerator_mtbf_hours: {}, checkpoint_minutes: {}, "
                     "restart_minutes: {}}}\n",
                     coin(0.5) ? u(20, 2000) : u(2000, 100000), u(0.1, 10),
                     coin(0.2) ? 0.0 : u(0, 30));
  if (coin(0.4))
    y << fmt::format("search: {{node_step: {}{}}}\n", i(1, 5),
                     coin(0.5) ? fmt::format(", max_nodes: {}", i(5, 3000)) : "");
  return y.str();
}

/// Loads a random scenario's text and builds its plan space; false (both left as they were) when
/// the text is not a valid scenario or its space is empty (an input error either way), which
/// property tests skip.
inline bool load_random(const std::string& text, scenario& sc, plan_space& sp) {
  try {
    scenario loaded = load_scenario_text(text, "random.yaml", ".");
    plan_space space = build_space(loaded);
    sc = std::move(loaded);
    sp = std::move(space);
  } catch (const input_error&) {
    return false;
  }
  return true;
}

} // namespace dcplan::test
