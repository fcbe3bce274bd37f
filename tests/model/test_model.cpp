// MODEL.md "Figures of a plan" and "Feasibility", checked on plans worked by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "dcplan/model/errors.hpp"
#include "dcplan/scenario/space.hpp"
#include "helpers.hpp"

using namespace dcplan;
using dcplan::test::tiny;

namespace {
plan_ref ref(int c, int m, double n) { return plan_ref{0, 0, c, 0, m, n}; }
constexpr int kBuild = 0, kColo = 1, kCloud = 2;
} // namespace

TEST_CASE("a build plan worked by hand: every figure", "[model]") {
  const scenario sc = tiny();
  const plan_figures f = evaluate_ref(sc, ref(0, kBuild, 3));
  // acc = 3 x 8 = 24 > radix 16, <= 16^2/2 = 128: two tiers, fab_scale 1.
  CHECK(f.accelerators == 24);
  CHECK(f.tiers == 2);
  // per_rack = min(floor(25 / 10), floor(42 / 8)) = min(2, 5) = 2; racks = ceil(3 / 2) = 2.
  CHECK(f.per_rack == 2);
  CHECK(f.racks == 2);
  // it_kw = 3 x 10 + 24 x 100 / 1000 x 1 = 32.4; facility = 32.4 x 1.3.
  CHECK(f.it_kw == Approx(32.4).epsilon(1e-14));
  CHECK(f.facility_kw == Approx(42.12).epsilon(1e-14));
  // hw = 3 x 250000 + 24 x 10000 x 1 + 2 x 20000 = 1,030,000.
  CHECK(f.hw_capex == 1030000.0);
  // fac = 32.4 / 1000 x 1e7 x 1.0 + 32.4 x 1000 = 324,000 + 32,400.
  CHECK(f.fac_capex == Approx(356400.0).epsilon(1e-14));
  CHECK(f.capex == Approx(1386400.0).epsilon(1e-14));
  // energy = 42.12 x 0.75 x 8760 x 0.1 = 27,672.84; opex = energy + 0.02 x hw + 32.4/1000 x 200000.
  CHECK(f.energy_usd_per_year == Approx(27672.84).epsilon(1e-13));
  CHECK(f.opex_usd_per_year == Approx(27672.84 + 20600 + 6480).epsilon(1e-13));
  // annuity = (1 - 1.1^-4) / 0.1; residual = fac x (1 - 4/16) x 1.1^-4.
  const double annuity = (1 - std::pow(1.1, -4.0)) / 0.1;
  const double residual = 356400.0 * 0.75 * std::pow(1.1, -4.0);
  CHECK(f.residual == Approx(residual).epsilon(1e-13));
  CHECK(f.tco == Approx(1386400.0 + 54752.84 * annuity - residual).epsilon(1e-13));
  CHECK(f.tco == Approx(1377389.6389864082).epsilon(1e-12));
  // efficiency = 1 / (1 + 0.02 x log2(24 / 8)); effective = 24e15 x 0.5 x efficiency.
  const double eff = 1 / (1 + 0.02 * std::log2(3.0));
  CHECK(f.efficiency == Approx(eff).epsilon(1e-15));
  CHECK(f.effective_flops == Approx(24e15 * 0.5 * eff).epsilon(1e-14));
  // ready = max(power lead 6, construction 12, lead time 4).
  CHECK(f.ready_months == 12);
  CHECK(f.tco2_per_year == Approx(42.12 * 0.75 * 8760 * 0.4 / 1000).epsilon(1e-13));
  CHECK(f.usd_per_pflop_day == Approx(f.tco / (f.effective_flops / 1e15 * 365 * 4)).epsilon(1e-14));
  // Not a training target: no job figures.
  CHECK(std::isnan(f.job_days));
  // 1.163e16 >= 1e16, power 42.12 kW <= 60 kW: feasible.
  CHECK(f.reason == feasible);
  CHECK(f.near_feasible);
}

