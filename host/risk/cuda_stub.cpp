// The CUDA risk backend of a build without the CUDA toolkit: always unavailable.
#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/risk/risk.hpp"

namespace dcplan {

std::vector<risk_figures> evaluate_risk_cuda(const scenario&, const plan_space&,
                                             const std::vector<std::uint64_t>&) {
  throw resource_error(
      no_cuda_device_message("this build of dcplan has no CUDA backend (built without nvcc)"));
}

} // namespace dcplan
