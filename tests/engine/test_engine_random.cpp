// Property test on random scenarios: the pruned CPU path, the Thrust path (the CUDA backend's
// code under the OpenMP policy) and a plain one-plan-at-a-time reference agree exactly on the
// counts by reason, the top K and the closest plan.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/scenario/space.hpp"
#include "random_scenario.hpp"

using namespace dcplan;

TEST_CASE("random scenarios: pruned, Thrust and one-by-one paths agree exactly",
          "[engine][random]") {
  std::mt19937_64 rng(20261129);
  int checked = 0, with_feasible = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const std::string text = test::random_scenario(rng);
    scenario sc;
    plan_space sp;
    if (!test::load_random(text, sc, sp)) continue; // e.g. an empty space
    if (sp.total > 3000000) continue;
    INFO(text);
    // One plan at a time.
    const model_view v = make_model_view(sc);
    std::uint64_t counts[kReasonCount] = {};
    std::vector<rank_key> ranked;
    double best = -1;
    std::uint64_t best_i = 0;
    for (std::uint64_t i = 0; i < sp.total; ++i) {
      const plan_figures f = evaluate_index(v, sp.view(), i);
      ++counts[f.reason];
      if (f.reason == feasible) ranked.push_back(make_rank_key(f, v.g.obj, i));
      // The closest plan's figure: tokens/s for an inference target, else effective FLOP/s.
      const double c = v.g.inference ? f.tokens_per_second : f.effective_flops;
      if (f.near_feasible && c > best) {
        best = c;
        best_i = i;
      }
    }
    std::sort(ranked.begin(), ranked.end(), rank_less);
    for (int path : {0, 1, 2}) { // pruned, every-plan sweep, Thrust chunks
      for (int threads : {1, 2}) {
        engine_options opt;
        opt.top_k = 12;
        opt.threads = threads;
        opt.reference = path > 0;
        opt.thrust = path == 2;
        const engine_result r = evaluate_plans_cpu(sc, sp, opt);
        for (int k = 0; k < kReasonCount; ++k) REQUIRE(r.counts[k] == counts[k]);
        REQUIRE(r.top.size() == std::min<std::size_t>(12, ranked.size()));
        for (std::size_t i = 0; i < r.top.size(); ++i) REQUIRE(r.top[i].index == ranked[i].index);
        if (counts[feasible] == 0) {
          REQUIRE(r.has_closest == (best >= 0));
          if (best >= 0) REQUIRE(r.closest_index == best_i);
        }
      }
    }
    ++checked;
    if (counts[feasible] > 0) ++with_feasible;
  }
  CHECK(checked >= 150);
  CHECK(with_feasible >= 30);
}

namespace {

// The one-plan-at-a-time reference against the pruned and Thrust paths: counts by reason, the
// top 12 and the closest plan. Returns the number of feasible plans.
std::uint64_t check_against_reference(const scenario& sc, const plan_space& sp) {
  const model_view v = make_model_view(sc);
  std::uint64_t counts[kReasonCount] = {};
  std::vector<rank_key> ranked;
  double best = -1;
  std::uint64_t best_i = 0;
  for (std::uint64_t i = 0; i < sp.total; ++i) {
    const plan_figures f = evaluate_index(v, sp.view(), i);
    ++counts[f.reason];
    if (f.reason == feasible) ranked.push_back(make_rank_key(f, v.g.obj, i));
    // The closest plan's figure: tokens/s for an inference target, else effective FLOP/s.
    const double c = v.g.inference ? f.tokens_per_second : f.effective_flops;
    if (f.near_feasible && c > best) {
      best = c;
      best_i = i;
    }
  }
  std::sort(ranked.begin(), ranked.end(), rank_less);
  for (int path : {0, 1, 2}) { // pruned, every-plan sweep, Thrust chunks
    for (int threads : {1, 2}) {
      engine_options opt;
      opt.top_k = 12;
      opt.threads = threads;
      opt.reference = path > 0;
      opt.thrust = path == 2;
      const engine_result r = evaluate_plans_cpu(sc, sp, opt);
      for (int k = 0; k < kReasonCount; ++k) REQUIRE(r.counts[k] == counts[k]);
      REQUIRE(r.top.size() == std::min<std::size_t>(12, ranked.size()));
      for (std::size_t i = 0; i < r.top.size(); ++i) REQUIRE(r.top[i].index == ranked[i].index);
      if (counts[feasible] == 0) {
        REQUIRE(r.has_closest == (best >= 0));
        if (best >= 0) REQUIRE(r.closest_index == best_i);
      }
    }
  }
  return counts[feasible];
}

} // namespace