TEST_CASE("a cloud plan worked by hand", "[model]") {
  const scenario sc = tiny();
  const plan_figures f = evaluate_ref(sc, ref(-1, kCloud, 3));
  CHECK(f.racks == 0);
  CHECK(f.capex == 0);
  CHECK(f.facility_kw == Approx(32.4 * 1.2).epsilon(1e-14)); // cloud.pue
  CHECK(f.opex_usd_per_year == Approx(24 * 2.0 * 1.0 * 8760).epsilon(1e-14));
  CHECK(f.tco == Approx(420480.0 * (1 - std::pow(1.1, -4.0)) / 0.1).epsilon(1e-13));
  CHECK(f.ready_months == 1);
  CHECK(f.tco2_per_year == Approx(38.88 * 0.75 * 8760 * 0.4 / 1000).epsilon(1e-13));
  CHECK(f.reason == feasible);
}

TEST_CASE("a colo plan worked by hand", "[model]") {
  const scenario sc =
      tiny({{"power_lead_months: 6", "power_lead_months: 6\n    colo: {usd_per_kw_month: 150, "
                                     "available_mw: 0.05, lead_months: 2}"}});
  const plan_figures f = evaluate_ref(sc, ref(0, kColo, 3));
  CHECK(f.capex == 1030000.0); // hardware only
  CHECK(f.opex_usd_per_year == Approx(27672.84 + 20600 + 32.4 * 150 * 12).epsilon(1e-13));
  CHECK(f.residual == 0);
  CHECK(f.ready_months == 4); // max(colo lead 2, system lead 4)
  CHECK(f.reason == feasible);
  // colo power: it_kw / 1000 <= available_mw; 5 nodes = 50 kW + 4 kW of fabric > 50 kW.
  CHECK(evaluate_ref(sc, ref(0, kColo, 5)).reason == reason_power);
}

TEST_CASE("tiers follow radix, radix^2/2 and radix^3/4", "[model]") {
  CHECK(fabric_tiers(16, 16) == 1);
  CHECK(fabric_tiers(17, 16) == 2);
  CHECK(fabric_tiers(128, 16) == 2);
  CHECK(fabric_tiers(129, 16) == 3);
  CHECK(fabric_tiers(1024, 16) == 3);
  CHECK(fabric_tiers(1025, 16) == 4);
  // Real divisions: radix 3 gives 4.5 and 6.75.
  CHECK(fabric_tiers(4, 3) == 2);
  CHECK(fabric_tiers(5, 3) == 3);
  CHECK(fabric_tiers(7, 3) == 4);
}

