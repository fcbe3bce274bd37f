// Portfolios (MODEL.md "Portfolios"): the pool-candidate pass against a plain reference, the
// branch and bound against enumeration of every portfolio, a hand-worked case, ties, the cost
// curve and the errors of scenarios that cannot be portfolios.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <random>
#include <set>

#include <fmt/format.h>

#include "dcplan/model/errors.hpp"
#include "dcplan/portfolio/portfolio.hpp"
#include "dcplan/report/report.hpp"
#include "helpers.hpp"
#include "portfolio_helpers.hpp"

using namespace dcplan;

namespace {

pool_candidate item(int pool, double obj, double capex, double tco, double flops,
                    std::uint64_t index) {
  return {pool, obj, capex, tco, flops, 0.0, index};
}

std::vector<std::uint64_t> indices(const std::vector<pool_candidate>& v) {
  std::vector<std::uint64_t> out;
  for (const auto& r : v) out.push_back(r.index);
  return out;
}

// Tallies of the optimizer-against-enumeration tests: how many problems were feasible,
// infeasible, and had more than `several_from` members.
struct tallies {
  int feasible = 0, infeasible = 0, several = 0;
};

// The optimizer against enumeration on one problem: the same feasibility, objective and members.
void check_against_enumeration(const portfolio_problem& p, double required, int trial,
                               std::size_t several_from, tallies& t) {
  const portfolio_solution a = solve_portfolio(p, required);
  const portfolio_solution b = solve_portfolio_brute_force(p, required);
  // Without the heuristics' first incumbents, which on problems this small may find the
  // optimum before the exact search starts, the exact search alone must find it too.
  portfolio_search_options exact_only;
  exact_only.heuristics = false;
  const portfolio_solution c = solve_portfolio(p, required, nullptr, exact_only);
  INFO("trial " << trial);
  REQUIRE(c.feasible == b.feasible);
  if (c.feasible) {
    REQUIRE(c.objective == b.objective);
    REQUIRE(indices(c.members) == indices(b.members));
  }
  REQUIRE(a.feasible == b.feasible);
  if (!a.feasible) {
    ++t.infeasible;
    return;
  }
  ++t.feasible;
  REQUIRE(a.objective == b.objective);
  REQUIRE(indices(a.members) == indices(b.members));
  if (a.members.size() > several_from) ++t.several;
}

} // namespace

TEST_CASE("pool-candidate pass equals the plain reference on random scenarios", "[portfolio]") {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const scenario sc = load_scenario_text(test::random_portfolio_scenario(seed), "r.yaml", ".");
    const plan_space sp = build_space(sc);
    const std::vector<pool_candidate> ref = find_pool_candidates_reference(sc, sp);
    for (bool reference : {false, true}) {
      for (std::uint64_t chunk : {std::uint64_t{1024}, std::uint64_t{1} << 20}) {
        for (int threads : {1, 2}) {
          engine_options opt;
          opt.reference = reference;
          opt.chunk_plans = chunk;
          opt.threads = threads;
          const pool_candidates_result fr = find_pool_candidates_cpu(sc, sp, opt);
          INFO("seed " << seed << " reference " << reference << " chunk " << chunk << " threads "
                       << threads);
          REQUIRE(indices(fr.items) == indices(ref));
        }
      }
    }
  }
}

namespace {

// The catalog at four sites with every node count up to `max_nodes`: combinations long enough
// that the pruned pass skips most of their ranges.
scenario catalog_portfolio(const std::string& objective, const std::string& budget, int max_nodes) {
  const std::string text = fmt::format(R"(include:
  - catalog/accelerators.yaml
  - catalog/systems.yaml
  - catalog/cooling.yaml
  - catalog/fabrics.yaml
  - catalog/sites.yaml
objective: {}
target: {{effective_flops: 3.0e18, portfolio: true, deadline_months: 36, year: 2026}}
{}
finance: {{horizon_years: 5, discount_rate: 0.08, utilization: 0.8, maintenance_rate: 0.03, staff_usd_per_mw_year: 150000}}
facility: {{build_usd_per_mw_it: 1.1e7, construction_months: 18, facility_life_years: 20, rack_usd: 30000, rack_units: 42}}
sites:
  - {{id: us-tx}}
  - {{id: no-nordic}}
  - {{id: sa}}
  - {{id: us-va}}
search: {{max_nodes: {}}}
)",
                                       objective, budget, max_nodes);
  return load_scenario_text(text, "catalog.yaml", std::string(DCPLAN_SOURCE_DIR) + "/configs");
}

} // namespace

