// docs/distributed.md without MPI: the shares of a space (and of a schedule's phase space) cover
// it exactly once, and the engine results, cost frontiers, pool candidates and reduced candidate
// phases of any split of the space, merged, equal one run over the whole space.
#include <catch2/catch.hpp>

#include <random>

#include "dcplan/dist/distributed.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/schedule/detail/dominance.hpp"
#include "portfolio_helpers.hpp"
#include "random_scenario.hpp"

using namespace dcplan;

namespace {

// Splits [0, total) at `cuts` random points (some equal, some at the ends: empty shares).
std::vector<std::pair<std::uint64_t, std::uint64_t>> random_split(std::mt19937_64& rng,
                                                                  std::uint64_t total, int parts) {
  std::vector<std::uint64_t> c{0, total};
  for (int i = 1; i < parts; ++i)
    c.push_back(std::uniform_int_distribution<std::uint64_t>(0, total)(rng));
  std::sort(c.begin(), c.end());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (std::size_t i = 0; i + 1 < c.size(); ++i) out.push_back({c[i], c[i + 1]});
  return out;
}

void require_same(const engine_result& a, const engine_result& b) {
  REQUIRE(a.plans_evaluated == b.plans_evaluated);
  for (int k = 0; k < kReasonCount; ++k) REQUIRE(a.counts[k] == b.counts[k]);
  REQUIRE(a.top.size() == b.top.size());
  for (std::size_t i = 0; i < a.top.size(); ++i) REQUIRE(a.top[i].index == b.top[i].index);
  REQUIRE(a.has_closest == b.has_closest);
  if (a.has_closest) REQUIRE(a.closest_index == b.closest_index);
}

} // namespace

TEST_CASE("shares of the space are contiguous, cover it once and end on piece boundaries",
          "[distributed]") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    plan_space sp;
    sp.total = 0;
    const int combos = std::uniform_int_distribution<int>(1, 6)(rng);
    for (int k = 0; k < combos; ++k) {
      const std::uint64_t n = std::uniform_int_distribution<std::uint64_t>(1, 300000)(rng);
      sp.combos.push_back({0, 0, 0, 0, 0, n});
      sp.starts.push_back(sp.total);
      sp.total += n;
    }
    sp.starts.push_back(sp.total);
    for (int size = 1; size <= 7; ++size) {
      std::uint64_t at = 0;
      for (int r = 0; r < size; ++r) {
        const auto [b, e] = dist::share_of(sp, r, size);
        REQUIRE(b == at);
        REQUIRE(b <= e);
        if (e != sp.total) {
          const int k = find_combo(sp.view(), e);
          REQUIRE((e - sp.starts[k]) % (std::uint64_t{1} << 16) == 0);
        }
        at = e;
      }
      REQUIRE(at == sp.total);
    }
  }
  // A large space is shared about evenly: no share over total / size + one piece per combo.
  plan_space big;
  big.combos.push_back({0, 0, 0, 0, 0, std::uint64_t{1} << 40});
  big.starts = {0, std::uint64_t{1} << 40};
  big.total = std::uint64_t{1} << 40;
  for (int r = 0; r < 3; ++r) {
    const auto [b, e] = dist::share_of(big, r, 3);
    CHECK(e - b <= big.total / 3 + (std::uint64_t{1} << 16));
    CHECK(e - b + (std::uint64_t{1} << 16) >= big.total / 3);
  }
}

TEST_CASE("random scenarios: merged results of any split equal the whole space's",
          "[distributed][random]") {
  std::mt19937_64 rng(20261201);
  int checked = 0;
  for (int trial = 0; trial < 200 && checked < 60; ++trial) {
    const std::string text = test::random_scenario(rng);
    scenario sc;
    plan_space sp;
    if (!test::load_random(text, sc, sp)) continue; // e.g. an empty space
    if (sp.total > 2000000) continue;
    INFO(text);
    ++checked;
    for (bool reference : {false, true}) {
      engine_options opt;
      opt.top_k = 9;
      opt.threads = 2;
      opt.reference = reference;
      const engine_result whole = evaluate_plans_cpu(sc, sp, opt);
      for (int parts : {2, 3, 5}) {
        std::vector<engine_result> got;
        for (const auto& [b, e] : random_split(rng, sp.total, parts)) {
          engine_options o = opt;
          o.range_begin = b;
          o.range_end = e;
          got.push_back(evaluate_plans_cpu(sc, sp, o));
          REQUIRE(got.back().plans_evaluated == e - b);
        }
        require_same(dist::merge_engine_results(got, opt.top_k, !reference), whole);
      }
    }
  }
  REQUIRE(checked >= 20);
}