TEST_CASE("each feasibility test is the reason when it fails first", "[model][feasibility]") {
  SECTION("1 year") {
    const scenario sc =
        tiny({{"effective_flops: 1.0e16", "effective_flops: 1.0e16\n  year: 2023"}});
    CHECK(evaluate_ref(sc, ref(0, kBuild, 3)).reason == reason_year);
    CHECK(evaluate_ref(sc, ref(-1, kCloud, 3)).reason == reason_year);
  }
  SECTION("2 cooling (build and colo only)") {
    const scenario sc = tiny({{"min_cooling: air", "min_cooling: dlc"},
                              {"cooling:\n", "cooling:\n  - {id: dlc, rank: 2, pue: 1.1, "
                                             "max_rack_kw: 100, capex_usd_per_kw: 2000}\n"}});
    CHECK(evaluate_ref(sc, ref(1, kBuild, 3)).reason == reason_cooling); // air, rank 0 < 2
    CHECK(evaluate_ref(sc, ref(0, kBuild, 3)).reason == feasible);
    CHECK(evaluate_ref(sc, ref(-1, kCloud, 3)).reason == feasible);
  }
  SECTION("3 rack: per_rack 0, and racks are not available") {
    const scenario sc = tiny({{"max_rack_kw: 25", "max_rack_kw: 9"}});
    const plan_figures f = evaluate_ref(sc, ref(0, kBuild, 3));
    CHECK(f.reason == reason_rack);
    CHECK(std::isnan(f.racks));
    CHECK(std::isnan(f.capex));
    CHECK(!std::isnan(f.effective_flops));
  }
  SECTION("4 fabric: more than three tiers") {
    const scenario sc = tiny({{"radix: 16", "radix: 2"}, {"grid_mw: 0.06", "grid_mw: 60"}});
    CHECK(evaluate_ref(sc, ref(0, kBuild, 1)).reason == reason_fabric); // 8 > 2^3/4 = 2
  }
  SECTION("5 power") {
    const scenario sc = tiny();
    // 4 nodes: 43.2 kW x 1.3 = 56.16 kW <= 60; 5 nodes: 54 x 1.3 = 70.2 > 60.
    CHECK(evaluate_ref(sc, ref(0, kBuild, 4)).reason == feasible);
    CHECK(evaluate_ref(sc, ref(0, kBuild, 5)).reason == reason_power);
    CHECK(evaluate_ref(sc, ref(-1, kCloud, 4)).reason == feasible);     // 32 accelerators
    CHECK(evaluate_ref(sc, ref(-1, kCloud, 5)).reason == reason_power); // 40 > 32
  }
  SECTION("6 target") {
    const scenario sc = tiny();
    const plan_figures f = evaluate_ref(sc, ref(0, kBuild, 2));
    CHECK(f.reason == reason_target);
    CHECK(f.near_feasible);
  }
  SECTION("7 deadline, and the training form with the target's days") {
    const scenario sc =
        tiny({{"effective_flops: 1.0e16", "effective_flops: 1.0e16\n  deadline_months: 11"}});
    CHECK(evaluate_ref(sc, ref(0, kBuild, 3)).reason == reason_deadline); // ready 12 > 11
    CHECK(evaluate_ref(sc, ref(-1, kCloud, 3)).reason == feasible);
    // Training: ready + days / 30.4375 <= deadline; cloud ready 1 + 30.4375 / 30.4375 = 2.
    const scenario tr =
        tiny({{"effective_flops: 1.0e16", "training: {active_params: 1.0e9, tokens: 1.0e9, days: "
                                          "30.4375, flops_per_token: 6}\n  deadline_months: 2"}});
    CHECK(evaluate_ref(tr, ref(-1, kCloud, 1)).reason == feasible);
    const scenario tr2 =
        tiny({{"effective_flops: 1.0e16", "training: {active_params: 1.0e9, tokens: 1.0e9, days: "
                                          "31, flops_per_token: 6}\n  deadline_months: 2"}});
    CHECK(evaluate_ref(tr2, ref(-1, kCloud, 1)).reason == reason_deadline);
  }
  SECTION("8 budget: capex and TCO") {
    const scenario capex =
        tiny({{"objective: tco", "objective: tco\nbudget: {capex_usd: 1386399}"}});
    CHECK(evaluate_ref(capex, ref(0, kBuild, 3)).reason == reason_budget);
    CHECK(evaluate_ref(capex, ref(-1, kCloud, 3)).reason == feasible); // capex 0
    const scenario tco = tiny({{"objective: tco", "objective: tco\nbudget: {tco_usd: 1332865}"}});
    CHECK(evaluate_ref(tco, ref(-1, kCloud, 3)).reason == reason_budget); // 1,332,865.02
    const scenario tco_ok =
        tiny({{"objective: tco", "objective: tco\nbudget: {tco_usd: 1332866}"}});
    CHECK(evaluate_ref(tco_ok, ref(-1, kCloud, 3)).reason == feasible);
  }
}

TEST_CASE("the first failing test wins", "[model][feasibility]") {
  // Year and power both fail: year is reported.
  const scenario sc = tiny({{"effective_flops: 1.0e16", "effective_flops: 1.0e16\n  year: 2000"}});
  CHECK(evaluate_ref(sc, ref(0, kBuild, 9)).reason == reason_year);
  CHECK_FALSE(evaluate_ref(sc, ref(0, kBuild, 9)).near_feasible);
}

