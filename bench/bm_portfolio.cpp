// Portfolio optimizer (MODEL.md "Portfolios") on configs/bench-portfolio.yaml: the pool-candidate
// pass over every plan (plans per second), the exact optimizer on those candidates (one solve, and
// the whole report with its cost curve), and CBC handed the same candidates as an MILP (skipped
// when `cbc` is not on PATH).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <fstream>

#include <fmt/format.h>

#include "dcplan/portfolio/portfolio.hpp"

namespace {

using namespace dcplan;

struct fixture {
  scenario sc;
  plan_space sp;
  pool_candidates_result fr;
};

fixture& data() {
  static fixture f = [] {
    fixture x{load_scenario(DCPLAN_SOURCE_DIR "/configs/bench-portfolio.yaml"), {}, {}};
    x.sp = build_space(x.sc);
    x.fr = find_pool_candidates_cpu(x.sc, x.sp, engine_options{});
    return x;
  }();
  return f;
}

portfolio_problem problem(const fixture& f) {
  portfolio_problem p;
  p.items = f.fr.items;
  p.capex_budget = f.sc.budget_capex_usd;
  p.tco_budget = f.sc.budget_tco_usd;
  return p;
}

void BM_pool_candidates_cpu(benchmark::State& state) {
  fixture& f = data();
  for (auto _ : state)
    benchmark::DoNotOptimize(find_pool_candidates_cpu(f.sc, f.sp, engine_options{}));
  state.counters["plans_per_s"] = benchmark::Counter(static_cast<double>(f.sp.total),
                                                     benchmark::Counter::kIsIterationInvariantRate);
  state.counters["frontier"] = static_cast<double>(f.fr.items.size());
}

void BM_portfolio_solve(benchmark::State& state) {
  fixture& f = data();
  const portfolio_problem p = problem(f);
  const double required = f.sc.globals().required_effective_flops;
  portfolio_solution s;
  for (auto _ : state) s = solve_portfolio(p, required);
  state.counters["objective"] = s.objective;
  state.counters["nodes"] = static_cast<double>(s.nodes);
}

void BM_portfolio_report(benchmark::State& state) {
  fixture& f = data();
  for (auto _ : state)
    benchmark::DoNotOptimize(run_portfolio(f.sc, f.sp, backend_kind::cpu, engine_options{}));
}

void BM_portfolio_cbc(benchmark::State& state) {
  if (std::system("command -v cbc > /dev/null 2>&1") != 0) {
    state.SkipWithError("cbc is not installed (Debian package coinor-cbc)");
    return;
  }
  fixture& f = data();
  const double required = f.sc.globals().required_effective_flops;
  const auto dir = std::filesystem::temp_directory_path() / "dcplan-bench-cbc";
  std::filesystem::create_directories(dir);
  const std::string lp = (dir / "frontier.lp").string();
  // The MILP `dcplan plan --milp` writes: the pool candidates, one binary per plan.
  std::ofstream(lp) << portfolio_lp(f.sc, f.sp, f.fr.items, required);
  // CBC may not prove this optimum for a long time: it stops after DCPLAN_BENCH_CBC_SECONDS
  // (600 by default), and the label says whether it had proved the optimum by then.
  const char* limit = std::getenv("DCPLAN_BENCH_CBC_SECONDS");
  const std::string cmd = fmt::format(
      "cbc '{}' sec {} ratioGap 0 allowableGap 0 solve solution '{}.sol' > '{}.log' 2>&1", lp,
      limit != nullptr ? std::atof(limit) : 600.0, lp, lp);
  for (auto _ : state) {
    if (std::system(cmd.c_str()) != 0) state.SkipWithError("cbc failed");
  }
  std::ifstream log(lp + ".log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  state.SetLabel(text.find("Optimal solution found") != std::string::npos
                     ? "optimum proved"
                     : "stopped at the time limit, no proof");
}

} // namespace

BENCHMARK(BM_pool_candidates_cpu)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_portfolio_solve)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_portfolio_report)->Unit(benchmark::kSecond)->Iterations(3);
BENCHMARK(BM_portfolio_cbc)->Unit(benchmark::kSecond)->Iterations(1);
