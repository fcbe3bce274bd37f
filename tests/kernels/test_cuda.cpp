// The CUDA backend (its pruned and its every-plan kernels) against the CPU backend on random
// scenarios: the same counts by reason, the same top K in the same order, the same closest plan
// and the same cost frontier (handed on by the pruned kernel and walked on the host; with the
// smallest chunk, whose buffer of near-feasible plans may overflow into the Thrust pass; from the
// Thrust pass under `--no-pruning`), over the whole space and over a random range of it (one MPI
// rank's share). Exits 77 (reported as
// skipped by CTest) only where cuda_device_available says no usable device answers; once a device
// answers, every error of the CUDA backend (a fault, cuda_error; out of device memory,
// resource_error) fails the test. Never passes without running.
#include <cstdio>
#include <exception>
#include <random>

#include "dcplan/engine/chunking.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"
#include "random_scenario.hpp"

namespace {

int compare_backends() {
  using namespace dcplan;
  std::mt19937_64 rng(7);
  int checked = 0, failures = 0;
  for (int trial = 0; trial < 400 && failures < 5; ++trial) {
    const std::string text = test::random_scenario(rng);
    scenario sc;
    plan_space sp;
    if (!test::load_random(text, sc, sp)) continue; // e.g. an empty space
    engine_options opt;
    opt.top_k = 20;
    opt.want_frontier = true;
    const engine_result cpu = evaluate_plans_cpu(sc, sp, opt);
    bool same = true;
    // The pruned kernel (with the default chunk and the smallest), then the every-plan kernel
    // (sweep_kernel, `--no-pruning`).
    for (int variant = 0; variant < 3; ++variant) {
      engine_options gopt = opt;
      gopt.reference = variant == 2;
      if (variant == 1) gopt.chunk_plans = kMinChunkPlans;
      const engine_result gpu = evaluate_plans_cuda(sc, sp, gopt);
      same = same && gpu.has_frontier && cpu.frontier.size() == gpu.frontier.size();
      for (std::size_t i = 0; same && i < cpu.frontier.size(); ++i) {
        const frontier_point &c = cpu.frontier[i], &g = gpu.frontier[i];
        same = c.index == g.index && c.tco == g.tco && c.eff == g.eff && c.capex == g.capex;
      }
      same = same && cpu.top.size() == gpu.top.size() &&
             (cpu.counts[feasible] > 0 ||
              (cpu.has_closest == gpu.has_closest &&
               (!cpu.has_closest || cpu.closest_index == gpu.closest_index)));
      for (int k = 0; k < kReasonCount; ++k) same = same && cpu.counts[k] == gpu.counts[k];
      for (std::size_t i = 0; same && i < cpu.top.size(); ++i)
        same = cpu.top[i].index == gpu.top[i].index;
    }
    // One rank's share (docs/distributed.md): a random range of the space on both backends.
    engine_options part = opt;
    part.range_begin = std::uniform_int_distribution<std::uint64_t>(0, sp.total)(rng);
    part.range_end = std::uniform_int_distribution<std::uint64_t>(part.range_begin, sp.total)(rng);
    const engine_result cpu_part = evaluate_plans_cpu(sc, sp, part);
    const engine_result gpu_part = evaluate_plans_cuda(sc, sp, part);
    same = same && cpu_part.plans_evaluated == gpu_part.plans_evaluated &&
           cpu_part.top.size() == gpu_part.top.size();
    for (int k = 0; k < kReasonCount; ++k) same = same && cpu_part.counts[k] == gpu_part.counts[k];
    for (std::size_t i = 0; same && i < cpu_part.top.size(); ++i)
      same = cpu_part.top[i].index == gpu_part.top[i].index;
    if (!same) {
      ++failures;
      std::printf("MISMATCH on trial %d:\n%s\n", trial, text.c_str());
    }
    ++checked;
  }
  std::printf("%d random scenarios, %d mismatches\n", checked, failures);
  return failures == 0 && checked > 100 ? 0 : 1;
}

} // namespace

int main() {
  std::string why;
  if (!dcplan::cuda_device_available(&why)) {
    std::printf("skipped: no usable CUDA device (%s)\n", why.c_str());
    return 77;
  }
  try {
    return compare_backends();
  } catch (const std::exception& e) {
    std::printf("FAILED: the CUDA backend threw: %s\n", e.what());
    return 1;
  }
}
