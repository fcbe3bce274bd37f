// MODEL.md "Figures of a plan" and "Feasibility", checked on plans worked by hand.
#include <catch2/catch.hpp>

#include <cmath>

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
