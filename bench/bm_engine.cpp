// Plans per second of the engine on the benchmark scenarios (configs/bench-*.yaml, built into
// the binary): the CPU backend's pruned path, its plain Thrust path (the code the CUDA backend
// runs, under OpenMP) and the CUDA backend, side by side. Run with `make bench`.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>

#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/scenario/space.hpp"

namespace {

struct loaded {
  dcplan::scenario sc;
  dcplan::plan_space sp;
};

const loaded& scenario_named(const std::string& name) {
  static std::map<std::string, std::unique_ptr<loaded>> cache;
  auto& slot = cache[name];
  if (!slot) {
    slot = std::make_unique<loaded>();
    slot->sc = dcplan::load_builtin_scenario(name);
    slot->sp = dcplan::build_space(slot->sc);
  }
  return *slot;
}

// Operation counts of one plan through evaluate_plan (include/dcplan/model/model.hpp), counted by
// hand from the source: floating-point adds, multiplies, divisions, comparisons, floor/ceil and
// one log2, for a build plan (the longest branch). Bytes: the records a plan reads (site,
// system, accelerator, cooling, fabric, combo) come from cache; a plan writes nothing unless it
// is a top-K candidate, so DRAM bytes per plan are ~0 and the engine is compute bound.
constexpr double kFlopsPerPlan = 74; // + 1 log2
constexpr double kRecordBytesPerPlan =
    sizeof(dcplan::site_rec) + sizeof(dcplan::system_rec) + sizeof(dcplan::accelerator_rec) +
    sizeof(dcplan::cooling_rec) + sizeof(dcplan::fabric_rec) + sizeof(dcplan::combo);

// path: 0 the pruned path, 1 the every-plan sweep (`--no-pruning`), 2 the chunked Thrust path.
void run(benchmark::State& state, const std::string& name, dcplan::backend_kind kind, int path) {
  const loaded& l = scenario_named(name);
  if (kind == dcplan::backend_kind::cuda && !dcplan::cuda_device_available()) {
    state.SkipWithError("no usable CUDA device");
    return;
  }
  dcplan::engine_options opt;
  opt.top_k = 10;
  opt.reference = path > 0;
  opt.thrust = path == 2;
  std::uint64_t feasible = 0;
  double kernel_seconds = 0; // CUDA: the kernels' own time, by CUDA events
  for (auto _ : state) {
    const dcplan::engine_result r = kind == dcplan::backend_kind::cuda
                                        ? dcplan::evaluate_plans_cuda(l.sc, l.sp, opt)
                                        : dcplan::evaluate_plans_cpu(l.sc, l.sp, opt);
    feasible = r.counts[dcplan::feasible];
    kernel_seconds += r.kernel_seconds;
    benchmark::DoNotOptimize(r.top.data());
  }
  const double plans = static_cast<double>(l.sp.total);
  state.counters["plans"] = plans;
  state.counters["feasible"] = static_cast<double>(feasible);
  state.counters["plans_per_s"] =
      benchmark::Counter(plans, benchmark::Counter::kIsIterationInvariantRate);
  if (kernel_seconds > 0) // plans per second of the kernels alone (no upload, no host work)
    state.counters["kernel_plans_per_s"] =
        plans * static_cast<double>(state.iterations()) / kernel_seconds;
  state.counters["flop_per_plan"] = kFlopsPerPlan;
  state.counters["record_bytes_per_plan"] = kRecordBytesPerPlan;
}

} // namespace

#define DCPLAN_BENCH(label, file, kind, ref)                                                       \
  BENCHMARK_CAPTURE(run, label, std::string(file), dcplan::backend_kind::kind, ref)                \
      ->Unit(benchmark::kMillisecond)                                                              \
      ->UseRealTime()

DCPLAN_BENCH(cpu_pruned_1e6, "bench-1e6.yaml", cpu, 0)->MinTime(0.5);
DCPLAN_BENCH(cpu_sweep_1e6, "bench-1e6.yaml", cpu, 1)->MinTime(0.5);
DCPLAN_BENCH(cpu_thrust_1e6, "bench-1e6.yaml", cpu, 2)->MinTime(0.5);
DCPLAN_BENCH(cuda_1e6, "bench-1e6.yaml", cuda, 0);
DCPLAN_BENCH(cpu_pruned_1e8, "bench-1e8.yaml", cpu, 0)->MinTime(2);
DCPLAN_BENCH(cpu_sweep_1e8, "bench-1e8.yaml", cpu, 1)->Iterations(3);
DCPLAN_BENCH(cpu_thrust_1e8, "bench-1e8.yaml", cpu, 2)->Iterations(1);
DCPLAN_BENCH(cuda_1e8, "bench-1e8.yaml", cuda, 0);
DCPLAN_BENCH(cuda_sweep_1e8, "bench-1e8.yaml", cuda, 1);
DCPLAN_BENCH(cpu_pruned_1e9, "bench-1e9.yaml", cpu, 0)->Iterations(3);
DCPLAN_BENCH(cpu_sweep_1e9, "bench-1e9.yaml", cpu, 1)->Iterations(1);
DCPLAN_BENCH(cuda_1e9, "bench-1e9.yaml", cuda, 0);
DCPLAN_BENCH(cuda_sweep_1e9, "bench-1e9.yaml", cuda, 1);