TEST_CASE("training targets: job figures worked by hand", "[model][training]") {
  const scenario sc =
      tiny({{"effective_flops: 1.0e16",
             "training: {active_params: 1.0e9, tokens: 2.0e10, days: 10, flops_per_token: 6}"}});
  const globals_rec g = sc.globals();
  CHECK(g.total_flops == 1.2e20);
  CHECK(g.required_effective_flops == Approx(1.2e20 / 864000).epsilon(1e-15));
  const plan_figures f = evaluate_ref(sc, ref(-1, kCloud, 3));
  const double days = 1.2e20 / f.effective_flops / 86400;
  CHECK(f.job_days == Approx(days).epsilon(1e-14));
  CHECK(f.accelerator_hours == Approx(24 * days * 24).epsilon(1e-14));
  CHECK(f.job_energy_mwh == Approx(f.facility_kw * 0.75 * days * 24 / 1000).epsilon(1e-14));
  CHECK(f.job_tco2 == Approx(f.job_energy_mwh * 0.4).epsilon(1e-14));
  CHECK(f.job_cost_usd == Approx(f.accelerator_hours * 2.0).epsilon(1e-14));
  const plan_figures b = evaluate_ref(sc, ref(0, kBuild, 3));
  CHECK(b.job_cost_usd == Approx(b.tco * b.job_days / (365 * 4)).epsilon(1e-14));
}

TEST_CASE("the effective_flops objective has no target", "[model]") {
  const scenario sc = tiny({{"objective: tco", "objective: effective_flops"}});
  CHECK(sc.globals().required_effective_flops == 0);
  CHECK(evaluate_ref(sc, ref(0, kBuild, 1)).reason == feasible);
}

TEST_CASE("fp8 precision uses the fp8 peak", "[model]") {
  const scenario sc = tiny({{"objective: tco", "objective: tco\nprecision: fp8"}});
  const scenario bf = tiny();
  CHECK(evaluate_ref(sc, ref(0, kBuild, 3)).effective_flops ==
        Approx(2 * evaluate_ref(bf, ref(0, kBuild, 3)).effective_flops).epsilon(1e-15));
}

TEST_CASE("no discounting: the annuity is the horizon", "[model]") {
  const scenario sc = tiny({{"discount_rate: 0.1", "discount_rate: 0"}});
  CHECK(sc.globals().annuity == 4);
  CHECK(sc.globals().discount_h == 1);
}

TEST_CASE("build_fixed_usd: in fac_capex of build plans only", "[model][v2]") {
  const scenario sc =
      tiny({{"power_lead_months: 6\n", "power_lead_months: 6\n    build_fixed_usd: 2.0e6\n"}});
  const plan_figures f = evaluate_ref(sc, ref(0, kBuild, 3));
  // fac = 324,000 + 32,400 + 2,000,000 (the plan above, plus the fixed cost, once).
  CHECK(f.fac_capex == Approx(2356400.0).epsilon(1e-14));
  CHECK(f.capex == Approx(1030000.0 + 2356400.0).epsilon(1e-14));
  // It is facility capex, so it takes part in the residual value too.
  const double annuity = (1 - std::pow(1.1, -4.0)) / 0.1;
  const double residual = 2356400.0 * 0.75 * std::pow(1.1, -4.0);
  CHECK(f.residual == Approx(residual).epsilon(1e-13));
  CHECK(f.tco == Approx(3386400.0 + 54752.84 * annuity - residual).epsilon(1e-13));
  // Opex does not change: 0.02 x hw_capex, staff on it_kw.
  CHECK(f.opex_usd_per_year == Approx(27672.84 + 20600 + 6480).epsilon(1e-13));
  // Cloud plans pay no facility cost.
  const plan_figures c = evaluate_ref(sc, ref(-1, kCloud, 3));
  CHECK(c.fac_capex == 0);
  CHECK(c.capex == 0);
}

