// Portfolios under the effective_flops objective (MODEL.md "Portfolios", version 2): the most
// summed FLOP/s within the budgets. The branch and bound against enumeration of every portfolio
// on random small problems, the work limit's bound, the pool candidates of this objective against
// the plain reference, the budget curve of a whole run through the command, and the errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_capture.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/portfolio/portfolio.hpp"
#include "helpers.hpp"
#include "portfolio_helpers.hpp"

using namespace dcplan;
namespace fs = std::filesystem;

namespace {

std::vector<std::uint64_t> indices(const std::vector<pool_candidate>& v) {
  std::vector<std::uint64_t> out;
  for (const auto& r : v) out.push_back(r.index);
  return out;
}

// A random problem of 1-6 pools with 1-5 plans each, as the effective_flops objective's
// candidates (obj = -flops). Some pools are cloud-like (no capex); some figures are whole
// numbers, so that sums tie exactly; budgets (at least one) from 5% to 120% of the pools' largest
// plans together, so that they bind and some problems have no plan within them.
portfolio_problem random_problem(std::mt19937_64& g) {
  auto uni = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(g);
  };
  auto whole = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(g); };
  auto coin = [&](double p) { return std::bernoulli_distribution(p)(g); };
  const bool ties = coin(0.4);
  const int pools = whole(1, 6);
  portfolio_problem p;
  std::uint64_t index = 0;
  double max_capex = 0, max_tco = 0;
  for (int k = 0; k < pools; ++k) {
    const bool cloud = coin(0.25);
    const int n = whole(1, 5);
    double pool_capex = 0, pool_tco = 0;
    for (int j = 0; j < n; ++j) {
      pool_candidate r{};
      r.pool = k * 3 + (cloud ? 2 : 0);
      r.flops = ties ? whole(0, 6) * 1e15 : uni(0.5, 50) * 1e15;
      r.capex = cloud ? 0.0 : ties ? whole(1, 5) * 1e6 : r.flops / 1e15 * uni(0.3, 1.5) * 1e6;
      r.tco = ties ? whole(1, 8) * 1e6 : r.capex + r.flops / 1e15 * uni(0.2, 1.0) * 1e6;
      r.obj = -r.flops;
      r.ready = ties ? 0.0 : uni(1, 30);
      r.index = index += 1 + static_cast<std::uint64_t>(whole(0, 3));
      pool_capex = std::max(pool_capex, r.capex);
      pool_tco = std::max(pool_tco, r.tco);
      p.items.push_back(r);
    }
    max_capex += pool_capex;
    max_tco += pool_tco;
  }
  const int which = whole(0, 2); // capex, TCO or both
  if (which != 1)
    p.capex_budget =
        ties ? std::floor(uni(0.05, 1.2) * max_capex / 1e6) * 1e6 : uni(0.05, 1.2) * max_capex;
  if (which != 0)
    p.tco_budget =
        ties ? std::floor(uni(0.05, 1.2) * max_tco / 1e6) * 1e6 : uni(0.05, 1.2) * max_tco;
  return p;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path scratch() {
  const fs::path d = fs::temp_directory_path() / "dcplan-test-max-flops";
  fs::create_directories(d);
  return d;
}

} // namespace

TEST_CASE("the most FLOP/s within the budgets equals enumeration of every portfolio",
          "[portfolio][max_flops]") {
  std::mt19937_64 g(20240611);
  int checked = 0, feasible = 0, several = 0, tied_down = 0, limited = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const portfolio_problem p = random_problem(g);
    INFO("trial " << trial);
    const portfolio_solution a = solve_portfolio_max_flops(p);
    const portfolio_solution b = solve_portfolio_max_flops_brute_force(p);
    REQUIRE(a.proven);
    REQUIRE(a.feasible == b.feasible);
    ++checked;
    if (!a.feasible) continue;
    ++feasible;
    REQUIRE(a.objective == b.objective);
    REQUIRE(a.flops == a.objective);
    REQUIRE(indices(a.members) == indices(b.members));
    REQUIRE_FALSE(a.members.empty());
    if (a.members.size() >= 3) ++several;
    // The optimizer's own order agrees: under effective_flops obj is -flops, so the optimum
    // beats or equals every other portfolio by portfolio_better too.
    if (!portfolio_better(b, a) && !portfolio_better(a, b)) ++tied_down;
    // A work limit the search reaches: the best found within the budgets, below the optimum,
    // and a bound from above the optimum never exceeds.
    portfolio_search_options o;
    o.work_limit = 1 + a.work / 3;
    const portfolio_solution c = solve_portfolio_max_flops(p, nullptr, o);
    if (!c.proven) {
      ++limited;
      REQUIRE(c.lower_bound >= a.objective * (1 - 1e-12));
      if (c.feasible) REQUIRE(c.objective <= a.objective);
    }
  }
  // Refuse to pass vacuously: most problems have an optimum, many with several members.
  REQUIRE(checked == 3000);
  REQUIRE(feasible > 1500);
  REQUIRE(several > 200);
  REQUIRE(tied_down == feasible);
  REQUIRE(limited > 100);
}