TEST_CASE("pruned pool-candidate pass equals the Thrust pass on catalog scenarios", "[portfolio]") {
  struct variant {
    const char* objective;
    const char* budget;
  };
  // Each figure dominance may compare: the objective alone, with capex, with TCO, and both.
  const variant variants[] = {{"tco", ""},
                              {"tco", "budget: {capex_usd: 2.0e9}"},
                              {"carbon", "budget: {capex_usd: 3.0e9, tco_usd: 4.0e9}"},
                              {"capex", "budget: {tco_usd: 3.0e9}"}};
  for (const variant& x : variants) {
    const scenario sc = catalog_portfolio(x.objective, x.budget, 800);
    const plan_space sp = build_space(sc);
    engine_options thrust_opt;
    thrust_opt.reference = true;
    const pool_candidates_result ref = find_pool_candidates_cpu(sc, sp, thrust_opt);
    INFO(x.objective << " " << x.budget << ": " << sp.total << " plans");
    REQUIRE(ref.items.size() > 100);
    for (int threads : {1, 2}) {
      engine_options opt;
      opt.threads = threads;
      const pool_candidates_result fr = find_pool_candidates_cpu(sc, sp, opt);
      REQUIRE(indices(fr.items) == indices(ref.items));
      // The ranges skipped must be most of the space, or the pass proves nothing about them.
      CHECK(fr.evaluated_candidates * 20 < sp.total);
    }
    // The cost frontier (cost_frontier.hpp) by the same pruned machinery, against the Thrust
    // pass the engine runs with `reference`.
    engine_options engine_ref;
    engine_ref.reference = true;
    engine_ref.want_frontier = true;
    const engine_result er = evaluate_plans_cpu(sc, sp, engine_ref);
    const std::vector<frontier_point> cf = cost_frontier_pruned_cpu(sc, sp, engine_options{});
    REQUIRE(cf.size() == er.frontier.size());
    for (std::size_t i = 0; i < cf.size(); ++i) {
      REQUIRE(cf[i].index == er.frontier[i].index);
      REQUIRE(cf[i].tco == er.frontier[i].tco);
    }
    // A share of the space (one rank's, docs/distributed.md) gives that share's pool candidates.
    engine_options half = thrust_opt;
    half.range_begin = sp.total / 3;
    half.range_end = 2 * sp.total / 3;
    const pool_candidates_result ref_half = find_pool_candidates_cpu(sc, sp, half);
    half.reference = false;
    const pool_candidates_result fr_half = find_pool_candidates_cpu(sc, sp, half);
    std::vector<pool_candidate> a = fr_half.items, b = ref_half.items;
    // The pruned share may leave out plans a candidate elsewhere dominates; merged with the
    // other shares the pool candidates is the same, and nothing it keeps lies outside its share.
    for (const pool_candidate& r : a)
      REQUIRE((r.index >= half.range_begin && r.index < half.range_end));
    for (const pool_candidate& r : ref.items)
      if (r.index >= half.range_begin && r.index < half.range_end)
        REQUIRE(std::find_if(a.begin(), a.end(), [&](const pool_candidate& q) {
                  return q.index == r.index;
                }) != a.end());
  }
}

