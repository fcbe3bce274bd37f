#pragma once
// A validated scenario (MODEL.md "Scenario file"), and the functions that read one.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dcplan/model/records.hpp"
#include "dcplan/scenario/schedule.hpp"

namespace dcplan {

/// Where an entry or a value came from, for messages and for `dcplan catalog`.
struct source_loc {
  std::string file;
  int line = 0;   // 1-based, 0 when unknown
  int column = 0; // 1-based
};

/// Catalog metadata an entry may carry (an opt-in extension of MODEL.md's schema).
struct entry_meta {
  std::string id;
  std::string name;
  std::string source;
  std::string status;
  std::string notes;
  source_loc loc;
};

struct training_target {
  double active_params = 0;
  double tokens = 0;
  double days = 0;
  double flops_per_token = 6;
};

/// MODEL.md "Inference targets" (version 2): `target.inference`. Optional fields hold their
/// defaults; `bytes_per_param` left unset means 2 under bf16 and 1 under fp8.
struct inference_target {
  std::string model; // configs/catalog/models.yaml id that filled the model's fields, or empty
  double total_params = 0;      // parameters held in HBM (> 0)
  double active_params = 0;     // parameters used per token (0 < active <= total)
  double tokens_per_second = 0; // generated tokens/s to serve, all replicas (> 0)
  double input_tokens = 0;      // mean prompt tokens per request (>= 0)
  double output_tokens = 1;     // mean generated tokens per request (>= 1)
  // KV-cache bytes per token of context (> 0). Unset when a catalog model gives
  // kv_values_per_token (2 * layers * kv_heads * head_dim) instead: the bytes are then that
  // times bytes_per_param, at the run's precision.
  std::optional<double> kv_bytes_per_token;
  double kv_values_per_token = 0;
  std::optional<double> bytes_per_param;
  double usable_hbm = 0.9;
  double max_batch = 1024;
  std::optional<double> max_ms_per_token;
  double tp_scaling_k = 0;
  std::optional<double> mbu;         // required unless every system has its own
  std::optional<double> serving_mfu; // replaces the systems' mfu when set
};

/// A model of configs/catalog/models.yaml (an opt-in extension: `target.inference.model`).
struct model_card {
  std::string id, name, source;
  double total_params = 0, active_params = 0; // parameters
  double layers = 0, kv_heads = 0, head_dim = 0;
};

/// MODEL.md "Risk": the optional `uncertainty` block. A factor whose block is absent does not vary
/// (its sigma, sd or range is 0).
struct uncertainty {
  std::uint64_t scenarios = 10000; // draws, 1..1e6
  std::uint64_t seed = 0;
  std::size_t plans = 100; // the top plans that get risk figures, 1..1e4
  double energy_sigma = 0; // lognormal sigma of the factor on energy_usd_per_kwh
  double node_sigma = 0;   // ... on node_price_usd and cost_usd_per_accel
  double cloud_sigma = 0;  // ... on cloud_usd_per_accel_hour
  double mfu_sd = 0;       // normal sd added to mfu, clipped to [0.01, 1]
  bool has_delay = false;  // triangular delay in months added to ready_months
  double delay_low = 0, delay_mode = 0, delay_high = 0;
  bool has_energy = false, has_node = false, has_cloud = false, has_mfu = false;
  // An extension (docs/goodput.md): lognormal sigma of the factor on the reliability block's
  // accelerator_mtbf_hours; needs a reliability block.
  double mtbf_sigma = 0;
  bool has_mtbf = false;
};

/// MODEL.md "Goodput": the optional `reliability` block of a training target.
struct reliability {
  double accelerator_mtbf_hours = 0; // > 0
  double checkpoint_minutes = 0;     // > 0
  double restart_minutes = 0;        // >= 0
};

/// A value that is valid but implausible (MODEL.md "Scenario file"): the run goes on, and the
/// warning goes to standard error and the JSON report's `warnings`.
struct input_warning {
  std::string field;   // "sites.us-va.grid_mw"
  std::string message; // file:line:column: field: what looks wrong
};

struct scenario {
  std::string file; // path it was read from, or "<built-in>/NAME"
  precision prec = precision::bf16;
  objective obj = objective::tco;

  std::optional<double> target_effective_flops;
  std::optional<training_target> training;
  std::optional<inference_target> inference; // MODEL.md "Inference targets"
  bool portfolio = false;
  std::optional<double> deadline_months;
  std::optional<int> year;

  std::optional<double> budget_capex_usd;
  std::optional<double> budget_tco_usd;

  double horizon_years = 0, discount_rate = 0, utilization = 0, maintenance_rate = 0,
         staff_usd_per_mw_year = 0;
  double build_usd_per_mw_it = 0, construction_months = 0, facility_life_years = 0, rack_usd = 0,
         rack_units = 0;