TEST_CASE("pool candidates under the effective_flops objective equal the plain reference",
          "[portfolio][max_flops]") {
  int compared = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const scenario sc =
        load_scenario_text(test::random_portfolio_scenario(seed, true), "r.yaml", ".");
    const plan_space sp = build_space(sc);
    const std::vector<pool_candidate> ref = find_pool_candidates_reference(sc, sp);
    for (const bool reference : {false, true}) {
      engine_options opt;
      opt.reference = reference;
      opt.chunk_plans = 1024;
      const pool_candidates_result fr = find_pool_candidates_cpu(sc, sp, opt);
      INFO("seed " << seed << " reference " << reference);
      REQUIRE(indices(fr.items) == indices(ref));
      ++compared;
    }
    for (const pool_candidate& r : ref) REQUIRE(r.obj == -r.flops);
  }
  REQUIRE(compared == 24);
}

TEST_CASE("plan --portfolio under effective_flops reports the most FLOP/s and the budget curve",
          "[portfolio][max_flops][cli]") {
  const fs::path yaml = scratch() / "max.yaml", js = scratch() / "max.json";
  // A capex budget only (seed 3 draws none; the helper sets $30M).
  std::ofstream(yaml) << test::random_portfolio_scenario(3, true);
  const scenario sc = load_scenario_text(slurp(yaml.string()), "max.yaml", ".");
  REQUIRE(sc.budget_capex_usd);
  REQUIRE_FALSE(sc.budget_tco_usd);
  const test::cli_result r =
      test::cli({"plan", yaml.string(), "--portfolio", "--json", js.string()});
  INFO(r.err);
  REQUIRE(r.code == exit_ok);
  CHECK_THAT(r.out, Catch::Contains("budget curve"));
  const auto j = nlohmann::json::parse(slurp(js.string()))["portfolio"];
  CHECK(j["objective"] == "effective_flops");
  CHECK(j["curve"] == "budget");
  REQUIRE(j["members"].size() >= 1);
  CHECK(j["objective_value"].get<double>() == j["effective_flops"].get<double>());
  CHECK(j["capex_usd"].get<double>() <= *sc.budget_capex_usd);
  const auto curve = j["cost_curve"];
  REQUIRE(curve.size() == 6);
  std::optional<double> last;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    INFO("point " << i);
    CHECK(curve[i]["fraction"].get<double>() == kCostCurveFractions[i]);
    CHECK(curve[i]["proven"] == true);
    // More budget never buys less: the curve never decreases, and once a plan fits it stays.
    if (curve[i]["objective_value"].is_null()) {
      CHECK_FALSE(last);
      continue;
    }
    const double v = curve[i]["objective_value"].get<double>();
    if (last) CHECK(v >= *last);
    last = v;
  }
  CHECK(curve[3]["objective_value"] == j["objective_value"]);

  // The same optimum as enumeration over the pool candidates, at every point of the curve.
  const plan_space sp = build_space(sc);
  const std::vector<pool_candidate> cand =
      find_pool_candidates_reference(portfolio_candidate_scenario(sc), sp);
  int enumerated = 0;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    portfolio_problem p;
    p.items = cand;
    p.capex_budget = *sc.budget_capex_usd * kCostCurveFractions[i];
    const portfolio_solution b = solve_portfolio_max_flops_brute_force(p);
    if (b.nodes > 5000000) continue;
    ++enumerated;
    if (!b.feasible)
      CHECK(curve[i]["objective_value"].is_null());
    else
      CHECK(curve[i]["objective_value"].get<double>() == b.objective);
  }
  CHECK(enumerated >= 1);
}

TEST_CASE("a portfolio under effective_flops needs a budget", "[portfolio][max_flops]") {
  const std::string text = test::random_portfolio_scenario(3, true);
  const std::string budget = "budget:\n  capex_usd: 3.0e7\n";
  const auto pos = text.find(budget);
  REQUIRE(pos != std::string::npos);
  const std::string no_budget = text.substr(0, pos) + text.substr(pos + budget.size());
  const scenario sc = load_scenario_text(no_budget, "r.yaml", ".");
  try {
    check_portfolio_scenario(sc);
    FAIL("no error");
  } catch (const input_error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("budget.capex_usd"));
  }
  const fs::path yaml = scratch() / "nobudget.yaml";
  std::ofstream(yaml) << no_budget;
  const test::cli_result r = test::cli({"plan", yaml.string(), "--portfolio"});
  CHECK(r.code == exit_bad_input);
  CHECK_THAT(r.err, Catch::Contains("budget"));
  // With a budget it is a valid portfolio scenario.
  CHECK_NOTHROW(check_portfolio_scenario(load_scenario_text(text, "r.yaml", ".")));
}