TEST_CASE("frontier keeps what the figures compared need and drops the dominated", "[portfolio]") {
  // Sorted by pool and ranking key (objective first): the 2-figure sweep keeps a plan only when
  // it has more FLOP/s than every plan ranked before it in its pool.
  const std::vector<pool_candidate> sorted = {item(0, 1, 9, 1, 10, 5), item(0, 2, 1, 2, 10, 1),
                                              item(0, 3, 1, 3, 20, 2), item(1, 1, 1, 1, 5, 3)};
  CHECK(indices(sweep_sorted(sorted.data(), sorted.size(), {false, false})) ==
        std::vector<std::uint64_t>{5, 2, 3});
  // With capex compared (a capex budget), the second plan's lower capex keeps it.
  CHECK(indices(sweep_sorted(sorted.data(), sorted.size(), {true, false})) ==
        std::vector<std::uint64_t>{5, 1, 2, 3});
}

TEST_CASE("sweep with capex and TCO compared drops a plan a plan kept before it dominates",
          "[portfolio]") {
  // Both budgets (the carbon objective): the second plan is kept on its TCO although the first
  // beats it on (capex, FLOP/s); the third is dominated by the first on every figure.
  const std::vector<pool_candidate> sorted = {item(0, 1, 1, 10, 10, 0), item(0, 2, 2, 1, 5, 1),
                                              item(0, 3, 3, 11, 8, 2)};
  CHECK(indices(sweep_sorted(sorted.data(), sorted.size(), {true, true})) ==
        std::vector<std::uint64_t>{0, 1});
}

TEST_CASE("sweep equals pairwise dominance on random records", "[portfolio]") {
  std::mt19937_64 g(5);
  std::uniform_int_distribution<int> small(0, 9);
  for (int trial = 0; trial < 2000; ++trial) {
    const pareto_dims d{trial % 4 != 0, trial % 4 != 1};
    std::vector<pool_candidate> recs;
    const int n = std::uniform_int_distribution<int>(1, 40)(g);
    for (int i = 0; i < n; ++i)
      recs.push_back(item(small(g) % 3, small(g), small(g), small(g), small(g),
                          static_cast<std::uint64_t>(i)));
    std::sort(recs.begin(), recs.end(), detail::pool_then_rank{});
    std::vector<std::uint64_t> expected;
    for (const pool_candidate& q : recs)
      if (std::none_of(recs.begin(), recs.end(), [&](const pool_candidate& p) {
            return p.pool == q.pool && dominates(p, q, d);
          }))
        expected.push_back(q.index);
    INFO("trial " << trial);
    REQUIRE(indices(sweep_sorted(recs.data(), recs.size(), d)) == expected);
  }
}

TEST_CASE("optimizer equals enumeration of every portfolio", "[portfolio]") {
  std::mt19937_64 g(7);
  tallies t;
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
    check_against_enumeration(p, required, trial, 1, t);
  }
  CHECK(t.feasible > 100);
  CHECK(t.infeasible > 20);
  CHECK(t.several > 20);
}

TEST_CASE("optimizer equals enumeration on curves of node counts, copies of pools and budgets",
          "[portfolio]") {
  // Pools like real pool candidates: plans 1..m nodes with FLOP/s growing less than linearly and
  // cost growing linearly plus a fixed part; some pools are exact copies of another (ties between
  // different members), and budgets are drawn near the figures they constrain.
  std::mt19937_64 g(11);
  auto uni = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(g);
  };
  tallies t;
  for (int trial = 0; trial < 300; ++trial) {
    portfolio_problem p;
    const int pools = std::uniform_int_distribution<int>(2, 5)(g);
    std::uint64_t index = 0;
    std::vector<pool_candidate> previous;
    double most = 0;
    for (int k = 0; k < pools; ++k) {
      std::vector<pool_candidate> pool;
      if (k > 0 && std::bernoulli_distribution(0.3)(g)) {
        pool = previous;
      } else {
        const int m = std::uniform_int_distribution<int>(1, 7)(g);
        const double unit = uni(1, 3), price = uni(2, 5), fixed = uni(0, 4), k_scale = uni(0, 0.08);
        for (int n = 1; n <= m; ++n) {
          const double flops = n * unit / (1 + k_scale * std::log2(n));
          const double capex = fixed + n * price;
          const double tco = capex * uni(1.1, 1.6);
          pool.push_back(item(0, trial % 3 == 0 ? capex : tco, capex, tco, flops, 0));
        }
      }
      previous = pool;
      double pool_most = 0;
      for (auto& r : pool) {
        r.pool = k;
        r.index = index++;
        pool_most = std::max(pool_most, r.flops);
        p.items.push_back(r);
      }
      most += pool_most;
    }
    const double required = uni(0.1, 1.1) * most;
    if (trial % 4 == 1) p.capex_budget = uni(0.3, 1.0) * required * 3;
    if (trial % 5 == 2) p.tco_budget = uni(0.3, 1.0) * required * 5;
    check_against_enumeration(p, required, trial, 2, t);
  }
  CHECK(t.feasible > 150);
  CHECK(t.infeasible > 10);
  CHECK(t.several > 50);
}

