// The portfolio frontier pass on the CPU: detail::frontier_chunk under thrust::omp::par.
#include <algorithm>
#include <chrono>
#include <vector>

#include <omp.h>
#include <thrust/system/omp/execution_policy.h>

#include "dcplan/detail/pareto.hpp"
#include "dcplan/errors.hpp"
#include "dcplan/portfolio.hpp"

namespace dcplan {

frontier_result portfolio_frontier_cpu(const scenario& sc, const plan_space& sp,
                                       const engine_options& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  const int threads = opt.threads > 0 ? opt.threads : omp_get_num_procs();
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  struct restore {
    int n;
    ~restore() { omp_set_num_threads(n); }
  } restore_threads{saved};

  const model_view v = make_model_view(sc);
  const space_view s = sp.view();
  const pareto_dims d = pareto_dims_of(sc);
  const std::uint64_t chunk = opt.chunk_plans ? opt.chunk_plans : (std::uint64_t{1} << 20);
  const std::pair<std::uint64_t, std::uint64_t> range = plan_range(opt, sp.total);
  const std::uint64_t range_b = range.first, range_e = range.second;
  std::vector<frontier_rec> out(static_cast<std::size_t>(std::min(chunk, range_e - range_b)));
  frontier_builder fb(static_cast<int>(sc.sites.size()) * 3, d);
  for (std::uint64_t b = range_b; b < range_e; b += chunk) {
    if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
    const std::uint64_t e = std::min(range_e, b + chunk);
    const std::size_t n =
        detail::frontier_chunk(thrust::omp::par, v, s, b, e, fb.reps().data(), d, out.data());
    fb.add_sorted(out.data(), n);
  }
  frontier_result r;
  r.items = fb.finish();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace dcplan
