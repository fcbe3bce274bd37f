#pragma once
// The figures of one plan (MODEL.md "Figures of a plan") and its feasibility (MODEL.md
// "Feasibility"), written once for the CPU and CUDA backends. Every expression follows
// MODEL.md's order of operations; the build uses -ffp-contract=off and nvcc -fmad=false so no
// multiply-add is fused and every backend gets the same doubles.
//
// `evaluate_plan` is four stages in MODEL.md's order, each a function of its own so that a loop
// over node counts can run only the stages a plan's reason needs (engine/detail/sweep.hpp):
// `combo_figures_of` (what does not depend on the node count: tests 1-3 and 7, per_rack, pue,
// ready_months, the replica search), `fabric_figures_of` and `add_power_figures` (tests 4 and 5),
// `perf_figures_of` (effective FLOP/s, goodput, replicas and tokens/s: tests 9 and 6) and
// `evaluate_sized` (the money and every other figure, the reason). A stage computes each figure by
// the one expression that defines it, whatever calls it, so hoisting a stage changes no double.
#include <cmath>

#include "dcplan/model/macros.hpp"
#include "dcplan/model/records.hpp"

namespace dcplan {

/// The lists of a scenario as flat arrays, valid on the side (host or device) that reads them.
struct model_view {
  const accelerator_rec* accelerators;
  const system_rec* systems;
  const cooling_rec* cooling;
  const fabric_rec* fabrics;
  const site_rec* sites;
  globals_rec g;
};

/// Every figure of one plan; NaN marks a figure that cannot be computed (per_rack == 0).
struct plan_figures {
  double nodes;
  double accelerators;
  double tiers;
  double per_rack;
  double racks;
  double it_kw;
  double pue;
  double facility_kw;
  double hw_capex;
  double fac_capex;
  double capex;
  double energy_usd_per_year;
  double opex_usd_per_year;
  double residual;
  double tco;
  double peak_flops;
  double efficiency;
  double goodput; // 1 without a reliability block
  double effective_flops;
  double ready_months;
  double tco2_per_year;
  double usd_per_pflop_day;
  // Job figures, training targets only.
  double job_days;
  double accelerator_hours;
  double job_energy_mwh;
  double job_tco2;
  double job_cost_usd;
  // Goodput figures, training targets with a reliability block only (NaN otherwise).
  double checkpoint_interval_minutes;
  double expected_interruptions;
  // Inference figures (MODEL.md "Inference targets"), inference targets only; NaN where MODEL.md
  // says null (no replica) or without an inference target.
  double replica_accelerators;
  double replicas;
  double batch;
  double tokens_per_second;
  double ms_per_token;
  double usd_per_million_tokens;
  int reason;         // first failing test, 0 when feasible
  unsigned failed;    // bit t set when test t (1..9) fails
  bool near_feasible; // passes every test except possibly the target (6)
};

namespace detail {
DCPLAN_HD_HOT double dmin(double a, double b) { return b < a ? b : a; }
DCPLAN_HD_HOT double dmax(double a, double b) { return a < b ? b : a; }
} // namespace detail

/// Fabric tiers for `acc` accelerators on switches of radix `radix` (MODEL.md, `tiers`). The
/// three comparisons, each with MODEL.md's bound, are made before the choice, so that no
/// floating-point operation is conditional and a loop over many plans can choose without
/// branches, which the compiler vectorizes (engine/detail/sweep.hpp).
DCPLAN_HD_HOT double fabric_tiers(double acc, double radix) {
  const bool one = acc <= radix;
  const bool two = acc <= radix * radix / 2;
  const bool three = acc <= radix * radix * radix / 4;
  return one ? 1.0 : two ? 2.0 : three ? 3.0 : 4.0;
}

/// MODEL.md "Goodput": Daly's checkpoint interval and the share of time a job makes progress.
struct goodput_figures {
  double mtbf_minutes; // M, the job's mean minutes between interruptions
  double interval;     // minutes between checkpoints
  double goodput;
};

/// MODEL.md "Goodput" for a job on `acc` accelerators, in MODEL.md's order of operations.
DCPLAN_HD_HOT goodput_figures daly_goodput(const globals_rec& g, double acc) {
  goodput_figures r;
  const double M = g.accelerator_mtbf_hours * 60 / acc;
  const double delta = g.checkpoint_minutes;
  const double R = g.restart_minutes;
  const double x = delta / (2 * M);
  const double interval =
      delta < 2 * M ? sqrt(2 * delta * M) * (1 + sqrt(x) / 3 + x / 9) - delta : M;
  r.mtbf_minutes = M;
  r.interval = interval;
  r.goodput = interval / (M * exp(R / M) * expm1((interval + delta) / M));
  return r;
}

/// MODEL.md "Feasibility" test 6: `effective_flops >= required` (always true without a target).
DCPLAN_HD_HOT bool passes_target(const globals_rec& g, double effective_flops) {
  return !g.has_target || effective_flops >= g.required_effective_flops;
}

/// One step of MODEL.md "Inference targets"' replica search: a replica of `p` accelerators.
struct replica_step {
  double p;               // accelerators per replica, a power of two
  double split;           // 1 + tp_scaling_k * log2(p)
  double A;               // seconds per step to read the weights
  double b;               // seconds per step per sequence: compute and KV reads
  double b_compute, b_kv; // the two parts of b
  double B;               // the batch (< 1: this p serves nothing)
  double step;            // (A + b * B) * split, seconds (B >= 1 only)
  double rate;            // B / step / p, tokens/s per accelerator (B >= 1 only)
};

/// The per-accelerator inputs of the replica search for system `sys` serving with `m` (the
/// serving_mfu or the system's mfu, possibly moved by a risk draw).
struct replica_inputs {
  double hbm; // hbm_gb * 1e9 * usable_hbm, bytes
  double bw;  // hbm_tbps * 1e12 * mbu, bytes/s
  double fl;  // peak_<precision>_flops * m, FLOP/s
};

DCPLAN_HD replica_inputs replica_inputs_of(const globals_rec& g, const system_rec& sys,
                                           const accelerator_rec& ar) {
  replica_inputs r;
  const double mbu = sys.mbu > 0 ? sys.mbu : g.inf_mbu;
  const double m = g.inf_has_serving_mfu ? g.inf_serving_mfu : sys.mfu;
  r.hbm = ar.hbm_gb * 1e9 * g.inf_usable_hbm;
  r.bw = ar.hbm_tbps * 1e12 * mbu;
  r.fl = (g.prec == static_cast<int>(precision::fp8) ? ar.peak_fp8_flops : ar.peak_bf16_flops) * m;
  return r;
}

/// MODEL.md "Inference targets": the replica of p accelerators, `log2p` being log2(p) (p is a
/// power of two, so the loop's counter is log2(p) exactly, with no library call).
DCPLAN_HD replica_step replica_try(const globals_rec& g, const replica_inputs& in, double p,
                                   double log2p) {
  replica_step r;
  r.p = p;
  const double cap = p * in.hbm - g.inf_weights;
  const double split = 1 + g.inf_tp_scaling_k * log2p;
  r.split = split;
  const double A = g.inf_weights / (p * in.bw);
  r.A = A;
  r.b_compute = g.inf_flops_per_token / (p * in.fl);
  r.b_kv = g.inf_kv_seq / (p * in.bw);
  const double b = r.b_compute + r.b_kv;
  r.b = b;
  double B = floor(cap / g.inf_kv_seq);
  B = detail::dmin(B, g.inf_max_batch);
  if (g.inf_has_latency) B = detail::dmin(B, floor((g.inf_max_s_per_token / split - A) / b));
  r.B = B;
  r.step = NAN;
  r.rate = NAN;
  if (B >= 1) {
    r.step = (A + b * B) * split;
    r.rate = B / r.step / p;
  }
  return r;
}

/// The kept replica of MODEL.md's search: p = 1, 2, 4, ... <= scale_up_domain, a larger p kept
/// only when its rate beats the kept one's by more than 1e-9 relative. `found` is false when no p
/// serves a sequence.
struct replica_choice {
  bool found;
  double p, batch, step_s;
};

DCPLAN_HD replica_choice replica_search(const globals_rec& g, const system_rec& sys,
                                        const accelerator_rec& ar) {
  const replica_inputs in = replica_inputs_of(g, sys, ar);
  replica_choice c{false, NAN, NAN, NAN};
  double best = 0;
  double log2p = 0;
  for (double p = 1; p <= sys.scale_up_domain; p = p * 2, log2p = log2p + 1) {
    const replica_step r = replica_try(g, in, p, log2p);
    if (!(r.B >= 1)) continue;
    if (!c.found || r.rate > best * (1 + 1e-9)) {
      c.found = true;
      c.p = p;
      c.batch = r.B;
      c.step_s = r.step;
      best = r.rate;
    }
  }
  return c;
}

/// MODEL.md "Inference targets": replicas of `p` accelerators in `acc`, none spanning two
/// scale-up domains of `D`. A non-decreasing step function of acc (range_reduce.hpp).
DCPLAN_HD_HOT double replicas_in(double acc, double D, double p) {
  return floor(acc / D) * floor(D / p) + floor((acc - floor(acc / D) * D) / p);
}

/// MODEL.md "Feasibility" test 7 for a plan ready after `ready` months (true without a deadline).
DCPLAN_HD_HOT bool passes_deadline(const globals_rec& g, double ready) {
  if (!g.has_deadline) return true;
  return g.training ? ready + g.training_months <= g.deadline_months : ready <= g.deadline_months;
}

/// The figures of a combination (site s, system a, cooling c, fabric f, sourcing m; cloud plans
/// take c = -1) that do not depend on the node count: MODEL.md "Figures of a plan" (`per_rack`,
/// `pue`, `ready_months`, the replica search) and "Feasibility" tests 1-3 and 7. Each is the very
/// expression a plan used before it was hoisted, over the same operands, so it is the same double.
struct combo_figures {
  int s, a, c, f, m;
  bool cloud, build;
  double per_rack; // 0 for cloud
  double pue;
  double ready;
  bool t_year, t_cooling, t_rack, t_deadline;
  replica_choice rc; // inference targets only (found = false otherwise)
};

DCPLAN_HD combo_figures combo_figures_of(const model_view& v, int s, int a, int c, int f, int m) {
  const globals_rec& g = v.g;
  const site_rec& site = v.sites[s];
  const system_rec& sys = v.systems[a];
  const accelerator_rec& acc_rec = v.accelerators[sys.accelerator];
  combo_figures k;
  k.s = s;
  k.a = a;
  k.c = c;
  k.f = f;
  k.m = m;
  k.cloud = m == static_cast<int>(sourcing::cloud);
  k.build = m == static_cast<int>(sourcing::build);
  k.per_rack = 0.0;
  if (k.cloud) {
    k.pue = site.cloud_pue;
  } else {
    const cooling_rec& cool = v.cooling[c];
    k.per_rack = detail::dmin(floor(cool.max_rack_kw / sys.node_power_kw),
                              floor(g.rack_units / sys.node_rack_units));
    k.pue = cool.pue + site.pue_adjust;
  }
  if (k.build) {
    k.ready = detail::dmax(detail::dmax(site.power_lead_months, g.construction_months),
                           sys.lead_time_months);
  } else if (k.cloud) {
    k.ready = site.cloud_lead_months;
  } else {
    k.ready = detail::dmax(site.colo_lead_months, sys.lead_time_months);
  }
  k.t_year = !g.has_year || acc_rec.available_year <= g.year;
  k.t_cooling = k.cloud || v.cooling[c].rank >= v.cooling[sys.min_cooling].rank;
  k.t_rack = k.cloud || k.per_rack >= 1.0;
  k.t_deadline = passes_deadline(g, k.ready);
  k.rc = g.inference ? replica_search(g, sys, acc_rec) : replica_choice{false, NAN, NAN, NAN};
  return k;
}

/// The figures of a plan of `n` nodes that tests 4 (fabric) and 5 (power) read.
struct size_figures {
  double n, acc, tiers, fab_scale, racks, it_kw, facility_kw;
  bool t_fabric, t_power;
};

/// MODEL.md "Figures of a plan" `accelerators` and `tiers`, and test 4, for `n` nodes: the first
/// part of size_figures_of (the other fields are set by add_power_figures).
DCPLAN_HD_HOT size_figures fabric_figures_of(const model_view& v, const combo_figures& k,
                                             double n) {
  const system_rec& sys = v.systems[k.a];
  const fabric_rec& fab = v.fabrics[k.f];
  size_figures z;
  z.n = n;
  const double acc = n * sys.accelerators_per_node;
  z.acc = acc;
  const double tiers = fabric_tiers(acc, fab.radix);
  z.tiers = tiers;
  z.fab_scale = tiers / 2;
  z.t_fabric = tiers <= 3.0;
  z.racks = z.it_kw = z.facility_kw = 0.0;
  z.t_power = false;
  return z;
}

/// MODEL.md "Figures of a plan" `racks` for `n` nodes. Test 5 does not read it, so a loop that
/// decides test 5 for many plans at once (engine/detail/sweep.hpp) computes it for the plans that
/// pass only: `ceil` is a library call that would keep that loop from being vectorized.
DCPLAN_HD_HOT double racks_of(const combo_figures& k, double n) {
  return k.cloud ? 0.0 : k.per_rack >= 1.0 ? ceil(n / k.per_rack) : NAN;
}

/// MODEL.md "Figures of a plan" `it_kw` and `facility_kw`, and test 5: add_power_figures but for
/// `racks`, for the plans whose fabric figures `z` holds.
DCPLAN_HD_HOT void add_load_figures(const model_view& v, const combo_figures& k, size_figures& z) {
  const site_rec& site = v.sites[k.s];
  const system_rec& sys = v.systems[k.a];
  const fabric_rec& fab = v.fabrics[k.f];
  const double n = z.n;
  const double it_kw = n * sys.node_power_kw + z.acc * fab.power_w_per_accel / 1000 * z.fab_scale;
  z.it_kw = it_kw;
  const double facility_kw = it_kw * k.pue;
  z.facility_kw = facility_kw;
  if (k.build) {
    z.t_power = facility_kw / 1000 <= site.grid_mw;
  } else if (k.cloud) {
    z.t_power = z.acc <= site.cloud_max_accelerators;
  } else {
    z.t_power = it_kw / 1000 <= site.colo_available_mw;
  }
}

/// MODEL.md "Figures of a plan" `racks`, `it_kw` and `facility_kw`, and test 5.
DCPLAN_HD_HOT void add_power_figures(const model_view& v, const combo_figures& k, size_figures& z) {
  z.racks = racks_of(k, z.n);
  add_load_figures(v, k, z);
}

/// MODEL.md "Figures of a plan" up to `facility_kw`, and tests 4 and 5, for `n` nodes.
DCPLAN_HD_HOT size_figures size_figures_of(const model_view& v, const combo_figures& k, double n) {
  size_figures z = fabric_figures_of(v, k, n);
  add_power_figures(v, k, z);
  return z;
}

/// The compute and serving figures of a plan (MODEL.md "Figures of a plan" `peak_flops` to
/// `effective_flops`, "Goodput", "Inference targets" `replicas` and `tokens_per_second`) and
/// tests 9 and 6: what a plan's reason needs once tests 1-5 pass, apart from the money.
struct perf_figures {
  double peak, efficiency, goodput, mtbf_minutes, interval, eff;
  double replicas, tps; // inference targets only (NaN and 0 otherwise)
  bool t_replica, t_target;
};

/// MODEL.md "Figures of a plan" `efficiency`: the argument of its log2, `acc` over the system's
/// scale-up domain and at least 1.
DCPLAN_HD_HOT double scale_out_ratio(const model_view& v, const combo_figures& k, double acc) {
  return detail::dmax(1.0, acc / v.systems[k.a].scale_up_domain);
}

/// perf_figures_of, given `log2_ratio` = log2(scale_out_ratio(v, k, z.acc)): a loop over many
/// plans (engine/detail/sweep.hpp) takes the library's log2 in a loop of its own, so that the
/// loop over the rest has no call and can be vectorized.
DCPLAN_HD_HOT perf_figures perf_figures_with(const model_view& v, const combo_figures& k,
                                             const size_figures& z, double log2_ratio) {
  const globals_rec& g = v.g;
  const system_rec& sys = v.systems[k.a];
  const accelerator_rec& acc_rec = v.accelerators[sys.accelerator];
  const fabric_rec& fab = v.fabrics[k.f];
  const double acc = z.acc;
  perf_figures q;
  const double peak = acc * (g.prec == static_cast<int>(precision::fp8) ? acc_rec.peak_fp8_flops
                                                                        : acc_rec.peak_bf16_flops);
  q.peak = peak;
  const double efficiency = 1 / (1 + fab.scaling_k * log2_ratio);
  q.efficiency = efficiency;
  // MODEL.md "Goodput": after efficiency, before effective_flops; 1 without the block.
  double goodput = 1.0;
  q.mtbf_minutes = q.interval = NAN;
  if (g.has_reliability) {
    const goodput_figures gp = daly_goodput(g, acc);
    goodput = gp.goodput;
    q.mtbf_minutes = gp.mtbf_minutes;
    q.interval = gp.interval;
  }
  q.goodput = goodput;
  const double eff = peak * sys.mfu * efficiency * goodput;
  q.eff = eff;
  // MODEL.md "Inference targets": replicas from the combination's replica search.
  q.t_replica = true;
  q.tps = 0;
  q.replicas = NAN;
  if (g.inference) {
    const replica_choice& rc = k.rc;
    const double replicas = rc.found ? replicas_in(acc, sys.scale_up_domain, rc.p) : 0.0;
    q.replicas = replicas;
    q.t_replica = replicas >= 1;
    if (q.t_replica) q.tps = replicas * rc.batch / rc.step_s;
  }
  // Test 6: on tokens_per_second for an inference target.
  q.t_target = g.inference ? q.tps >= g.inf_tokens_per_second : passes_target(g, eff);
  return q;
}

/// The compute and serving figures, and tests 9 and 6, of the plan `z` of combination `k`.
DCPLAN_HD_HOT perf_figures perf_figures_of(const model_view& v, const combo_figures& k,
                                           const size_figures& z) {
  return perf_figures_with(v, k, z, log2(scale_out_ratio(v, k, z.acc)));
}

/// Every figure of the plan of combination `k` with size figures `z`: MODEL.md "Figures of a
/// plan" and "Feasibility", in MODEL.md's order of operations.
// Kept whole: MODEL.md's figures in order, one function by design (STYLE.md).
// NOLINTNEXTLINE(readability-function-size)
DCPLAN_HD_HOT plan_figures evaluate_sized(const model_view& v, const combo_figures& k,
                                          const size_figures& z) {
  const globals_rec& g = v.g;
  const site_rec& site = v.sites[k.s];
  const system_rec& sys = v.systems[k.a];
  const fabric_rec& fab = v.fabrics[k.f];
  const bool cloud = k.cloud;
  const bool build = k.build;
  const double nan = NAN;
  const double n = z.n;
  const double acc = z.acc;
  const double fab_scale = z.fab_scale;
  const double racks = z.racks;
  const double it_kw = z.it_kw;
  const double facility_kw = z.facility_kw;

  plan_figures p;
  p.nodes = n;
  p.accelerators = acc;
  p.tiers = z.tiers;
  p.per_rack = k.per_rack;
  p.racks = racks;
  p.pue = k.pue;
  p.it_kw = it_kw;
  p.facility_kw = facility_kw;

  double hw_capex = 0.0;
  double fac_capex = 0.0;
  double capex = 0.0;
  double energy = 0.0;
  double opex;
  double residual = 0.0;
  if (cloud) {
    opex = acc * sys.cloud_usd_per_accel_hour * site.cloud_price_multiplier * 8760;
  } else {
    const cooling_rec& cool = v.cooling[k.c];
    hw_capex =
        n * sys.node_price_usd + acc * fab.cost_usd_per_accel * fab_scale + racks * g.rack_usd;
    fac_capex = it_kw / 1000 * g.build_usd_per_mw_it * site.build_cost_multiplier +
                it_kw * cool.capex_usd_per_kw;
    if (build) fac_capex = fac_capex + site.build_fixed_usd; // paid once per build plan
    energy = facility_kw * g.utilization * 8760 * site.energy_usd_per_kwh;
    if (build) {
      capex = hw_capex + fac_capex;
      opex = energy + g.maintenance_rate * hw_capex + it_kw / 1000 * g.staff_usd_per_mw_year;
      residual = fac_capex * g.residual_life * g.discount_h;
    } else {
      capex = hw_capex;
      opex = energy + g.maintenance_rate * hw_capex + it_kw * site.colo_usd_per_kw_month * 12;
    }
  }
  p.hw_capex = cloud ? 0.0 : hw_capex;
  p.fac_capex = cloud ? 0.0 : fac_capex;
  p.capex = capex;
  p.energy_usd_per_year = energy;
  p.opex_usd_per_year = opex;
  p.residual = residual;
  const double tco = capex + opex * g.annuity - residual;
  p.tco = tco;

  const perf_figures q = perf_figures_of(v, k, z);
  p.peak_flops = q.peak;
  p.efficiency = q.efficiency;
  p.checkpoint_interval_minutes = q.interval;
  p.goodput = q.goodput;
  const double mtbf_minutes = q.mtbf_minutes;
  const double eff = q.eff;
  p.effective_flops = eff;

  const double ready = k.ready;
  p.ready_months = ready;
  p.tco2_per_year = facility_kw * g.utilization * 8760 * site.carbon_kg_per_kwh / 1000;
  p.usd_per_pflop_day = tco / (eff / 1e15 * 365 * g.horizon_years);

  if (g.training) {
    const double job_days = g.total_flops / eff / 86400;
    p.job_days = job_days;
    const double acc_hours = acc * job_days * 24;
    p.accelerator_hours = acc_hours;
    const double job_energy = facility_kw * g.utilization * job_days * 24 / 1000;
    p.job_energy_mwh = job_energy;
    p.job_tco2 = job_energy * site.carbon_kg_per_kwh;
    p.job_cost_usd = cloud ? acc_hours * sys.cloud_usd_per_accel_hour * site.cloud_price_multiplier
                           : tco * job_days / (365 * g.horizon_years);
    p.expected_interruptions = g.has_reliability ? job_days * 1440 / mtbf_minutes : nan;
  } else {
    p.expected_interruptions = nan;
    p.job_days = p.accelerator_hours = p.job_energy_mwh = p.job_tco2 = p.job_cost_usd = nan;
  }

  // MODEL.md "Inference targets": the replica search (per combination), replicas and the serving
  // figures.
  const bool t_replica = q.t_replica;
  const double tps = q.tps;
  p.replica_accelerators = p.replicas = p.batch = p.tokens_per_second = p.ms_per_token =
      p.usd_per_million_tokens = nan;
  if (g.inference) {
    const replica_choice& rc = k.rc;
    p.replicas = q.replicas;
    if (t_replica) {
      p.replica_accelerators = rc.p;
      p.batch = rc.batch;
      p.ms_per_token = rc.step_s * 1000;
      p.usd_per_million_tokens = tco / (tps * 3600 * 8760 * g.utilization * g.horizon_years) * 1e6;
    }
    p.tokens_per_second = tps;
  }

  // MODEL.md "Feasibility": tests 1..9 in the order 1, 2, 3, 4, 5, 9, 6, 7, 8; the first that
  // fails is the reason.
  const bool t_year = k.t_year;
  const bool t_cooling = k.t_cooling;
  const bool t_rack = k.t_rack;
  const bool t_fabric = z.t_fabric;
  const bool t_power = z.t_power;
  const bool t_target = q.t_target;
  const bool t_deadline = k.t_deadline;
  const bool t_budget = (!g.has_budget_capex || capex <= g.budget_capex_usd) &&
                        (!g.has_budget_tco || tco <= g.budget_tco_usd);

  p.failed = (t_year ? 0u : 1u << reason_year) | (t_cooling ? 0u : 1u << reason_cooling) |
             (t_rack ? 0u : 1u << reason_rack) | (t_fabric ? 0u : 1u << reason_fabric) |
             (t_power ? 0u : 1u << reason_power) | (t_target ? 0u : 1u << reason_target) |
             (t_deadline ? 0u : 1u << reason_deadline) | (t_budget ? 0u : 1u << reason_budget) |
             (t_replica ? 0u : 1u << reason_replica);
  int r = feasible;
  if (!t_year)
    r = reason_year;
  else if (!t_cooling)
    r = reason_cooling;
  else if (!t_rack)
    r = reason_rack;
  else if (!t_fabric)
    r = reason_fabric;
  else if (!t_power)
    r = reason_power;
  else if (!t_replica)
    r = reason_replica;
  else if (!t_target)
    r = reason_target;
  else if (!t_deadline)
    r = reason_deadline;
  else if (!t_budget)
    r = reason_budget;
  p.reason = r;
  p.near_feasible =
      t_year && t_cooling && t_rack && t_fabric && t_power && t_replica && t_deadline && t_budget;
  return p;
}

/// Evaluates plan (site s, system a, cooling c, fabric f, sourcing m, nodes n): MODEL.md
/// "Figures of a plan" and "Feasibility". Cloud plans take c = -1.
DCPLAN_HD plan_figures evaluate_plan(const model_view& v, int s, int a, int c, int f, int m,
                                     double n) {
  const combo_figures k = combo_figures_of(v, s, a, c, f, m);
  return evaluate_sized(v, k, size_figures_of(v, k, n));
}

/// Test 6 of a plan's figures: on tokens_per_second for an inference target (MODEL.md
/// "Inference targets"), else on effective_flops. For the risk draws.
DCPLAN_HD_HOT bool meets_target(const globals_rec& g, const plan_figures& p) {
  return g.inference ? p.tokens_per_second >= g.inf_tokens_per_second
                     : passes_target(g, p.effective_flops);
}

/// The ranking figure of MODEL.md "Ranking", oriented so that smaller is better.
DCPLAN_HD_HOT double objective_key(const plan_figures& p, int obj) {
  switch (obj) {
  case static_cast<int>(objective::capex):
    return p.capex;
  case static_cast<int>(objective::ready_months):
    return p.ready_months;
  case static_cast<int>(objective::carbon):
    return p.tco2_per_year;
  case static_cast<int>(objective::effective_flops):
    return -p.effective_flops;
  // MODEL.md "Risk": the risk objectives rank by TCO before the Monte Carlo re-ranking.
  case static_cast<int>(objective::p90_tco):
  case static_cast<int>(objective::cvar95_tco):
  default:
    return p.tco;
  }
}

} // namespace dcplan
