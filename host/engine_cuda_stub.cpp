// The CUDA backend of a build without the CUDA toolkit: always unavailable.
#include "dcplan/engine.hpp"
#include "dcplan/errors.hpp"

namespace dcplan {

bool cuda_device_available(std::string* why) {
  if (why) *why = "this build of dcplan has no CUDA backend";
  return false;
}

bool cuda_select_device(int) { return false; }

engine_result evaluate_plans_cuda(const scenario&, const plan_space&, const engine_options&) {
  throw resource_error(
      "--backend cuda: this build of dcplan has no CUDA backend (built without nvcc); use "
      "--backend cpu or auto");
}

}  // namespace dcplan