TEST_CASE("random training scenarios with goodput: pruned, Thrust and one-by-one paths agree",
          "[engine][random][goodput]") {
  std::mt19937_64 rng(20261130);
  int checked = 0, with_feasible = 0, peaked = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const std::string text = test::random_scenario(rng, true);
    scenario sc;
    plan_space sp;
    if (!test::load_random(text, sc, sp)) continue; // e.g. an empty space
    if (sp.total > 2000000) continue;
    INFO(text);
    REQUIRE(sc.globals().has_reliability);
    if (check_against_reference(sc, sp) > 0) ++with_feasible;
    // Whether some combination's largest plan delivers less than a smaller one.
    const model_view v = make_model_view(sc);
    for (std::size_t k = 0; k < sp.combos.size(); ++k) {
      const std::uint64_t last = sp.starts[k + 1] - 1;
      const double top = evaluate_index(v, sp.view(), last).effective_flops;
      if (evaluate_index(v, sp.view(), sp.starts[k] + (last - sp.starts[k]) / 2).effective_flops >
          top) {
        ++peaked;
        break;
      }
    }
    ++checked;
  }
  CHECK(checked >= 100);
  CHECK(with_feasible >= 20);
  CHECK(peaked >= 20);
}

TEST_CASE("goodput: test 6 passes on an interval; counts and ranking match the reference",
          "[engine][goodput]") {
  // Small chips with a short MTBF: effective FLOP/s peaks inside the node range, so the target
  // passes only between two node counts and the largest plans deliver less than smaller ones.
  const std::string text = R"(objective: effective_flops
target:
  training: {active_params: 7.0e10, tokens: 2.0e12, days: 15}
reliability: {accelerator_mtbf_hours: 2000, checkpoint_minutes: 1, restart_minutes: 5}
finance: {horizon_years: 4, discount_rate: 0.08, utilization: 0.9, maintenance_rate: 0.03, staff_usd_per_mw_year: 150000}
facility: {build_usd_per_mw_it: 1.1e7, construction_months: 18, facility_life_years: 20, rack_usd: 30000, rack_units: 42}
accelerators:
  - {id: chip, peak_bf16_flops: 5.0e14, peak_fp8_flops: 1.0e15, hbm_gb: 48, hbm_tbps: 1.6, tdp_w: 350, available_year: 2024}
systems:
  - {id: box, accelerator: chip, accelerators_per_node: 8, scale_up_domain: 8, node_power_kw: 4, node_price_usd: 100000, node_rack_units: 4, min_cooling: air, mfu: 0.4, lead_time_months: 3}
cooling:
  - {id: air, rank: 0, pue: 1.25, max_rack_kw: 40, capex_usd_per_kw: 1500}
fabrics:
  - {id: eth, radix: 64, cost_usd_per_accel: 3000, power_w_per_accel: 30, scaling_k: 0.01}
sites:
  - id: here
    grid_mw: 30
    energy_usd_per_kwh: 0.06
    carbon_kg_per_kwh: 0.3
    pue_adjust: 0.0
    build_cost_multiplier: 1.0
    power_lead_months: 12
    colo: {usd_per_kw_month: 150, available_mw: 20, lead_months: 6}
)";
  for (const char* obj : {"effective_flops", "tco"}) {
    std::string t = text;
    t.replace(t.find("effective_flops"), 15, obj);
    INFO(obj);
    const scenario sc = load_scenario_text(t, "goodput.yaml", ".");
    const plan_space sp = build_space(sc);
    const model_view v = make_model_view(sc);
    const combo& cb = sp.combos[0];
    const double req = sc.globals().required_effective_flops;
    // The figure rises, then falls: the largest plan delivers less than the best, and the plans
    // that meet the target form one interval strictly inside the range.
    double best = 0;
    std::uint64_t first = 0, last = 0, pass = 0;
    for (std::uint64_t j = 0; j < cb.count; ++j) {
      const double e = evaluate_index(v, sp.view(), j).effective_flops;
      best = std::max(best, e);
      if (e >= req) {
        if (!pass) first = j;
        last = j;
        ++pass;
      }
    }
    REQUIRE(evaluate_index(v, sp.view(), cb.count - 1).effective_flops < 0.9 * best);
    if (sc.obj != objective::effective_flops) { // no target under effective_flops
      REQUIRE(pass > 0);
      CHECK(first > 0);
      CHECK(last + 1 < cb.count);
      CHECK(pass == last - first + 1);
    }
    CHECK(check_against_reference(sc, sp) > 0);
  }
}

