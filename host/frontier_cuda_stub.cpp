// The portfolio frontier pass of a build without the CUDA toolkit: always unavailable.
#include "dcplan/errors.hpp"
#include "dcplan/portfolio.hpp"

namespace dcplan {

frontier_result portfolio_frontier_cuda(const scenario&, const plan_space&, const engine_options&) {
  throw resource_error("this build of dcplan has no CUDA backend (built without nvcc)");
}

}  // namespace dcplan