TEST_CASE("optimizer equals enumeration under a budget that only large steps of some pools spend",
          "[portfolio]") {
  // Like a cost curve's far points: pools that spend the budget in large, cheap-per-FLOP/s plans
  // (build or colo) and pools that spend none of it at a higher objective per FLOP/s (cloud),
  // with the budget a few large plans wide. The LP takes a fraction of a large plan; the
  // budget's own bound (a knapsack over it) and the search must still agree with enumeration.
  std::mt19937_64 g(23);
  auto uni = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(g);
  };
  tallies t;
  for (int trial = 0; trial < 300; ++trial) {
    portfolio_problem p;
    const int pools = std::uniform_int_distribution<int>(3, 6)(g);
    const bool on_tco = trial % 4 == 3; // the TCO budget binds, capex is the objective
    std::uint64_t index = 0;
    double most = 0, large = 0;
    for (int k = 0; k < pools; ++k) {
      const bool spends = k % 3 != 2 || trial % 5 == 0;
      // Even trials: whole figures, a budget of a power of two (the knapsack's grid is then
      // exact) and pools that spend none at one price per FLOP/s, where the budget's bound is
      // tight and any error in it would cut off the optimum.
      const bool whole = trial % 2 == 0;
      const int m = std::uniform_int_distribution<int>(1, whole ? 8 : 6)(g);
      const double unit = whole ? 1 : uni(1, 3),
                   fixed = whole ? std::floor(uni(1, 4)) : uni(0.5, 3),
                   price = whole ? std::floor(uni(1, 3)) : uni(1, 2), per_flop = whole ? 4 : 0;
      double pool_most = 0;
      for (int n = 1; n <= m; ++n) {
        const double flops = n * unit;
        // A spending pool's plans cost less per FLOP/s the larger they are; the other pools'
        // plans cost more per FLOP/s than any, and spend nothing of the budget.
        const double spend = spends ? fixed + n * price : 0.0;
        const double cost = spends ? (whole ? spend + n : spend * uni(1.0, 1.3))
                                   : flops * (whole ? per_flop : uni(3.5, 4.5));
        const double capex = on_tco ? cost : spend, tco = on_tco ? spend : cost;
        p.items.push_back(item(k, on_tco ? capex : tco, capex, tco, flops, index++));
        pool_most = std::max(pool_most, flops);
        large = std::max(large, spend);
      }
      most += pool_most;
    }
    const double required = uni(0.3, 1.0) * most;
    const double budget = trial % 2 == 0 ? std::exp2(std::floor(std::log2(uni(1.0, 3.5) * large)))
                                         : uni(1.0, 3.5) * large;
    if (on_tco)
      p.tco_budget = budget;
    else
      p.capex_budget = budget;
    if (trial % 7 == 1) (on_tco ? p.capex_budget : p.tco_budget) = uni(0.5, 2) * budget * 3;
    check_against_enumeration(p, required, trial, 2, t);
  }
  CHECK(t.feasible > 150);
  CHECK(t.infeasible > 10);
  CHECK(t.several > 50);
}