TEST_CASE("random inference scenarios: pruned, Thrust and one-by-one paths agree",
          "[engine][random][inference]") {
  std::mt19937_64 rng(20261201);
  int checked = 0, with_feasible = 0, no_replica = 0, too_small = 0, batch_one = 0,
      uneven_domain = 0, cut_by_bound = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const std::string text = test::random_scenario(rng, false, true);
    scenario sc;
    plan_space sp;
    if (!test::load_random(text, sc, sp)) continue; // e.g. an empty space
    if (sp.total > 2000000) continue;
    INFO(text);
    REQUIRE(sc.globals().inference);
    if (check_against_reference(sc, sp) > 0) ++with_feasible;
    // What the scenario exercises: systems whose search keeps no p (weights that do not fit or a
    // bound no batch meets), plans smaller than one replica, a batch of 1, replicas that do not
    // divide a 72-accelerator domain.
    const globals_rec g = sc.globals();
    bool none = false, small = false, one = false, uneven = false, bound = false;
    for (std::size_t a = 0; a < sc.systems.size(); ++a) {
      const system_rec& sy = sc.systems[a];
      const replica_choice rc = replica_search(g, sy, sc.accelerators[sy.accelerator]);
      if (!rc.found) {
        none = true;
        continue;
      }
      if (rc.p > sy.accelerators_per_node) small = true;
      if (rc.batch == 1) one = true;
      if (sy.scale_up_domain == 72 && std::fmod(72.0, rc.p) != 0) uneven = true;
      const replica_inputs in = replica_inputs_of(g, sy, sc.accelerators[sy.accelerator]);
      const replica_step st = replica_try(g, in, rc.p, std::log2(rc.p));
      if (g.inf_has_latency &&
          st.B == std::floor((g.inf_max_s_per_token / st.split - st.A) / st.b) &&
          st.B < g.inf_max_batch)
        bound = true;
    }
    no_replica += none;
    too_small += small;
    batch_one += one;
    uneven_domain += uneven;
    cut_by_bound += bound;
    ++checked;
  }
  INFO(fmt::format("checked {}, feasible {}, no replica {}, smaller than a replica {}, batch 1 "
                   "{}, uneven domain {}, cut by the bound {}",
                   checked, with_feasible, no_replica, too_small, batch_one, uneven_domain,
                   cut_by_bound));
  CHECK(checked >= 100);
  CHECK(with_feasible >= 20);
  CHECK(no_replica >= 20);
  CHECK(too_small >= 10);
  CHECK(batch_one >= 5);
  CHECK(uneven_domain >= 5);
  CHECK(cut_by_bound >= 20);
}
