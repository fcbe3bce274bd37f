#pragma once
// Plain records of a scenario's lists, with the units of MODEL.md "Units". They hold no
// pointers or strings, so the same bytes are used by the CPU backend and copied to the GPU.
#include <cstdint>

namespace dcplan {

enum class precision : int { bf16 = 0, fp8 = 1 };
/// The risk objectives (MODEL.md "Risk") come last: the engine ranks by tco under them, and
/// the top `uncertainty.plans` plans are then re-ranked by the Monte Carlo figure.
enum class objective : int {
  tco = 0,
  capex = 1,
  ready_months = 2,
  carbon = 3,
  effective_flops = 4,
  p90_tco = 5,
  cvar95_tco = 6,
};
/// Sourcing, in MODEL.md's ranking order build < colo < cloud.
enum class sourcing : int { build = 0, colo = 1, cloud = 2 };

/// Reasons of MODEL.md "Feasibility"; 0 means feasible, 1..9 the first test that fails.
/// `replica` (test 9, inference targets only) is checked after test 5 but numbered last.
enum reason : int {
  feasible = 0,
  reason_year = 1,
  reason_cooling = 2,
  reason_rack = 3,
  reason_fabric = 4,
  reason_power = 5,
  reason_target = 6,
  reason_deadline = 7,
  reason_budget = 8,
  reason_replica = 9,
};
constexpr int kReasonCount = 10;

struct accelerator_rec {
  double peak_bf16_flops; // FLOP/s, dense
  double peak_fp8_flops;  // FLOP/s, dense
  double hbm_gb;
  double hbm_tbps;
  double tdp_w;
  int available_year;
};

struct system_rec {
  int accelerator;              // index into accelerators
  double accelerators_per_node; // positive integer
  double scale_up_domain;       // positive integer
  double node_power_kw;
  double node_price_usd;
  double node_rack_units; // positive integer
  int min_cooling;        // index into cooling
  double mfu;
  double lead_time_months;
  bool has_cloud;
  double cloud_usd_per_accel_hour;
  bool purchasable = true; // false: cloud plans only (MODEL.md "A plan")
  // MODEL.md "Inference targets": share of peak HBM bandwidth this system reaches; 0 when the
  // system has none of its own and the target's mbu applies.
  double mbu = 0;
};

struct cooling_rec {
  double rank;
  double pue;
  double max_rack_kw;
  double capex_usd_per_kw;
};

struct fabric_rec {
  double radix; // integer >= 2
  double cost_usd_per_accel;
  double power_w_per_accel; // W
  double scaling_k;
};

struct site_rec {
  double grid_mw;
  double energy_usd_per_kwh;
  double carbon_kg_per_kwh;
  double pue_adjust;
  double build_cost_multiplier;
  double power_lead_months;
  bool has_colo;
  double colo_usd_per_kw_month;
  double colo_available_mw;
  double colo_lead_months;
  bool has_cloud;
  double cloud_max_accelerators; // positive integer
  double cloud_price_multiplier;
  double cloud_lead_months;
  double cloud_pue;
  double build_fixed_usd; // USD, in fac_capex of build plans (MODEL.md "Figures of a plan")
};

/// Scenario-wide inputs of the model, already reduced to the constants every plan shares.
struct globals_rec {
  int prec;                        // precision
  int obj;                         // objective
  bool training;                   // training target: job figures and the training deadline form
  double required_effective_flops; // 0 under the effective_flops objective
  bool has_target;                 // false under the effective_flops objective
  double total_flops;              // training: flops_per_token * active_params * tokens
  double training_months;          // training: target.training.days / 30.4375
  bool has_deadline;
  double deadline_months;
  bool has_year;
  int year;
  bool has_budget_capex;
  double budget_capex_usd;
  bool has_budget_tco;
  double budget_tco_usd;
  double horizon_years;
  double discount_rate;
  double utilization;
  double maintenance_rate;
  double staff_usd_per_mw_year;
  double build_usd_per_mw_it;
  double construction_months;
  double facility_life_years;
  double rack_usd;
  double rack_units;
  double annuity;       // (1 - (1 + r)^-H) / r, or H when r = 0
  double discount_h;    // (1 + r)^-H
  double residual_life; // max(0, 1 - H / facility_life_years)
  double node_step;
  // MODEL.md "Goodput": the optional reliability block of a training target.
  bool has_reliability;
  double accelerator_mtbf_hours; // hours per accelerator between job-interrupting failures
  double checkpoint_minutes;     // the job's stall to write one checkpoint
  double restart_minutes;        // lost per failure
  // MODEL.md "Inference targets": the optional inference target, reduced to the prefixes of its
  // formulas that do not depend on the plan (computed on the host in MODEL.md's order).
  bool inference;
  double inf_tokens_per_second; // required generated tokens/s, all replicas
  double inf_weights;           // total_params * bytes_per_param, bytes
  double inf_kv_seq;            // kv_bytes_per_token * (input + output / 2), bytes
  double inf_flops_per_token;   // 2 * active_params * (input + output) / output, FLOP
  double inf_usable_hbm;        // share of HBM for weights and KV cache
  double inf_max_batch;         // most sequences per replica
  bool inf_has_latency;         // max_ms_per_token is set
  double inf_max_s_per_token;   // max_ms_per_token / 1000, seconds
  double inf_tp_scaling_k;      // cost of splitting a replica over p accelerators
  double inf_mbu;               // the target's mbu (0 when every system has its own)
  bool inf_has_serving_mfu;     // serving_mfu replaces the systems' mfu
  double inf_serving_mfu;
};

} // namespace dcplan
