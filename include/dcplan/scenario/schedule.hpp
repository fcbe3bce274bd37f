#pragma once
// MODEL.md "Schedules: a multi-year build-out (version 2)": the optional `schedule` block and the
// per-system and per-site fields that only a schedule reads.
#include <optional>
#include <vector>

namespace dcplan {

/// The `schedule` block, validated: every per-period list has `years` values.
struct schedule_spec {
  int start_year = 0;                              // calendar year of period 0, 2000..2100
  int years = 0;                                   // periods 0..years-1, 1..10
  std::vector<double> demand_effective_flops;      // FLOP/s per period, >= 0
  std::optional<std::vector<double>> capex_budget; // USD per period, >= 0
  double price_decline = 0;                        // yearly fall of node prices, 0 <= x < 1
  double cloud_price_decline = 0;                  // yearly fall of cloud prices, 0 <= x < 1
  int hardware_life_years = 5;                     // 1..15
  int cloud_term_years = 1;                        // 1..years
  /// Per system (the scenario's `systems` order): its own declines, replacing the schedule's.
  std::vector<std::optional<double>> system_price_decline;
  std::vector<std::optional<double>> system_cloud_price_decline;
  /// Per site: `grid_mw_by_year` (MW, `years` values > 0), empty where the site has none.
  std::vector<std::vector<double>> site_grid_mw_by_year;
};

} // namespace dcplan
