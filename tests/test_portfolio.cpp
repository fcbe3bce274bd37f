// Portfolios (MODEL.md "Portfolios"): the frontier pass against a plain reference, the
// branch and bound against enumeration of every portfolio, a hand-worked case, ties, the cost
// curve and the errors of scenarios that cannot be portfolios.
#include <catch2/catch.hpp>

#include <random>

#include "dcplan/errors.hpp"
#include "dcplan/portfolio.hpp"
#include "dcplan/report.hpp"
#include "helpers.hpp"
#include "portfolio_helpers.hpp"

using namespace dcplan;

namespace {

frontier_rec item(int pool, double obj, double capex, double tco, double flops, std::uint64_t index) {
  return {pool, obj, capex, tco, flops, 0.0, index};
}

std::vector<std::uint64_t> indices(const std::vector<frontier_rec>& v) {
  std::vector<std::uint64_t> out;
  for (const auto& r : v) out.push_back(r.index);
  return out;
}

}  // namespace

TEST_CASE("frontier pass equals the plain reference on random scenarios", "[portfolio]") {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const scenario sc = load_scenario_text(test::random_portfolio_scenario(seed), "r.yaml", ".");
    const plan_space sp = build_space(sc);
    const std::vector<frontier_rec> ref = portfolio_frontier_reference(sc, sp);
    for (bool reference : {false, true}) {
      for (std::uint64_t chunk : {std::uint64_t{1024}, std::uint64_t{1} << 20}) {
        for (int threads : {1, 2}) {
          engine_options opt;
          opt.reference = reference;
          opt.chunk_plans = chunk;
          opt.threads = threads;
          const frontier_result fr = portfolio_frontier_cpu(sc, sp, opt);
          INFO("seed " << seed << " reference " << reference << " chunk " << chunk << " threads " << threads);
          REQUIRE(indices(fr.items) == indices(ref));
        }
      }
    }
  }
}

TEST_CASE("frontier keeps what the figures compared need and drops the dominated", "[portfolio]") {
  // Sorted by pool and ranking key (objective first): the 2-figure sweep keeps a plan only when
  // it has more FLOP/s than every plan ranked before it in its pool.
  const std::vector<frontier_rec> sorted = {item(0, 1, 9, 1, 10, 5), item(0, 2, 1, 2, 10, 1),
                                            item(0, 3, 1, 3, 20, 2), item(1, 1, 1, 1, 5, 3)};
  CHECK(indices(sweep_sorted(sorted.data(), sorted.size(), {false, false})) ==
        std::vector<std::uint64_t>{5, 2, 3});
  // With capex compared (a capex budget), the second plan's lower capex keeps it.
  CHECK(indices(sweep_sorted(sorted.data(), sorted.size(), {true, false})) ==
        std::vector<std::uint64_t>{5, 1, 2, 3});
}

TEST_CASE("branch and bound equals enumeration of every portfolio", "[portfolio]") {
  std::mt19937_64 g(7);
  int feasible = 0, infeasible = 0, several = 0;
  for (int trial = 0; trial < 400; ++trial) {
    portfolio_problem p;
    const int pools = std::uniform_int_distribution<int>(1, 5)(g);
    std::uint64_t index = 0;
    // Small integer figures make ties in the objective common, so the tie-breaks are exercised.
    std::uniform_int_distribution<int> small(0, 6);
    for (int k = 0; k < pools; ++k) {
      const int n = std::uniform_int_distribution<int>(1, 4)(g);
      for (int j = 0; j < n; ++j) {
        const double capex = small(g), tco = capex + small(g), obj = trial % 2 ? tco : small(g);
        p.items.push_back(item(k, obj, capex, tco, 1 + small(g), index++));
      }
    }
    if (trial % 3 == 0) p.capex_budget = std::uniform_int_distribution<int>(0, 12)(g);
    if (trial % 5 == 0) p.tco_budget = std::uniform_int_distribution<int>(0, 20)(g);
    const double required = std::uniform_int_distribution<int>(0, 20)(g);
    const portfolio_solution a = solve_portfolio(p, required);
    const portfolio_solution b = solve_portfolio_brute_force(p, required);
    INFO("trial " << trial);
    REQUIRE(a.feasible == b.feasible);
    if (!a.feasible) {
      ++infeasible;
      continue;
    }
    ++feasible;
    REQUIRE(a.objective == b.objective);
    REQUIRE(indices(a.members) == indices(b.members));
    if (a.members.size() > 1) ++several;
  }
  CHECK(feasible > 100);
  CHECK(infeasible > 20);
  CHECK(several > 20);
}

