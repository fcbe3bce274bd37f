// The CPU backend against a plain host reference: counts, the top K in MODEL.md's ranking,
// ties, and identical answers for every thread count and chunk size.
#include <catch2/catch.hpp>

#include <algorithm>

#include <atomic>

#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/scenario/space.hpp"
#include "helpers.hpp"

using namespace dcplan;
using dcplan::test::tiny;

namespace {

struct reference {
  std::uint64_t counts[kReasonCount] = {};
  std::vector<rank_key> ranked;
};

// Evaluates every plan one by one and sorts the feasible ones.
reference host_reference(const scenario& sc, const plan_space& sp) {
  reference r;
  const model_view v = make_model_view(sc);
  for (std::uint64_t i = 0; i < sp.total; ++i) {
    const plan_figures f = evaluate_index(v, sp.view(), i);
    ++r.counts[f.reason];
    if (f.reason == feasible) r.ranked.push_back(make_rank_key(f, v.g.obj, i));
  }
  std::sort(r.ranked.begin(), r.ranked.end(), rank_less);
  return r;
}

std::string wide_text() {
  // More sites, coolings and fabrics so the space has ties and many reasons.
  return dcplan::test::tiny_text(
      {{"grid_mw: 0.06", "grid_mw: 2"},
       {"max_accelerators: 32", "max_accelerators: 2000"},
       {"power_lead_months: 6", "power_lead_months: 6\n    colo: {usd_per_kw_month: 150, "
                                "available_mw: 1.2, lead_months: 2}"},
       {"lead_months: 1, pue: 1.2}\n",
        "lead_months: 1, pue: 1.2}\n"
        "  - {id: there, grid_mw: 1.5, energy_usd_per_kwh: 0.05, carbon_kg_per_kwh: 0.1, "
        "pue_adjust: -0.1, build_cost_multiplier: 1.2, power_lead_months: 12}\n"},
       {"fabrics:\n", "fabrics:\n  - {id: eth, radix: 32, cost_usd_per_accel: 5000, "
                      "power_w_per_accel: 50, scaling_k: 0.03}\n"},
       {"cooling:\n", "cooling:\n  - {id: liquid, rank: 2, pue: 1.15, max_rack_kw: 100, "
                      "capex_usd_per_kw: 2500}\n"}});
}

} // namespace

TEST_CASE("CPU backend equals the host reference on every objective", "[engine]") {
  for (const char* obj : {"tco", "capex", "ready_months", "carbon", "effective_flops"}) {
    DYNAMIC_SECTION("objective " << obj) {
      std::string text = wide_text();
      text.replace(text.find("objective: tco"), 14, std::string("objective: ") + obj);
      const scenario sc = load_scenario_text(text, "wide.yaml", ".");
      const plan_space sp = build_space(sc);
      const reference ref = host_reference(sc, sp);
      REQUIRE(ref.ranked.size() > 20);
      for (int threads : {1, 2}) {
        for (std::uint64_t chunk : {std::uint64_t{7}, std::uint64_t{1024}, std::uint64_t{0}}) {
          for (bool reference : {false, true}) {
            engine_options opt;
            opt.top_k = 15;
            opt.threads = threads;
            opt.chunk_plans = chunk;
            opt.reference = reference;
            const engine_result r = evaluate_plans_cpu(sc, sp, opt);
            CHECK(r.plans_evaluated == sp.total);
            for (int k = 0; k < kReasonCount; ++k) CHECK(r.counts[k] == ref.counts[k]);
            REQUIRE(r.top.size() == 15);
            for (std::size_t i = 0; i < 15; ++i) CHECK(r.top[i].index == ref.ranked[i].index);
          }
        }
      }
    }
  }
}

TEST_CASE("ties are broken by capex, ready_months, then the tuple of positions",
          "[engine][ranking]") {
  // ready_months objective: many plans tie at 1 month (cloud); capex 0 ties too, so the order
  // falls to the plan's position: site, system, cooling (-1 for cloud), fabric, sourcing, nodes.
  std::string text = wide_text();
  text.replace(text.find("objective: tco"), 14, "objective: ready_months");
  const scenario sc = load_scenario_text(text, "wide.yaml", ".");
  const plan_space sp = build_space(sc);
  engine_options opt;
  opt.top_k = 6;
  const engine_result r = evaluate_plans_cpu(sc, sp, opt);
  REQUIRE(r.top.size() == 6);
  for (std::size_t i = 1; i < r.top.size(); ++i) {
    CHECK(r.top[i - 1].objective == r.top[i].objective);
    CHECK(r.top[i - 1].index < r.top[i].index);
  }
  const plan_ref first = plan_of_index(sp, r.top[0].index);
  CHECK(first.sourcing == static_cast<int>(sourcing::cloud));
  CHECK(first.fabric == 0);                     // eth is listed first
  CHECK(rank_less({1, 5, 3, 9}, {1, 6, 0, 0})); // capex decides
  CHECK(rank_less({1, 5, 3, 9}, {1, 5, 4, 0})); // then ready_months
  CHECK(rank_less({1, 5, 3, 8}, {1, 5, 3, 9})); // then position
  CHECK_FALSE(rank_less({1, 5, 3, 9}, {1, 5, 3, 9}));
}

TEST_CASE("top 0 and a top larger than the feasible set", "[engine]") {
  const scenario sc = tiny();
  const plan_space sp = build_space(sc);
  engine_options opt;
  opt.top_k = 0;
  CHECK(evaluate_plans_cpu(sc, sp, opt).top.empty());
  opt.top_k = 100;
  const engine_result r = evaluate_plans_cpu(sc, sp, opt);
  CHECK(r.top.size() == 4);
  CHECK(r.counts[feasible] == 4);
  CHECK(r.counts[reason_target] == 4);
}

TEST_CASE("the closest plan: most effective compute among plans failing only the target",
          "[engine]") {
  const scenario sc = tiny({{"effective_flops: 1.0e16", "effective_flops: 1.0e18"}});
  const plan_space sp = build_space(sc);
  const engine_result r = evaluate_plans_cpu(sc, sp, {});
  CHECK(r.counts[feasible] == 0);
  REQUIRE(r.has_closest);
  const plan_ref p = plan_of_index(sp, r.closest_index);
  // Build and cloud at 4 nodes tie on effective FLOP/s; the earlier position (cloud) wins.
  CHECK(p.nodes == 4);
  CHECK(p.sourcing == static_cast<int>(sourcing::cloud));
}

TEST_CASE("a cancelled run stops with interrupted_error", "[engine]") {
  const scenario sc = tiny();
  const plan_space sp = build_space(sc);
  std::atomic<bool> cancel{true};
  engine_options opt;
  opt.cancel = &cancel;
  CHECK_THROWS_AS(evaluate_plans_cpu(sc, sp, opt), interrupted_error);
}
