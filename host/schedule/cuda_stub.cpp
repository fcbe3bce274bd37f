// The schedule's CUDA phase pass in a build without the CUDA toolkit: always unavailable.
#include "dcplan/model/errors.hpp"
#include "dcplan/schedule/schedule.hpp"

namespace dcplan {

phase_pass_result run_phase_pass_cuda(const scenario&, const phase_pass_options&) {
  throw resource_error(no_cuda_device_message(
      "this build of dcplan has no CUDA backend (built without nvcc); use --backend cpu or auto"));
}

} // namespace dcplan