TEST_CASE("goodput: MODEL.md's Llama 3 example worked by hand", "[model][goodput]") {
  // 2,048 nodes x 8 = 16,384 accelerators, one interruption per 50,650 accelerator-hours,
  // 0.5-minute checkpoints, 5-minute restarts.
  const scenario sc = tiny({{"  effective_flops: 1.0e16\n",
                             "  training: {active_params: 4.05e11, tokens: 1.56e13, days: 60}\n"
                             "reliability: {accelerator_mtbf_hours: 50650, checkpoint_minutes: "
                             "0.5, restart_minutes: 5}\n"}});
  const plan_figures f = evaluate_ref(sc, ref(0, kBuild, 2048));
  const double M = 50650.0 * 60 / 16384; // 185.49 minutes
  const double x = 0.5 / (2 * M);
  const double interval = std::sqrt(2 * 0.5 * M) * (1 + std::sqrt(x) / 3 + x / 9) - 0.5;
  const double goodput = interval / (M * std::exp(5 / M) * std::expm1((interval + 0.5) / M));
  CHECK(M == Approx(185.49).epsilon(1e-4));
  CHECK(f.checkpoint_interval_minutes == Approx(interval).epsilon(1e-14));
  CHECK(f.checkpoint_interval_minutes == Approx(13.29).epsilon(1e-3));
  CHECK(f.goodput == Approx(goodput).epsilon(1e-14));
  CHECK(f.goodput == Approx(0.904).epsilon(1e-3));
  CHECK(f.effective_flops == Approx(f.peak_flops * 0.5 * f.efficiency * goodput).epsilon(1e-14));
  CHECK(f.job_days == Approx(6 * 4.05e11 * 1.56e13 / f.effective_flops / 86400).epsilon(1e-14));
  CHECK(f.expected_interruptions == Approx(f.job_days * 1440 / M).epsilon(1e-14));
  // With a checkpoint of at least 2 M the interval is M.
  const scenario slow = tiny({{"  effective_flops: 1.0e16\n",
                               "  training: {active_params: 4.05e11, tokens: 1.56e13, days: 60}\n"
                               "reliability: {accelerator_mtbf_hours: 100, checkpoint_minutes: 30, "
                               "restart_minutes: 0}\n"}});
  const plan_figures s = evaluate_ref(slow, ref(0, kBuild, 100)); // M = 100 x 60 / 800 = 7.5
  CHECK(s.checkpoint_interval_minutes == 7.5);
  CHECK(s.goodput == Approx(7.5 / (7.5 * std::expm1(37.5 / 7.5))).epsilon(1e-14));
}

TEST_CASE("without a reliability block goodput is 1 and there are no goodput figures",
          "[model][goodput]") {
  const scenario sc = tiny({{"  effective_flops: 1.0e16\n",
                             "  training: {active_params: 1.0e9, tokens: 1.0e11, days: 10}\n"}});
  const plan_figures f = evaluate_ref(sc, ref(0, kBuild, 3));
  CHECK(f.goodput == 1);
  CHECK(f.effective_flops == f.peak_flops * 0.5 * f.efficiency);
  CHECK(std::isnan(f.checkpoint_interval_minutes));
  CHECK(std::isnan(f.expected_interruptions));
}

namespace {
// MODEL.md "Inference targets": Llama 3.1 405B in fp8 on GB200 trays of 4 B200 in a
// 72-accelerator NVLink domain (the v2-inference golden's rank-1 system), worked by hand below.
const char* kInference = R"(precision: fp8
target:
  inference: {total_params: 405.0e9, active_params: 405.0e9, tokens_per_second: 1.0e5,
              input_tokens: 2048, output_tokens: 512, kv_bytes_per_token: 258048,
              max_ms_per_token: 50, max_batch: 128, tp_scaling_k: 0.02, mbu: 0.6}
finance: {horizon_years: 4, discount_rate: 0.08, utilization: 0.7, maintenance_rate: 0.03, staff_usd_per_mw_year: 150000}
facility: {build_usd_per_mw_it: 1.1e7, construction_months: 18, facility_life_years: 20, rack_usd: 30000, rack_units: 42}
accelerators:
  - {id: b200, peak_bf16_flops: 2250.0e12, peak_fp8_flops: 4500.0e12, hbm_gb: 180, hbm_tbps: 8.0, tdp_w: 1000, available_year: 2025}
systems:
  - {id: gb200-tray, accelerator: b200, accelerators_per_node: 4, scale_up_domain: 72, node_power_kw: 7.3, node_price_usd: 217000, node_rack_units: 2, min_cooling: liquid, mfu: 0.40, lead_time_months: 9}
cooling:
  - {id: liquid, rank: 2, pue: 1.12, max_rack_kw: 140, capex_usd_per_kw: 2600}
fabrics:
  - {id: roce-400g, radix: 64, cost_usd_per_accel: 6000, power_w_per_accel: 60, scaling_k: 0.01}
sites:
  - id: us-va
    grid_mw: 20
    energy_usd_per_kwh: 0.085
    carbon_kg_per_kwh: 0.33
    pue_adjust: 0.05
    build_cost_multiplier: 1.0
    power_lead_months: 24
    colo: {usd_per_kw_month: 190, available_mw: 0.64, lead_months: 6}
)";
} // namespace

