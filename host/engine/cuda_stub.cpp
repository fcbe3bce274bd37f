// The engine's CUDA backend (plan evaluation and the pool-candidate pass) in a build without
// the CUDA toolkit: always unavailable.
#include "dcplan/engine/engine.hpp"
#include "dcplan/engine/pool_candidates.hpp"
#include "dcplan/model/errors.hpp"

namespace dcplan {
namespace {
constexpr const char* kNoBackend =
    "this build of dcplan has no CUDA backend (built without nvcc); use --backend cpu or auto";
} // namespace

bool cuda_device_available(std::string* why) {
  if (why) *why = "this build of dcplan has no CUDA backend";
  return false;
}

bool cuda_select_device(int) { return false; }

engine_result evaluate_plans_cuda(const scenario&, const plan_space&, const engine_options&) {
  throw resource_error(no_cuda_device_message(kNoBackend));
}

pool_candidates_result find_pool_candidates_cuda(const scenario&, const plan_space&,
                                                 const engine_options&) {
  throw resource_error(no_cuda_device_message(kNoBackend));
}

} // namespace dcplan
