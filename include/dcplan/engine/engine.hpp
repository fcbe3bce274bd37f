#pragma once
// Evaluates every plan of a space and reduces it to the counts by reason, the top K plans in
// MODEL.md's ranking order and the closest plan. One interface, two backends: the CPU
// (host/engine/engine_cpu.cpp, OpenMP) and CUDA (kernels/engine_cuda.cu).
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "dcplan/config.hpp"
#include "dcplan/engine/cost_frontier.hpp"
#include "dcplan/model/rank.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan {

enum class backend_kind { automatic, cpu, cuda };

/// The name a report and the command line use for a backend: "auto", "cpu" or "cuda".
constexpr const char* backend_name(backend_kind k) {
  return k == backend_kind::cpu ? "cpu" : k == backend_kind::cuda ? "cuda" : "auto";
}

struct engine_options {
  std::size_t top_k = 10;
  int threads = 0;                     // CPU: 0 = every core
  std::uint64_t chunk_plans = 0;       // plans per chunk; 0 = the backend's default
  std::uint64_t device_memory_cap = 0; // CUDA: bytes the backend may use; 0 = free memory
  std::function<void(std::uint64_t done, std::uint64_t total)> progress; // may be empty
  const std::atomic<bool>* cancel = nullptr; // set to stop early (interrupted_error)
  bool reference = false;     // CPU: no pruning, every plan evaluated (detail/sweep.hpp)
  bool thrust = false;        // CPU, with `reference`: the chunked Thrust path (detail/reduce.hpp)
  bool want_frontier = false; // also compute the cost frontier (cost_frontier.hpp)
  // Where a path has the final cost frontier before its pass ends (the CPU's pruned path), it
  // calls this at once with it, on the thread that made it, while the other threads finish the
  // pass: for work on the frontier that can start early (rendering it). Elsewhere it is not
  // called. May be empty.
  std::function<void(const std::vector<frontier_point>&)> on_frontier;
  // Plan indices [range_begin, range_end) only (one rank's share, docs/distributed.md); by
  // default the whole space. Counts, top K and closest then cover that range alone.
  std::uint64_t range_begin = 0, range_end = ~std::uint64_t{0};
};

/// The plan indices [begin, end) the options select in a space of `total` plans.
inline std::pair<std::uint64_t, std::uint64_t> plan_range(const engine_options& o,
                                                          std::uint64_t total) {
  const std::uint64_t e = o.range_end > total ? total : o.range_end;
  return {o.range_begin < e ? o.range_begin : e, e};
}

struct engine_result {
  backend_kind backend = backend_kind::cpu; // the backend that ran: cpu or cuda
  std::uint64_t plans_evaluated = 0;
  std::uint64_t counts[kReasonCount] = {}; // counts[0] = feasible plans
  std::vector<rank_key> top;               // best first
  bool has_closest = false;                // a plan passing every test but the target
  std::uint64_t closest_index = 0;
  double closest_flops = -1;
  int threads = 1;
  std::string device;                   // GPU name under CUDA
  double kernel_seconds = 0;            // CUDA: the pruned and sweep kernels' time, by CUDA events
  bool has_frontier = false;            // want_frontier was set
  std::vector<frontier_point> frontier; // every point, TCO ascending (frontier.hpp)
};

/// The CPU backend (OpenMP over every core, or `threads`).
engine_result evaluate_plans_cpu(const scenario& sc, const plan_space& sp,
                                 const engine_options& opt);
/// The CUDA backend; throws resource_error when no usable device exists or device memory is
/// short, cuda_error on a fault of the GPU while running.
engine_result evaluate_plans_cuda(const scenario& sc, const plan_space& sp,
                                  const engine_options& opt);
/// True when this build has the CUDA backend and a device answers that can run its code.
bool cuda_device_available(std::string* why = nullptr);
/// The message of resource_error when a run asks for CUDA and no usable device exists; `why`
/// says what is missing. Its words "no usable CUDA device" are what the GPU tests match to skip.
std::string no_cuda_device_message(const std::string& why);
/// Makes device `ordinal % device count` current for this process; false without a device.
bool cuda_select_device(int ordinal);

/// Runs the chosen backend; `automatic` takes CUDA when a device is present, else the CPU.
/// `notice` receives a one-line note when `automatic` falls back to the CPU.
engine_result evaluate_plans(const scenario& sc, const plan_space& sp, backend_kind kind,
                             const engine_options& opt, std::string* notice);

} // namespace dcplan