TEST_CASE("optimizer equals enumeration when many portfolios tie on the objective", "[portfolio]") {
  // Plans that cost nothing of the objective (cloud plans under a capex objective) tie every
  // portfolio made of them: fewer members, then the ranking keys (readiness, then the plan's
  // index, drawn out of pool order) decide.
  std::mt19937_64 g(31);
  tallies t;
  for (int trial = 0; trial < 300; ++trial) {
    portfolio_problem p;
    const int pools = std::uniform_int_distribution<int>(3, 6)(g);
    std::vector<std::uint64_t> ids(64);
    for (std::size_t k = 0; k < ids.size(); ++k) ids[k] = k;
    std::shuffle(ids.begin(), ids.end(), g);
    std::size_t next = 0;
    std::uniform_int_distribution<int> small(0, 3);
    for (int k = 0; k < pools; ++k) {
      const bool free = k % 2 == 0 || trial % 3 == 0;
      const int n = std::uniform_int_distribution<int>(1, 5)(g);
      for (int j = 0; j < n; ++j) {
        const double capex = free ? 0 : 1 + small(g), tco = 1 + small(g) + capex;
        pool_candidate r = item(k, capex, capex, tco, 1 + small(g), ids[next++]);
        r.ready = small(g);
        p.items.push_back(r);
      }
    }
    if (trial % 2 == 0) p.tco_budget = std::uniform_int_distribution<int>(3, 14)(g);
    const double required = std::uniform_int_distribution<int>(1, 12)(g);
    check_against_enumeration(p, required, trial, 2, t);
  }
  CHECK(t.feasible > 150);
  CHECK(t.infeasible > 10);
  CHECK(t.several > 50);
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

TEST_CASE("portfolios compare by their exact sums, not by rounded partial sums", "[portfolio]") {
  // Pools 0-2 together: 2^53 + 1 + 1 = 2^53 + 2 exactly, but 2^53 when added in pool order in
  // double (each + 1 rounds back to 2^53). Pool 3 alone: 2^53 + 2. The true sums tie, so the
  // single member wins on fewer members; rounded partial sums would pick the three.
  const double big = 9007199254740992.0; // 2^53
  portfolio_problem p;
  p.items = {item(0, big, 0, big, 4, 10), item(1, 1, 0, 1, 3, 11), item(2, 1, 0, 1, 3, 12),
             item(3, big + 2, 0, big + 2, 10, 13)};
  REQUIRE((big + 1) + 1 == big);
  const portfolio_solution s = solve_portfolio(p, 10);
  REQUIRE(s.feasible);
  CHECK(indices(s.members) == std::vector<std::uint64_t>{13});
  CHECK(s.objective == big + 2);
  CHECK(indices(solve_portfolio_brute_force(p, 10).members) == std::vector<std::uint64_t>{13});
  // Exact sums also decide the target: 4 + 3 + 3 FLOP/s meet 10 while 2^53 + 1 + 1 would not.
  p.items = {item(0, 5, 0, 5, big, 20), item(1, 1, 0, 1, 1, 21), item(2, 1, 0, 1, 1, 22)};
  const portfolio_solution t = solve_portfolio(p, big + 2);
  REQUIRE(t.feasible);
  CHECK(indices(t.members) == std::vector<std::uint64_t>{20, 21, 22});
  CHECK(t.flops == big + 2);
}

namespace {

// 40 pools of 60 plans with random figures under a capex budget that binds (at a target of 600):
// a search long enough to stop part way.
portfolio_problem forty_pools() {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.5, 1.5);
  portfolio_problem p;
  for (int pool = 0; pool < 40; ++pool)
    for (int j = 1; j <= 60; ++j)
      p.items.push_back(item(pool, j * u(rng), j * u(rng), j * u(rng), j * u(rng),
                             static_cast<std::uint64_t>(pool * 100 + j)));
  p.capex_budget = 400;
  return p;
}

} // namespace

TEST_CASE("a cancel request stops the optimizer", "[portfolio]") {
  const portfolio_problem p = forty_pools();
  const portfolio_solution whole = solve_portfolio(p, 600);
  REQUIRE(whole.nodes > 4 * 4 * 1024); // at least four times the bound checked below
  // Asked to stop before it starts, it stops within the 1024 states between its checks, in each
  // of the searches it runs.
  const std::atomic<bool> cancel{true};
  CHECK(solve_portfolio(p, 600, &cancel).nodes <= 4 * 1024);
}

