// The CPU backend: detail::reduce_chunk under thrust::omp::par, over chunks of the space.
#include <algorithm>
#include <vector>

#include <omp.h>
#include <thrust/system/omp/execution_policy.h>

#include "dcplan/detail/frontier.hpp"
#include "dcplan/detail/reduce.hpp"
#include "dcplan/engine.hpp"
#include "dcplan/errors.hpp"

namespace dcplan {

engine_result evaluate_plans_cpu(const scenario& sc, const plan_space& sp,
                                 const engine_options& opt) {
  const int threads = opt.threads > 0 ? opt.threads : omp_get_num_procs();
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  struct restore {
    int n;
    ~restore() { omp_set_num_threads(n); }
  } restore_threads{saved};

  const model_view v = make_model_view(sc);
  const space_view s = sp.view();
  const std::uint64_t chunk = opt.chunk_plans ? opt.chunk_plans : (std::uint64_t{1} << 20);
  std::vector<std::uint64_t> cand(static_cast<std::size_t>(std::min(chunk, sp.total)));
  std::vector<rank_key> keys(cand.size());
  detail::reduce_state st;
  st.k = opt.top_k;
  const auto fetch = [](const auto* src, std::size_t n, auto* dst) { std::copy(src, src + n, dst); };
  // The frontier's buffers, only when asked for (docs/report.md "The cost frontier").
  std::vector<frontier_point> pts(opt.want_frontier ? cand.size() : 0);
  std::vector<double> flag(pts.size());
  detail::frontier_state fr;
  const auto publish = [](const std::vector<frontier_point>& p) {
    return detail::frontier_view{p.data(), p.size()};
  };
  for (std::uint64_t b = 0; b < sp.total; b += chunk) {
    if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
    const std::uint64_t e = std::min(sp.total, b + chunk);
    detail::reduce_chunk(thrust::omp::par, v, s, b, e, cand.data(), keys.data(), st, fetch);
    if (opt.want_frontier)
      detail::frontier_chunk(thrust::omp::par, v, s, b, e, cand.data(), pts.data(), flag.data(), fr,
                             fetch, publish);
    if (opt.progress) opt.progress(e, sp.total);
  }

  engine_result r;
  r.backend = "cpu";
  r.threads = threads;
  r.plans_evaluated = sp.total;
  for (int k = 0; k < kReasonCount; ++k) r.counts[k] = st.acc.counts[k];
  r.top = std::move(st.top);
  r.has_closest = st.acc.closest_flops >= 0;
  r.closest_index = st.acc.closest_index;
  r.closest_flops = st.acc.closest_flops;
  r.frontier = std::move(fr.points);
  r.has_frontier = opt.want_frontier;
  return r;
}

}  // namespace dcplan