TEST_CASE("hand-worked portfolio: two half-size plans beat one large plan", "[portfolio]") {
  // Pool 0 has one plan of 10 FLOP/s for 12; pools 1 and 2 have 5 FLOP/s for 5 each.
  portfolio_problem p;
  p.items = {item(0, 12, 12, 12, 10, 0), item(1, 5, 5, 5, 5, 1), item(2, 5, 5, 5, 5, 2),
             item(2, 7, 7, 7, 6, 3)};
  portfolio_solution s = solve_portfolio(p, 10);
  REQUIRE(s.feasible);
  CHECK(s.objective == 10);
  CHECK(indices(s.members) == std::vector<std::uint64_t>{1, 2});
  // 11 FLOP/s: the 10 FLOP/s plan alone falls short; 5 + 6 FLOP/s cost 12.
  s = solve_portfolio(p, 11);
  REQUIRE(s.feasible);
  CHECK(s.objective == 12);
  CHECK(indices(s.members) == std::vector<std::uint64_t>{1, 3});
  // 10 FLOP/s under a capex budget of 9: no portfolio.
  p.capex_budget = 9;
  CHECK_FALSE(solve_portfolio(p, 10).feasible);
  // A tie at 12 between one plan and two: fewer members win.
  p.capex_budget.reset();
  p.items = {item(0, 12, 12, 12, 10, 7), item(1, 6, 6, 6, 5, 1), item(2, 6, 6, 6, 5, 2)};
  s = solve_portfolio(p, 10);
  CHECK(indices(s.members) == std::vector<std::uint64_t>{7});
}

TEST_CASE("portfolio run on a scenario: members pass tests 1-5 and 7, sum meets the target", "[portfolio]") {
  const scenario sc = load_scenario_text(test::random_portfolio_scenario(3), "r.yaml", ".");
  const plan_space sp = build_space(sc);
  engine_options opt;
  const portfolio_report rep = run_portfolio(sc, sp, "cpu", opt);
  REQUIRE(rep.cost_curve.size() == 6);
  const double required = sc.globals().required_effective_flops;
  // The curve never decreases: meeting more costs no less.
  for (std::size_t i = 1; i < rep.cost_curve.size(); ++i)
    if (rep.cost_curve[i]) REQUIRE((rep.cost_curve[i - 1] && *rep.cost_curve[i - 1] <= *rep.cost_curve[i]));
  if (rep.best.feasible) {
    double flops = 0;
    std::vector<int> pools;
    for (const auto& m : rep.best.members) {
      const plan_figures f = evaluate_ref(sc, plan_of_index(sp, m.index));
      CHECK(f.near_feasible);
      flops += f.effective_flops;
      pools.push_back(m.pool);
    }
    CHECK(flops >= required);
    CHECK(std::adjacent_find(pools.begin(), pools.end()) == pools.end());
    CHECK(rep.cost_curve[3] == rep.best.objective);
  }
}

TEST_CASE("scenarios that cannot be portfolios are located errors", "[portfolio]") {
  using test::tiny_text;
  CHECK_THROWS_AS(load_scenario_text(tiny_text({{"objective: tco", "objective: ready_months"},
                                                {"effective_flops: 1.0e16", "effective_flops: 1.0e16\n  portfolio: true"}}),
                                     "t.yaml", "."),
                  input_error);
  scenario sc = test::tiny({{"objective: tco", "objective: effective_flops"}});
  sc.portfolio = true;
  CHECK_THROWS_AS(check_portfolio_scenario(sc), input_error);
  CHECK_NOTHROW(check_portfolio_scenario(test::tiny()));
}