TEST_CASE("a work limit stops the optimizer with the best portfolio found and a proven lower bound",
          "[portfolio]") {
  // Many pools under a budget that binds, where the narrow pass finds no feasible portfolio: the
  // limits fall in the narrow pass, in the search for a first incumbent, or in the cutoff passes.
  const portfolio_problem p = forty_pools();
  const double required = 600;
  const portfolio_solution whole = solve_portfolio(p, required);
  REQUIRE(whole.feasible);
  REQUIRE(whole.proven);
  REQUIRE(whole.work > 64);
  std::vector<std::uint64_t> limits{1};
  for (std::uint64_t k = 1; k < 8; ++k) limits.push_back(whole.work * k / 8);
  limits.push_back(whole.work * 31 / 32);
  int with_portfolio = 0;
  double last = -1e300;
  for (const std::uint64_t limit : limits) {
    INFO("limit " << limit << " of " << whole.work);
    portfolio_search_options o;
    o.work_limit = limit;
    const portfolio_solution s = solve_portfolio(p, required, nullptr, o);
    CHECK_FALSE(s.proven);
    // It stops at the first state it expands at the limit: one state and its pool's 60 plans past
    // it.
    CHECK(s.work <= limit + 61);
    // The bound only rises as the search goes further.
    CHECK(s.lower_bound <= whole.objective);
    CHECK(s.lower_bound >= last);
    last = s.lower_bound;
    if (s.feasible) {
      ++with_portfolio;
      // A portfolio it found: feasible, and no better than the optimum.
      double flops = 0, capex = 0;
      std::set<int> pools;
      for (const pool_candidate& m : s.members) {
        flops += m.flops;
        capex += m.capex;
        pools.insert(m.pool);
      }
      CHECK(pools.size() == s.members.size());
      CHECK(flops >= required * (1 - 1e-12));
      CHECK(capex <= *p.capex_budget * (1 + 1e-12));
      CHECK(s.objective >= whole.objective);
      CHECK(s.lower_bound <= s.objective);
    }
    // The node count, and so the result, is the same on every run.
    const portfolio_solution again = solve_portfolio(p, required, nullptr, o);
    CHECK(again.nodes == s.nodes);
    CHECK(again.feasible == s.feasible);
    CHECK(again.objective == s.objective);
    CHECK(indices(again.members) == indices(s.members));
    CHECK(again.lower_bound == s.lower_bound);
  }
  CHECK(with_portfolio >= 1);
  // A limit the search does not reach changes nothing.
  portfolio_search_options o;
  o.work_limit = whole.work;
  const portfolio_solution s = solve_portfolio(p, required, nullptr, o);
  CHECK(s.proven);
  CHECK(s.objective == whole.objective);
  CHECK(indices(s.members) == indices(whole.members));
}

TEST_CASE("portfolio run on a scenario: members pass tests 1-5 and 7, sum meets the target",
          "[portfolio]") {
  const scenario sc = load_scenario_text(test::random_portfolio_scenario(3), "r.yaml", ".");
  const plan_space sp = build_space(sc);
  engine_options opt;
  const portfolio_report rep = run_portfolio(sc, sp, backend_kind::cpu, opt);
  REQUIRE(rep.cost_curve.size() == 6);
  const double required = sc.globals().required_effective_flops;
  // The curve never decreases: meeting more costs no less.
  for (std::size_t i = 1; i < rep.cost_curve.size(); ++i)
    if (rep.cost_curve[i])
      REQUIRE((rep.cost_curve[i - 1] && *rep.cost_curve[i - 1] <= *rep.cost_curve[i]));
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
                                                {"effective_flops: 1.0e16",
                                                 "effective_flops: 1.0e16\n  portfolio: true"}}),
                                     "t.yaml", "."),
                  input_error);
  scenario sc = test::tiny({{"objective: tco", "objective: effective_flops"}});
  sc.portfolio = true;
  CHECK_THROWS_AS(check_portfolio_scenario(sc), input_error);
  CHECK_NOTHROW(check_portfolio_scenario(test::tiny()));
}