TEST_CASE("an inference plan's replica search worked by hand", "[model][inference]") {
  const scenario sc = load_scenario_text(kInference, "inference.yaml", ".");
  const globals_rec g = sc.globals();
  // weights = 405e9 x 1 byte (fp8 default); kv_seq = 258048 x (2048 + 512 / 2) = 594,542,592.
  CHECK(g.inf_weights == 405e9);
  CHECK(g.inf_kv_seq == 594542592.0);
  // Per accelerator: hbm = 180e9 x 0.9 = 162e9, bw = 8e12 x 0.6 = 4.8e12, fl = 4.5e15 x 0.4.
  const replica_inputs in = replica_inputs_of(g, sc.systems[0], sc.accelerators[0]);
  CHECK(in.hbm == Approx(162e9).epsilon(1e-15));
  CHECK(in.bw == Approx(4.8e12).epsilon(1e-15));
  CHECK(in.fl == Approx(1.8e15).epsilon(1e-15));
  // p = 1, 2: 162 and 324 GB < 405 GB of weights, so B < 0.
  CHECK(replica_try(g, in, 1, 0).B < 1);
  CHECK(replica_try(g, in, 2, 1).B < 1);
  // p = 4: cap 243e9 holds 408 sequences, max_batch 128; A = 405e9 / (4 x 4.8e12) = 0.02109375,
  // b = 4.05e12 / 7.2e15 + 594542592 / 1.92e13 = 5.934657...e-4, split 1.04: the bound gives
  // floor((0.05 / 1.04 - A) / b) = floor(45.47) = 45.
  const replica_step s4 = replica_try(g, in, 4, 2);
  CHECK(s4.A == Approx(0.02109375).epsilon(1e-14));
  CHECK(s4.b == Approx(5.625e-4 + 3.096576e-5).epsilon(1e-12));
  CHECK(s4.B == 45);
  // step = (A + 45 b) x 1.04 = 0.0497117..., rate = 45 / step / 4 = 226.3.
  CHECK(s4.step == Approx((0.02109375 + 45 * 5.9346576e-4) * 1.04).epsilon(1e-12));
  CHECK(s4.rate == Approx(226.30).epsilon(1e-4));
  // p = 8: A = 0.010546875, b = 2.9673288e-4, split 1.06: floor(123.42) = 123; step 49.8677 ms.
  const replica_step s8 = replica_try(g, in, 8, 3);
  CHECK(s8.B == 123);
  CHECK(s8.step == Approx((0.010546875 + 123 * 2.9673288e-4) * 1.06).epsilon(1e-12));
  CHECK(s8.rate == Approx(308.31).epsilon(1e-4));
  // p = 16, 32, 64 reach max_batch 128 but the split costs more: rates 305.3, 299.7, 294.4.
  const replica_step s16 = replica_try(g, in, 16, 4), s64 = replica_try(g, in, 64, 6);
  CHECK(s16.B == 128);
  CHECK(s16.rate == Approx(305.28).epsilon(1e-4));
  CHECK(s64.rate == Approx(294.37).epsilon(1e-4));
  // The kept p is 8; 128 > 72 ends the search.
  const replica_choice rc = replica_search(g, sc.systems[0], sc.accelerators[0]);
  REQUIRE(rc.found);
  CHECK(rc.p == 8);
  CHECK(rc.batch == 123);
  // 82 trays, 328 accelerators: 4 full domains of 9 replicas and floor(40 / 8) = 5 more.
  const plan_figures f = evaluate_ref(sc, plan_ref{0, 0, 0, 0, kColo, 82});
  CHECK(f.replicas == 41);
  CHECK(f.replica_accelerators == 8);
  CHECK(f.batch == 123);
  CHECK(f.ms_per_token == Approx(49.8677203944).epsilon(1e-10));
  CHECK(f.tokens_per_second == Approx(41 * 123 / 0.0498677203944).epsilon(1e-10));
  CHECK(f.usd_per_million_tokens ==
        Approx(f.tco / (f.tokens_per_second * 3600 * 8760 * 0.7 * 4) * 1e6).epsilon(1e-14));
  CHECK(f.reason == feasible);
  // 81 trays: 4 x 9 + floor(36 / 8) = 40 replicas, 98,660 tokens/s < 1e5: test 6.
  CHECK(evaluate_ref(sc, plan_ref{0, 0, 0, 0, kColo, 81}).replicas == 40);
  CHECK(evaluate_ref(sc, plan_ref{0, 0, 0, 0, kColo, 81}).reason == reason_target);
  // One tray: 4 accelerators hold no replica of 8: test 9, and the replica fields are null.
  const plan_figures one = evaluate_ref(sc, plan_ref{0, 0, 0, 0, kColo, 1});
  CHECK(one.reason == reason_replica);
  CHECK(one.replicas == 0);
  CHECK(one.tokens_per_second == 0);
  CHECK(std::isnan(one.batch));
  CHECK(std::isnan(one.ms_per_token));
  CHECK(std::isnan(one.usd_per_million_tokens));
}

