// Choosing a backend (README "Backends").
#include "dcplan/engine/engine.hpp"

#include "dcplan/model/errors.hpp"

namespace dcplan {

std::string no_cuda_device_message(const std::string& why) {
  return "--backend cuda: no usable CUDA device: " + why;
}

engine_result evaluate_plans(const scenario& sc, const plan_space& sp, backend_kind kind,
                             const engine_options& opt, std::string* notice) {
  if (kind == backend_kind::cpu) return evaluate_plans_cpu(sc, sp, opt);
  if (kind == backend_kind::cuda) return evaluate_plans_cuda(sc, sp, opt);
  std::string why;
  if (cuda_device_available(&why)) {
    try {
      return evaluate_plans_cuda(sc, sp, opt);
    } catch (const resource_error& e) {
      why = e.what();
    }
  }
  if (notice) *notice = "no usable CUDA device (" + why + "); running on the CPU";
  return evaluate_plans_cpu(sc, sp, opt);
}

} // namespace dcplan
