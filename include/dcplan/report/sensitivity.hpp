#pragma once
// `dcplan sensitivity`: for each uncertain input of MODEL.md "Risk" at its p10 and its p90, the
// whole plan search re-run with that input fixed there, and how the best plan and its TCO move.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dcplan/engine/engine.hpp"
#include "dcplan/risk/risk.hpp"
#include "dcplan/scenario/scenario.hpp"

namespace dcplan {

/// The uncertain inputs, in the order of MODEL.md "Risk".
enum class risk_input {
  energy_price,
  node_price,
  cloud_price,
  mfu,
  delay_months,
  accelerator_mtbf
};

struct sensitivity_point {
  double quantile = 0; // 0.1 or 0.9
  double value = 0;    // the factor (prices), the shift of mfu, or the delay in months
  bool feasible = false;
  risk_plan best{};          // the best plan, when one is feasible
  double best_tco = 0;       // NaN when no plan is feasible
  bool best_changes = false; // the best plan differs from the baseline's (or none is feasible)
};

struct sensitivity_row {
  risk_input input;
  sensitivity_point low, high;
  double effect_usd = 0; // |TCO at p90 - TCO at p10|; NaN when either has no feasible plan
};

struct sensitivity_result {
  backend_kind backend = backend_kind::cpu;
  bool feasible = false; // the baseline has a feasible plan
  risk_plan best{};
  double best_tco = 0;
  std::vector<sensitivity_row> rows; // largest effect first (no feasible plan counts as largest)
};

const char* to_string(risk_input i);

/// The draw that holds input `i` at quantile `q` of its distribution and every other input at
/// its no-change value (factor 1, shift 0, delay 0).
risk_draw quantile_draw(const uncertainty& u, risk_input i, double q);

/// The scenario with the draw applied to every site, system and fabric and to construction time.
scenario apply_draw_to_scenario(const scenario& sc, const risk_draw& d);

/// Runs the baseline search and two per uncertain input; throws input_error without an
/// uncertainty block.
sensitivity_result run_sensitivity(const scenario& sc, backend_kind kind, const engine_options& opt,
                                   std::string* notice);

/// The JSON report of a sensitivity run.
nlohmann::ordered_json sensitivity_json(const scenario& sc, const sensitivity_result& r);
/// The tornado table of a sensitivity run.
std::string sensitivity_table(const scenario& sc, const sensitivity_result& r);

} // namespace dcplan
