// MODEL.md "Schedules": phase figures by hand and against v1, the search against brute force
// over every schedule, and an independent recheck of the constraints of what it returns.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <random>
#include <tuple>

#include "dcplan/scenario/space.hpp"
#include "dcplan/schedule/detail/lp_bound.hpp"
#include "dcplan/schedule/detail/rounding.hpp"
#include "dcplan/schedule/detail/search.hpp"
#include "dcplan/schedule/schedule.hpp"

using namespace dcplan;

namespace {

const std::string kSmall = std::string(DCPLAN_SOURCE_DIR) + "/tests/golden/v2-schedule-small.yaml";

bool near(double a, double b, double rel) {
  return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b));
}

const phase* find(const std::vector<phase>& ps, int d, int m, double n) {
  for (const phase& p : ps)
    if (p.key.d == d && p.key.sourcing == m && p.key.nodes == n) return &p;
  return nullptr;
}

// Every schedule of at most one candidate per pool, the best under MODEL.md's tie rule.
std::pair<bool, std::vector<phase>> brute_force(const scenario& sc, const std::vector<phase>& c,
                                                objective o, double* z_out) {
  std::map<std::tuple<int, int, int>, std::vector<const phase*>> pools;
  for (const phase& p : c) pools[{p.key.d, p.key.site, p.key.sourcing}].push_back(&p);
  std::vector<std::vector<const phase*>> P;
  for (auto& kv : pools) P.push_back(kv.second);
  std::vector<std::pair<std::vector<phase>, double>> all;
  std::vector<std::size_t> pick(P.size(), 0); // 0: none, i: P[k][i - 1]
  while (true) {
    std::vector<phase> s;
    for (std::size_t k = 0; k < P.size(); ++k)
      if (pick[k]) s.push_back(*P[k][pick[k] - 1]);
    std::sort(s.begin(), s.end(), [](const phase& a, const phase& b) { return a.index < b.index; });
    if (check_schedule(sc, s).empty()) {
      double z = 0;
      for (const phase& p : s) z += phase_objective(p, o);
      all.emplace_back(s, z);
    }
    std::size_t k = 0;
    while (k < P.size() && ++pick[k] > P[k].size()) pick[k++] = 0;
    if (k == P.size()) break;
  }
  if (all.empty()) return {false, {}};
  double z = all[0].second;
  for (auto& a : all) z = std::min(z, a.second);
  const std::vector<phase>* best = nullptr;
  for (auto& a : all)
    if (a.second <= z + 1e-12 * std::fabs(z) && (!best || detail::tie_before(a.first, *best)))
      best = &a.first;
  *z_out = z;
  return {true, *best};
}

} // namespace

TEST_CASE("phase figures of the small golden, by hand") {
  const scenario sc = load_scenario(kSmall);
  const phase_pass_result r = run_phase_pass(sc, 1);
  CHECK(r.plans_evaluated == 30);
  CHECK(r.counts[feasible] == 26);
  CHECK(r.counts[reason_deadline] == 4);
  // Build: ready max(18, 3) = 18 months at a site with grid_mw_by_year -> on = d + 1.
  const phase* b = find(r.candidates, 0, static_cast<int>(sourcing::build), 32);
  REQUIRE(b);
  CHECK(b->fig.on == 1);
  CHECK(b->fig.off == 3);
  // salvage = hw * (1 - 2/4) + fac * (1 - 2/20)
  CHECK(near(b->fig.salvage, b->fig.hw_capex * 0.5 + b->fig.fac_capex * (1 - 2.0 / 20), 1e-12));
  CHECK(near(b->fig.npv_cost, 8635928.076004675, 1e-9));
  // Colo: ready max(6, 3) -> on = d; cloud: one-year terms.
  const phase* c = find(r.candidates, 0, static_cast<int>(sourcing::colo), 32);
  REQUIRE(c);
  CHECK(c->fig.on == 0);
  CHECK(c->fig.off == 3);
  const phase* k = find(r.candidates, 1, static_cast<int>(sourcing::cloud), 16);
  REQUIRE(k);
  CHECK(k->fig.on == 1);
  CHECK(k->fig.off == 2);
  CHECK(near(k->fig.npv_cost, 2403292.1810699585, 1e-9));
}

