// MODEL.md "Risk": plan-scenario evaluations per second (one plan's figures under one draw,
// through the sort to the quantiles) for the default scenario's top plans, on the CPU and CUDA
// backends. The aim on the CPU: 5x NumPy's plan rate, 100 plans x 10^6 draws in about a second
// on two cores (docs/benchmarks.md, Risk).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "dcplan/engine/engine.hpp"
#include "dcplan/risk/risk.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/scenario/space.hpp"

namespace {

using namespace dcplan;

/// The default scenario with MODEL.md's example uncertainty block, and its top 100 plans.
struct fixture {
  scenario sc;
  plan_space sp;
  std::vector<std::uint64_t> top;
  fixture() : sc(load_default_scenario()), sp(build_space(sc)) {
    uncertainty u;
    u.scenarios = 10000;
    u.seed = 42;
    u.plans = 100;
    u.energy_sigma = 0.25, u.has_energy = true;
    u.node_sigma = 0.15, u.has_node = true;
    u.cloud_sigma = 0.20, u.has_cloud = true;
    u.mfu_sd = 0.05, u.has_mfu = true;
    u.has_delay = true, u.delay_low = 0, u.delay_mode = 2, u.delay_high = 12;
    sc.uncert = u;
    engine_options opt;
    opt.top_k = u.plans;
    for (const rank_key& k : evaluate_plans_cpu(sc, sp, opt).top) top.push_back(k.index);
  }
};

fixture& shared() {
  static fixture f;
  return f;
}

void set_counters(benchmark::State& state, std::uint64_t plans, std::uint64_t draws) {
  state.counters["plans"] = static_cast<double>(plans);
  state.counters["draws"] = static_cast<double>(draws);
  state.counters["evals/s"] = benchmark::Counter(static_cast<double>(plans * draws),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

void BM_risk_cpu(benchmark::State& state) {
  fixture& f = shared();
  scenario sc = f.sc;
  sc.uncert->scenarios = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    auto r = evaluate_risk_cpu(sc, f.sp, f.top, 0);
    benchmark::DoNotOptimize(r.data());
  }
  set_counters(state, f.top.size(), sc.uncert->scenarios);
}
BENCHMARK(BM_risk_cpu)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_risk_cuda(benchmark::State& state) {
  std::string why;
  if (!cuda_device_available(&why)) {
    state.SkipWithError(("no usable CUDA device: " + why).c_str());
    return;
  }
  fixture& f = shared();
  scenario sc = f.sc;
  sc.uncert->scenarios = static_cast<std::uint64_t>(state.range(0));
  const std::vector<std::uint64_t>& plans = f.top;
  for (auto _ : state) {
    auto r = evaluate_risk_cuda(sc, f.sp, plans);
    benchmark::DoNotOptimize(r.data());
  }
  set_counters(state, plans.size(), sc.uncert->scenarios);
}
BENCHMARK(BM_risk_cuda)
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace
