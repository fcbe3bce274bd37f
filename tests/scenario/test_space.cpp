// MODEL.md "A plan": the plan space, its order and its limits.
#include <catch2/catch.hpp>

#include "dcplan/model/errors.hpp"
#include "dcplan/scenario/space.hpp"
#include "dcplan/scenario/space.hpp"
#include "helpers.hpp"

using namespace dcplan;
using dcplan::test::tiny;

TEST_CASE("the tiny space: 4 build and 4 cloud plans", "[space]") {
  const scenario sc = tiny();
  const plan_space sp = build_space(sc);
  // build: floor(0.06 x 1000 / (10 x 1.3)) = floor(4.6) = 4; cloud: floor(32 / 8) = 4; no colo.
  CHECK(node_limit(sc, 0, 0, 0, sourcing::build) == 4);
  CHECK(node_limit(sc, 0, 0, -1, sourcing::cloud) == 4);
  CHECK(sp.total == 8);
  REQUIRE(sp.combos.size() == 2);
  // Cloud plans come first (cooling position -1), then build.
  CHECK(sp.combos[0].sourcing == static_cast<int>(sourcing::cloud));
  CHECK(sp.combos[1].sourcing == static_cast<int>(sourcing::build));
  const plan_ref p = plan_of_index(sp, 5);
  CHECK(p.sourcing == static_cast<int>(sourcing::build));
  CHECK(p.nodes == 2);
}

TEST_CASE("colo exists only with a colo block, cloud only with both cloud offers", "[space]") {
  SECTION("a system without a cloud price is never rented") {
    const scenario sc = tiny({{", cloud_usd_per_accel_hour: 2.0}", "}"}});
    const plan_space sp = build_space(sc);
    CHECK(sp.total == 4);
    for (const auto& c : sp.combos) CHECK(c.sourcing == static_cast<int>(sourcing::build));
  }
  SECTION("a site without a cloud block rents nothing") {
    const scenario sc = tiny(
        {{"    cloud: {max_accelerators: 32, price_multiplier: 1.0, lead_months: 1, pue: 1.2}\n",
          ""}});
    CHECK(build_space(sc).total == 4);
  }
  SECTION("colo: floor(available_mw x 1000 / node_power_kw)") {
    const scenario sc =
        tiny({{"power_lead_months: 6", "power_lead_months: 6\n    colo: {usd_per_kw_month: 150, "
                                       "available_mw: 0.035, lead_months: 2}"}});
    CHECK(node_limit(sc, 0, 0, 0, sourcing::colo) == 3);
    CHECK(build_space(sc).total == 11);
  }
}

TEST_CASE("node_step and max_nodes", "[space]") {
  const scenario sc =
      tiny({{"objective: tco", "objective: tco\nsearch: {node_step: 3, max_nodes: 4}"}});
  const plan_space sp = build_space(sc);
  // Nodes 3 only (6 > 4) for build and for cloud.
  CHECK(sp.total == 2);
  CHECK(plan_of_index(sp, 0).nodes == 3);
  CHECK(plan_of_index(sp, 1).nodes == 3);
}

TEST_CASE("every combination is in ranking-tuple order", "[space]") {
  const scenario sc =
      tiny({{"power_lead_months: 6", "power_lead_months: 6\n    colo: {usd_per_kw_month: 150, "
                                     "available_mw: 0.035, lead_months: 2}"},
            {"fabrics:\n", "fabrics:\n  - {id: eth, radix: 64, cost_usd_per_accel: 5000, "
                           "power_w_per_accel: 50, scaling_k: 0.03}\n"}});
  const plan_space sp = build_space(sc);
  for (std::size_t i = 1; i < sp.combos.size(); ++i) {
    const combo& a = sp.combos[i - 1];
    const combo& b = sp.combos[i];
    const auto ta = std::make_tuple(a.site, a.system, a.cooling, a.fabric, a.sourcing);
    const auto tb = std::make_tuple(b.site, b.system, b.cooling, b.fabric, b.sourcing);
    CHECK(ta < tb);
  }
}

TEST_CASE("an empty space or one over 2^63 plans is an error", "[space]") {
  CHECK_THROWS_WITH(build_space(tiny({{"grid_mw: 0.06", "grid_mw: 0.001"},
                                      {"max_accelerators: 32", "max_accelerators: 7"}})),
                    Catch::Contains("plan space is empty"));
  const scenario big = tiny({{"grid_mw: 0.06", "grid_mw: 1.0e300"}});
  CHECK_THROWS_WITH(build_space(big), Catch::Contains("exceeds 2^63"));
}

TEST_CASE("purchasable: false leaves a system its cloud plans only", "[space][v2]") {
  // tiny: 4 build and 4 cloud plans; a colo offer adds colo plans to a purchasable system.
  const std::string colo =
      "    colo: {usd_per_kw_month: 150, available_mw: 0.05, lead_months: 3}\n";
  const auto with = [&](const char* purchasable) {
    return tiny({{"cloud_usd_per_accel_hour: 2.0}",
                  std::string("cloud_usd_per_accel_hour: 2.0, purchasable: ") + purchasable + "}"},
                 {"    cloud: {", colo + "    cloud: {"}});
  };
  // colo: floor(0.05 x 1000 / 10) = 5 plans.
  CHECK(build_space(with("true")).total == 4 + 5 + 4);
  const plan_space sp = build_space(with("false"));
  CHECK(sp.total == 4);
  REQUIRE(sp.combos.size() == 1);
  CHECK(sp.combos[0].sourcing == static_cast<int>(sourcing::cloud));
  // Without a cloud price a system that is not purchasable has no plans at all.
  CHECK_THROWS_AS(
      build_space(tiny({{", cloud_usd_per_accel_hour: 2.0}", ", purchasable: false}"}})),
      input_error);
}