TEST_CASE("a period-0 phase serving from period 0 costs v1's tco with horizon_years = years") {
  scenario sc = load_scenario(kSmall);
  sc.schedule->hardware_life_years = sc.schedule->years;
  sc.schedule->cloud_term_years = sc.schedule->years;
  sc.horizon_years = sc.schedule->years;
  const phase_pass_result r = run_phase_pass(sc, 1);
  int checked = 0;
  for (const phase& p : r.candidates) {
    if (p.key.d != 0 || p.fig.on != 0) continue;
    const plan_figures v1 = evaluate_ref(
        sc, {p.key.site, p.key.system, p.key.cooling, p.key.fabric, p.key.sourcing, p.key.nodes});
    CHECK(near(p.fig.npv_cost, v1.tco, 1e-9));
    ++checked;
  }
  CHECK(checked >= 6); // colo and cloud phases of period 0
}

TEST_CASE("the search equals brute force over every schedule, with the tie rule") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 4.0e17);
  int runs = 0, feasible_runs = 0;
  for (int trial = 0; trial < 12; ++trial) {
    scenario sc = load_scenario(kSmall);
    for (double& d : sc.schedule->demand_effective_flops) d = trial == 0 ? 0.0 : u(rng);
    if (trial % 3 == 1) sc.schedule->capex_budget = std::vector<double>{2.0e7, 1.5e7, 1.0e7};
    if (trial % 4 == 2) sc.obj = objective::carbon;
    const phase_pass_result pass = run_phase_pass(sc, 2);
    double z = 0;
    const auto want = brute_force(sc, pass.candidates, sc.obj, &z);
    const schedule_result got = solve_schedule(sc, {});
    ++runs;
    REQUIRE(got.feasible == want.first);
    if (!want.first) continue;
    ++feasible_runs;
    CHECK(got.proven);
    CHECK(near(got.objective_value, z, 1e-12));
    REQUIRE(got.phases.size() == want.second.size());
    for (std::size_t i = 0; i < got.phases.size(); ++i)
      CHECK(got.phases[i].index == want.second[i].index);
    CHECK(check_schedule(sc, got.phases).empty()); // an independent recheck
    if (trial == 0) CHECK(got.phases.empty());     // no demand: the empty schedule
  }
  CHECK(runs == 12);
  CHECK(feasible_runs >= 6);
}

TEST_CASE("the small golden's schedule meets every constraint") {
  const scenario sc = load_scenario(kSmall);
  const schedule_result r = solve_schedule(sc, {});
  REQUIRE(r.feasible);
  CHECK(near(r.objective_value, 34421405.33991769, 1e-9));
  CHECK(check_schedule(sc, r.phases).empty());
  // Independently of check_schedule: demand per period from the periods' sums.
  for (const schedule_period& p : r.periods) CHECK(p.effective_flops >= p.demand_effective_flops);
}