TEST_CASE("random portfolio scenarios: merged pool candidates of any split equal the whole space's",
          "[distributed][portfolio]") {
  std::mt19937_64 rng(11);
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const scenario sc = load_scenario_text(test::random_portfolio_scenario(seed), "r.yaml", ".");
    const plan_space sp = build_space(sc);
    engine_options opt;
    opt.threads = 2;
    opt.chunk_plans = 1024;
    const std::vector<pool_candidate> whole = find_pool_candidates_cpu(sc, sp, opt).items;
    for (int parts : {2, 3, 4}) {
      std::vector<std::vector<pool_candidate>> got;
      for (const auto& [b, e] : random_split(rng, sp.total, parts)) {
        engine_options o = opt;
        o.range_begin = b;
        o.range_end = e;
        got.push_back(find_pool_candidates_cpu(sc, sp, o).items);
        for (const pool_candidate& x : got.back()) REQUIRE((x.index >= b && x.index < e));
      }
      const std::vector<pool_candidate> merged =
          dist::merge_candidate_parts(got, pareto_dims_of(sc));
      INFO("seed " << seed << " parts " << parts);
      REQUIRE(merged.size() == whole.size());
      for (std::size_t i = 0; i < merged.size(); ++i) REQUIRE(merged[i].index == whole[i].index);
    }
  }
}

TEST_CASE("without ranks the merges are the identity", "[distributed]") {
  REQUIRE_FALSE(dist::distributed());
  engine_result r;
  r.counts[feasible] = 3;
  r.top = {{1.0, 2.0, 3.0, 5}};
  const engine_result m = dist::merge_results(r, 10, true);
  CHECK(m.counts[feasible] == 3);
  REQUIRE(m.top.size() == 1);
  CHECK(m.top[0].index == 5);
}

TEST_CASE("phase shares are contiguous and cover the phase space once", "[distributed]") {
  for (const std::uint64_t total : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{30},
                                    std::uint64_t{1000003}, ~std::uint64_t{0} / 3}) {
    for (int size = 1; size <= 7; ++size) {
      std::uint64_t at = 0;
      for (int r = 0; r < size; ++r) {
        const auto [b, e] = dist::phase_share_of(total, r, size);
        REQUIRE(b == at);
        REQUIRE(e >= b);
        // About total / size each: the shares differ by at most one phase.
        REQUIRE(e - b <= total / static_cast<std::uint64_t>(size) + 1);
        at = e;
      }
      REQUIRE(at == total);
    }
  }
}

TEST_CASE("schedule goldens: the merged, reduced phase passes of any split equal the whole's",
          "[distributed]") {
  std::mt19937_64 rng(21);
  for (const char* name : {"v2-schedule-small", "v2-schedule-budget", "v2-schedule-infeasible"}) {
    const scenario sc =
        load_scenario(std::string(DCPLAN_SOURCE_DIR) + "/tests/golden/" + name + ".yaml");
    const phase_pass_result whole = run_phase_pass(sc, 1);
    const std::vector<phase> kept = detail::reduce_candidates(whole.candidates, sc.obj);
    for (int trial = 0; trial < 20; ++trial) {
      const int parts = 1 + trial % 5;
      std::vector<phase_pass_result> got;
      for (const auto& [b, e] : random_split(rng, whole.plans_evaluated, parts)) {
        phase_pass_options opt;
        opt.threads = 1;
        opt.range_begin = b;
        opt.range_end = e;
        got.push_back(run_phase_pass_cpu(sc, opt));
        // Each rank reduces its own share before sending it.
        got.back().candidates = detail::reduce_candidates(got.back().candidates, sc.obj);
      }
      const phase_pass_result merged = dist::merge_phase_parts(got, sc.obj);
      INFO(name << " parts " << parts);
      REQUIRE(merged.plans_evaluated == whole.plans_evaluated);
      for (int k = 0; k < kReasonCount; ++k) REQUIRE(merged.counts[k] == whole.counts[k]);
      REQUIRE(merged.candidates.size() == kept.size());
      for (std::size_t i = 0; i < kept.size(); ++i)
        REQUIRE(merged.candidates[i].index == kept[i].index);
      // The schedule from the merged pass is the whole run's.
      schedule_options opt;
      opt.threads = 1;
      const schedule_result a = solve_schedule(sc, merged, opt);
      const schedule_result b = solve_schedule(sc, opt);
      REQUIRE(a.feasible == b.feasible);
      REQUIRE(a.candidates_kept == b.candidates_kept);
      REQUIRE(a.objective_value == b.objective_value);
      REQUIRE(a.phases.size() == b.phases.size());
      for (std::size_t i = 0; i < a.phases.size(); ++i)
        REQUIRE(a.phases[i].index == b.phases[i].index);
    }
  }
}
