// MODEL.md "A phase" on the CUDA backend against the CPU's OpenMP pass: the same counts by
// reason, the same candidates in the same order with figures equal to 1e-12 relative (the device's
// exp and log2 may differ from the host's in the last bit), over the whole phase space and over a
// random range of it (one MPI rank's share), with the default chunk and under a small device
// memory cap. Exits 77 (reported as skipped by CTest) only where cuda_device_available says no
// usable device answers; once a device answers, every error fails the test.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <random>
#include <string>
#include <utility>

#include "dcplan/model/errors.hpp"
#include "dcplan/schedule/schedule.hpp"

namespace {

using namespace dcplan;

bool near(double a, double b) {
  return a == b || std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b));
}

bool same_phase(const phase& a, const phase& b) {
  bool same = a.index == b.index && a.fig.reason == b.fig.reason && a.fig.d == b.fig.d &&
              a.fig.on == b.fig.on && a.fig.off == b.fig.off && a.key.nodes == b.key.nodes;
  const std::pair<double, double> figures[] = {{a.fig.effective_flops, b.fig.effective_flops},
                                               {a.fig.capex, b.fig.capex},
                                               {a.fig.npv_cost, b.fig.npv_cost},
                                               {a.fig.tco2, b.fig.tco2},
                                               {a.fig.facility_kw, b.fig.facility_kw},
                                               {a.fig.salvage, b.fig.salvage}};
  for (const auto& [x, y] : figures) same = same && near(x, y);
  for (int t = 0; t < kMaxScheduleYears; ++t) same = same && near(a.fig.opex[t], b.fig.opex[t]);
  return same;
}

// "" when the two passes agree, else what differs.
std::string compare(const phase_pass_result& cpu, const phase_pass_result& gpu) {
  if (gpu.backend != backend_kind::cuda) return "the pass did not run on CUDA";
  if (cpu.plans_evaluated != gpu.plans_evaluated) return "phases evaluated";
  for (int k = 0; k < kReasonCount; ++k)
    if (cpu.counts[k] != gpu.counts[k]) return "count of reason " + std::to_string(k);
  if (cpu.candidates.size() != gpu.candidates.size()) return "candidates";
  for (std::size_t i = 0; i < cpu.candidates.size(); ++i)
    if (!same_phase(cpu.candidates[i], gpu.candidates[i]))
      return "candidate " + std::to_string(i) + " (phase " +
             std::to_string(cpu.candidates[i].index) + ")";
  return "";
}

int run() {
  std::mt19937_64 rng(3);
  int failures = 0, checked = 0;
  const std::string dir = std::string(DCPLAN_SOURCE_DIR);
  for (const std::string path :
       {dir + "/tests/golden/v2-schedule-small.yaml", dir + "/tests/golden/v2-schedule-budget.yaml",
        dir + "/tests/golden/v2-schedule-infeasible.yaml", dir + "/configs/buildout.yaml",
        dir + "/configs/bench-schedule.yaml"}) {
    const scenario sc = load_scenario(path);
    const std::uint64_t total = phase_space_size(sc);
    phase_pass_options whole;
    phase_pass_options capped; // a few thousand phases a chunk
    capped.device_memory_cap = 4 << 20;
    phase_pass_options part;
    part.range_begin = std::uniform_int_distribution<std::uint64_t>(0, total)(rng);
    part.range_end = std::uniform_int_distribution<std::uint64_t>(part.range_begin, total)(rng);
    for (const phase_pass_options& opt : {whole, capped, part}) {
      const std::string diff = compare(run_phase_pass_cpu(sc, opt), run_phase_pass_cuda(sc, opt));
      ++checked;
      if (!diff.empty()) {
        ++failures;
        std::printf("%s [%llu, %llu) cap %llu: %s differs\n", path.c_str(),
                    static_cast<unsigned long long>(opt.range_begin),
                    static_cast<unsigned long long>(opt.range_end),
                    static_cast<unsigned long long>(opt.device_memory_cap), diff.c_str());
      }
    }
  }
  std::printf("%d passes compared, %d differ\n", checked, failures);
  return failures == 0 ? 0 : 1;
}

} // namespace

int main() {
  std::string why;
  if (!dcplan::cuda_device_available(&why)) {
    std::printf("skipped: no usable CUDA device: %s\n", why.c_str());
    return 77;
  }
  try {
    return run();
  } catch (const std::exception& e) {
    std::printf("error: %s\n", e.what());
    return 1;
  }
}