TEST_CASE("the LP bound at random nodes never exceeds the best completion, by brute force") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0.0, 4.0e17);
  int checked = 0, infeasible_nodes = 0, fixings = 0, cuts = 0;
  for (int trial = 0; trial < 10; ++trial) {
    scenario sc = load_scenario(kSmall);
    for (double& d : sc.schedule->demand_effective_flops) d = u(rng);
    if (trial % 2 == 1) sc.schedule->capex_budget = std::vector<double>{2.0e7, 1.5e7, 1.0e7};
    if (trial % 5 == 3) sc.obj = objective::carbon;
    const std::vector<phase> c = run_phase_pass(sc, 2).candidates;
    std::map<std::tuple<int, int, int>, std::vector<std::size_t>> by_pool;
    for (std::size_t j = 0; j < c.size(); ++j)
      by_pool[{c[j].key.d, c[j].key.site, c[j].key.sourcing}].push_back(j);
    std::vector<std::vector<std::size_t>> P;
    for (auto& kv : by_pool) P.push_back(kv.second);
    detail::lp_bound lp(sc, c, sc.obj);
    // Two trials in three with the root's cuts (lp_bound.hpp, add_root_cuts): they must hold for
    // every schedule, so the bounds below must too.
    if (trial % 3 != 0) cuts += lp.add_root_cuts(20);
    for (int node = 0; node < 12; ++node) {
      // A node: pools 0..k-1 decided at random (0: none, i: P[q][i - 1]), the rest free.
      const std::size_t k = std::uniform_int_distribution<std::size_t>(0, P.size())(rng);
      std::vector<std::size_t> pick(P.size(), 0);
      for (std::size_t q = 0; q < P.size(); ++q)
        for (std::size_t i = 0; i < P[q].size(); ++i) lp.set_column(P[q][i], 0.0, 1.0);
      for (std::size_t q = 0; q < k; ++q) {
        pick[q] = std::uniform_int_distribution<std::size_t>(0, P[q].size())(rng);
        for (std::size_t i = 0; i < P[q].size(); ++i) {
          const double x = pick[q] == i + 1 ? 1.0 : 0.0;
          lp.set_column(P[q][i], x, x);
        }
      }
      const double lb = lp.solve();
      // Brute force over the completions: every choice for pools k.. ; zj[j], the best
      // completion holding candidate j.
      double z = INFINITY;
      std::vector<double> zj(c.size(), INFINITY);
      while (true) {
        std::vector<phase> s;
        for (std::size_t q = 0; q < P.size(); ++q)
          if (pick[q]) s.push_back(c[P[q][pick[q] - 1]]);
        std::sort(s.begin(), s.end(),
                  [](const phase& a, const phase& b) { return a.index < b.index; });
        if (check_schedule(sc, s).empty()) {
          double v = 0;
          for (const phase& p : s) v += phase_objective(p, sc.obj);
          z = std::min(z, v);
          for (std::size_t q = k; q < P.size(); ++q)
            if (pick[q]) zj[P[q][pick[q] - 1]] = std::min(zj[P[q][pick[q] - 1]], v);
        }
        std::size_t q = k;
        while (q < P.size() && ++pick[q] > P[q].size()) pick[q++] = 0;
        if (q == P.size()) break;
      }
      if (std::isinf(z)) {
        ++infeasible_nodes; // no completion: any bound is valid
        continue;
      }
      ++checked;
      CHECK(lb <= z + 1e-12 * std::fabs(z));
      // Reduced-cost fixing (lp_bound.hpp): a free column's completions cost >= lb + d_j.
      if (std::isinf(lb)) continue;
      for (std::size_t q = k; q < P.size(); ++q)
        for (std::size_t j : P[q])
          if (std::isfinite(zj[j])) {
            ++fixings;
            CHECK(lb + std::max(0.0, lp.reduced_cost(j)) <= zj[j] + 1e-12 * std::fabs(zj[j]));
          }
    }
  }
  CHECK(fixings > 100);
  CHECK(cuts > 0);
  REQUIRE(checked > 0);
  CHECK(checked + infeasible_nodes == 120);
}

TEST_CASE("the rounding heuristic's schedules are feasible and never below the optimum") {
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> u(0.0, 4.0e17);
  int rounded = 0, optimal = 0, feasible_runs = 0;
  for (int trial = 0; trial < 12; ++trial) {
    scenario sc = load_scenario(kSmall);
    for (double& d : sc.schedule->demand_effective_flops) d = u(rng);
    if (trial % 2 == 1) sc.schedule->capex_budget = std::vector<double>{2.0e7, 1.5e7, 1.0e7};
    if (trial % 5 == 3) sc.obj = objective::carbon;
    const std::vector<phase> c = run_phase_pass(sc, 2).candidates;
    double z = 0;
    const auto want = brute_force(sc, c, sc.obj, &z);
    detail::lp_bound lp(sc, c, sc.obj);
    const double lb = lp.solve();
    std::vector<double> x(c.size());
    for (std::size_t j = 0; j < c.size(); ++j) x[j] = lp.value(j);
    const detail::rounding r(sc, c, sc.obj);
    if (want.first) ++feasible_runs;
    for (double theta : {0.5, 1e-6}) {
      const std::vector<std::size_t> picks = r.round(x, theta);
      if (picks.empty()) continue;
      REQUIRE(want.first); // a schedule from an infeasible problem would be a bug
      std::vector<phase> s;
      for (std::size_t j : picks) s.push_back(c[j]);
      CHECK(check_schedule(sc, s).empty());
      double v = 0;
      for (const phase& p : s) v += phase_objective(p, sc.obj);
      CHECK(v >= z - 1e-12 * std::fabs(z));
      CHECK(v >= lb - 1e-9 * std::fabs(lb));
      ++rounded;
      if (near(v, z, 1e-12)) ++optimal;
    }
  }
  CHECK(feasible_runs >= 6);
  CHECK(rounded >= 4); // 4 of the 24 roundings on this seed (the repair can fail on a budget)
  CHECK(optimal > 0);
}