TEST_CASE("inference: near-ties keep the smaller replica; a tight bound cuts the batch to 1",
          "[model][inference]") {
  std::string text = kInference;
  // Small weights, no split cost, max_batch binding for every p: step x p is the same for every
  // p, so the rates tie up to rounding and p = 1 is kept.
  const auto sub = [](std::string& t, const std::string& from, const std::string& to) {
    t.replace(t.find(from), from.size(), to);
  };
  sub(text, "total_params: 405.0e9, active_params: 405.0e9",
      "total_params: 8.0e9, active_params: 8.0e9");
  sub(text, "max_ms_per_token: 50, ", "");
  sub(text, "tp_scaling_k: 0.02", "tp_scaling_k: 0.0");
  const scenario tie = load_scenario_text(text, "tie.yaml", ".");
  const replica_choice rc = replica_search(tie.globals(), tie.systems[0], tie.accelerators[0]);
  REQUIRE(rc.found);
  CHECK(rc.p == 1);
  CHECK(rc.batch == 128);
  // A bound of 23 ms cuts the batch of a 4-accelerator replica to 1.
  std::string tight = kInference;
  sub(tight, "max_ms_per_token: 50", "max_ms_per_token: 23");
  const scenario t = load_scenario_text(tight, "tight.yaml", ".");
  const replica_inputs in = replica_inputs_of(t.globals(), t.systems[0], t.accelerators[0]);
  // p = 8: (0.023 / 1.06 - 0.010546875) / 2.9673288e-4 = 37.6; p = 4: (0.023 / 1.04 -
  // 0.02109375) / 5.9346576e-4 = 1.72, so B = 1 there.
  CHECK(replica_try(t.globals(), in, 4, 2).B == 1);
  // A bound no batch meets: reading the weights takes A = 1.318 ms even on 64 accelerators, over
  // 1 ms / split 1.12, so no p is kept and every plan fails test 9.
  std::string none = kInference;
  sub(none, "max_ms_per_token: 50", "max_ms_per_token: 1");
  const scenario n = load_scenario_text(none, "none.yaml", ".");
  CHECK_FALSE(replica_search(n.globals(), n.systems[0], n.accelerators[0]).found);
  CHECK(evaluate_ref(n, plan_ref{0, 0, 0, 0, kColo, 82}).reason == reason_replica);
}

