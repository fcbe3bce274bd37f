// Schedule optimizer (MODEL.md "Schedules") on configs/bench-schedule.yaml: the phase pass (phases
// per second) on the CPU and on CUDA, the whole exact solve (phase pass, reduction, search;
// counters: candidates after reduction, pools, search nodes, objective, proven), and CBC handed the
// same reduced candidates as the MILP `dcplan plan --milp` writes (skipped when `cbc` is not on
// PATH).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "dcplan/schedule/schedule.hpp"

namespace {

using namespace dcplan;

const scenario& bench_scenario() {
  static const scenario sc = load_scenario(DCPLAN_SOURCE_DIR "/configs/bench-schedule.yaml");
  return sc;
}

// Phases per second, phases and candidates of a phase pass, on either backend.
void report_pass(benchmark::State& state, const phase_pass_result& r) {
  state.counters["phases_per_s"] = benchmark::Counter(
      static_cast<double>(r.plans_evaluated), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["phases"] = static_cast<double>(r.plans_evaluated);
  state.counters["candidates"] = static_cast<double>(r.candidates.size());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(r.plans_evaluated));
}

void BM_schedule_phase_pass(benchmark::State& state) {
  const scenario& sc = bench_scenario();
  phase_pass_result r;
  for (auto _ : state) r = run_phase_pass(sc, 0);
  report_pass(state, r);
}

// The same pass on the CUDA backend (kernels/phase_pass_cuda.cu), its default chunk of phases.
void BM_schedule_cuda_phase_pass(benchmark::State& state) {
  const scenario& sc = bench_scenario();
  if (!cuda_device_available()) {
    state.SkipWithError("no usable CUDA device");
    return;
  }
  phase_pass_result r;
  for (auto _ : state) r = run_phase_pass_cuda(sc, phase_pass_options{});
  report_pass(state, r);
}

// The search's node limit: DCPLAN_BENCH_SCHEDULE_NODES (200,000 by default; 0: none). The
// label says whether the optimum was proven within it; the counters give the gap.
std::uint64_t node_limit() {
  const char* v = std::getenv("DCPLAN_BENCH_SCHEDULE_NODES");
  return v != nullptr ? std::strtoull(v, nullptr, 10) : 200000;
}

void BM_schedule_solve(benchmark::State& state) {
  const scenario& sc = bench_scenario();
  schedule_options opt;
  opt.keep_candidates = true;
  opt.work_limit = node_limit();
  schedule_result r;
  for (auto _ : state) r = solve_schedule(sc, opt);
  std::set<std::tuple<int, int, int>> pools;
  for (const phase& p : r.candidates) pools.insert({p.fig.d, p.key.site, p.key.sourcing});
  state.counters["kept"] = static_cast<double>(r.candidates_kept);
  state.counters["pools"] = static_cast<double>(pools.size());
  state.counters["phases_chosen"] = static_cast<double>(r.phases.size());
  state.counters["nodes"] = static_cast<double>(r.search_nodes);
  state.counters["search_s"] = r.search_seconds;
  state.counters["objective"] = r.objective_value;
  state.counters["lower_bound"] = r.lower_bound;
  state.SetLabel(r.proven ? "proven" : "not proven");
}

void BM_schedule_cbc(benchmark::State& state) {
  if (std::system("command -v cbc > /dev/null 2>&1") != 0) {
    state.SkipWithError("cbc is not installed (Debian package coinor-cbc)");
    return;
  }
  const scenario& sc = bench_scenario();
  schedule_options opt;
  opt.keep_candidates = true;
  opt.work_limit = 1; // the candidates only
  const schedule_result r = solve_schedule(sc, opt);
  const auto dir = std::filesystem::temp_directory_path() / "dcplan-bench-cbc";
  std::filesystem::create_directories(dir);
  const std::string lp = (dir / "schedule.lp").string();
  std::ofstream(lp) << schedule_lp(sc, r.candidates);
  // CBC stops after DCPLAN_BENCH_CBC_SECONDS (600 by default); the label says whether it had
  // proved the optimum by then.
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

BENCHMARK(BM_schedule_phase_pass)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_schedule_cuda_phase_pass)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_schedule_solve)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_schedule_cbc)->Unit(benchmark::kSecond)->Iterations(1);