  std::vector<accelerator_rec> accelerators;
  std::vector<system_rec> systems;
  std::vector<cooling_rec> cooling;
  std::vector<fabric_rec> fabrics;
  std::vector<site_rec> sites;
  std::vector<entry_meta> accelerator_meta, system_meta, cooling_meta, fabric_meta, site_meta;

  std::optional<uncertainty> uncert; // MODEL.md "Risk"
  std::optional<reliability> reliab; // MODEL.md "Goodput"
  std::vector<input_warning> warnings;

  std::optional<double> max_nodes;
  double node_step = 1;
  // Opt-in restriction of the space (search.sites, search.systems, search.sourcing): empty =
  // everything.
  std::vector<int> only_sites;
  std::vector<int> only_systems;
  std::vector<int> only_sourcing;
  /// MODEL.md "Schedules" (version 2): a multi-year build-out instead of one target.
  std::optional<schedule_spec> schedule;

  /// The scenario-wide constants of MODEL.md's formulas (annuity, required FLOP/s, ...).
  globals_rec globals() const;
};

/// Reads and validates a scenario file; throws input_error with file, line and column.
scenario load_scenario(const std::string& path);
/// Reads a scenario from text; `name` stands for the file in messages and resolves includes.
scenario load_scenario_text(const std::string& text, const std::string& name,
                            const std::string& base_dir);
/// The built-in default scenario (configs/default.yaml compiled into the binary).
scenario load_default_scenario();
/// The built-in catalog (configs/catalog/*.yaml): only the five lists are filled.
scenario load_builtin_catalog();
/// A built-in scenario by name, such as "bench-1e8.yaml" (configs/NAME).
scenario load_builtin_scenario(const std::string& name);
/// The built-in model catalog (configs/catalog/models.yaml).
std::vector<model_card> load_model_catalog();
/// An inference target's model fields from catalog model `id`; throws input_error naming `where`
/// (a file or "command line") and the valid ids when there is no such model.
void fill_from_model(inference_target& t, const std::string& id, const std::string& where);
/// The warning for a deadline over 10 years (MODEL.md "Scenario file"), from a file or a flag.
std::string deadline_warning(double months);
/// Checks the cross-field rules of MODEL.md "Scenario file" after command-line overrides.
void validate_scenario(const scenario& sc);

/// Why the scenario cannot be a portfolio run (MODEL.md "Portfolios"), or "" when it can: the
/// one statement of portfolio eligibility, for the scenario file (located errors) and the
/// portfolio optimizer alike. `field` receives the field to name. With `complete` false (while
/// the file is still being read, before the budgets) only the target's and objective's rules
/// apply.
std::string portfolio_ineligibility(const scenario& sc, std::string* field, bool complete = true);

/// One name of an enumerator, as scenario files, the command line and the reports spell it.
template <class E>
struct enum_name {
  const char* name;
  E value;
};

/// The names of the objectives, sourcing options and precisions, in the order messages list them:
/// parsing, printing and the command line's checks all read these tables.
inline constexpr enum_name<objective> kObjectiveNames[] = {
    {"tco", objective::tco},
    {"capex", objective::capex},
    {"ready_months", objective::ready_months},
    {"carbon", objective::carbon},
    {"effective_flops", objective::effective_flops},
    {"p90_tco", objective::p90_tco},
    {"cvar95_tco", objective::cvar95_tco},
};
inline constexpr enum_name<sourcing> kSourcingNames[] = {
    {"build", sourcing::build}, {"colo", sourcing::colo}, {"cloud", sourcing::cloud}};
inline constexpr enum_name<precision> kPrecisionNames[] = {{"bf16", precision::bf16},
                                                           {"fp8", precision::fp8}};

/// The enumerator called `name` in `table`, or nullopt.
template <class E, std::size_t N>
std::optional<E> from_name(const enum_name<E> (&table)[N], const std::string& name) {
  for (const enum_name<E>& x : table)
    if (name == x.name) return x.value;
  return std::nullopt;
}

/// Every name of `table`, in order.
template <class E, std::size_t N>
std::vector<std::string> names_of(const enum_name<E> (&table)[N]) {
  std::vector<std::string> out;
  for (const enum_name<E>& x : table) out.push_back(x.name);
  return out;
}

/// Every name of `table` joined by ", ", for a message that says what would be valid.
template <class E, std::size_t N>
std::string name_list(const enum_name<E> (&table)[N]) {
  std::string out;
  for (const enum_name<E>& x : table) out += (out.empty() ? "" : ", ") + std::string(x.name);
  return out;
}

const char* to_string(objective o);
const char* to_string(precision p);
const char* to_string(sourcing m);
const char* reason_name(int r);

} // namespace dcplan