TEST_CASE("inference targets: defaults, the model catalog and located input errors",
          "[model][inference][errors]") {
  const scenario sc = load_scenario_text(kInference, "inference.yaml", ".");
  REQUIRE(sc.inference);
  CHECK(sc.inference->usable_hbm == 0.9);
  CHECK(sc.inference->max_batch == 128);
  CHECK_FALSE(sc.inference->serving_mfu);
  CHECK(sc.globals().required_effective_flops == 0);
  // bytes_per_param defaults to 2 under bf16 and 1 under fp8.
  std::string bf16 = kInference;
  bf16.replace(bf16.find("precision: fp8"), 14, "precision: bf16");
  CHECK(load_scenario_text(bf16, "bf16.yaml", ".").globals().inf_weights == 810e9);
  // model: fills total/active params and the KV size at the run's precision; fields win.
  std::string card = kInference;
  const auto sub = [](std::string& t, const std::string& from, const std::string& to) {
    t.replace(t.find(from), from.size(), to);
  };
  sub(card, "total_params: 405.0e9, active_params: 405.0e9",
      "model: deepseek-v3, total_params: 700.0e9");
  sub(card, "kv_bytes_per_token: 258048,", "");
  const scenario ds = load_scenario_text(card, "card.yaml", ".");
  CHECK(ds.inference->total_params == 700e9); // the scenario's field wins
  CHECK(ds.inference->active_params == 37e9);
  // 2 x 61 layers x 1 x 288 x 1 byte (fp8) = 35,136 bytes per token.
  CHECK(ds.globals().inf_kv_seq == 35136.0 * (2048 + 512 / 2));
  const auto error_of = [](const std::string& text) {
    try {
      load_scenario_text(text, "bad.yaml", ".");
    } catch (const input_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const auto with = [](std::string t, const std::string& from, const std::string& to) {
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  CHECK_THAT(
      error_of(with(kInference, "precision: fp8", "precision: fp8\nobjective: effective_flops")),
      Catch::Contains("objective") && Catch::Contains("effective_flops objective"));
  CHECK_THAT(error_of(with(kInference, "target:\n", "target:\n  portfolio: true\n")),
             Catch::Contains("target.portfolio") && Catch::Contains("inference"));
  CHECK_THAT(error_of(with(kInference, "target:\n",
                           "reliability: {accelerator_mtbf_hours: 5e4, checkpoint_minutes: 1, "
                           "restart_minutes: 5}\ntarget:\n")),
             Catch::Contains("reliability") && Catch::Contains("inference"));
  CHECK_THAT(error_of(with(kInference, "hbm_gb: 180", "hbm_gb: 0")),
             Catch::Contains("accelerators.b200.hbm_gb") && Catch::Contains("inference"));
  CHECK_THAT(error_of(with(kInference, ", mbu: 0.6", "")),
             Catch::Contains("target.inference.mbu") && Catch::Contains("gb200-tray"));
  // Every system with its own mbu: the target needs none.
  CHECK(load_scenario_text(with(with(kInference, ", mbu: 0.6", ""), "lead_time_months: 9",
                                "lead_time_months: 9, mbu: 0.7"),
                           "own.yaml", ".")
            .systems[0]
            .mbu == 0.7);
  CHECK_THAT(error_of(with(kInference, "active_params: 405.0e9", "active_params: 500.0e9")),
             Catch::Contains("bad.yaml:3:") && Catch::Contains("active_params <= total_params"));
  CHECK_THAT(error_of(with(kInference, "output_tokens: 512", "output_tokens: 0")),
             Catch::Contains("target.inference.output_tokens"));
  CHECK_THAT(error_of(with(kInference, "mbu: 0.6", "mbu: 1.5")),
             Catch::Contains("target.inference.mbu") && Catch::Contains("0 < x <= 1"));
  CHECK_THAT(error_of(with(kInference, "max_batch: 128", "max_batch: 1.5")),
             Catch::Contains("target.inference.max_batch"));
  CHECK_THAT(error_of(with(kInference, "total_params: 405.0e9", "model: gpt-9, total_params: 1")),
             Catch::Contains("target.inference.model") && Catch::Contains("llama-3.1-70b"));
  CHECK_THAT(error_of(with(kInference, "tokens_per_second", "tokens_per_sec")),
             Catch::Contains("unknown field 'tokens_per_sec'"));
}
