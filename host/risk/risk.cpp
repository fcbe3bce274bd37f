// MODEL.md "Risk" on the host: the device records of the uncertainty block and of the plans, and
// the re-ranking of a planning run under the risk objectives.
#include "dcplan/risk/risk.hpp"

#include <algorithm>
#include <numeric>

#include "dcplan/model/errors.hpp"

namespace dcplan {

risk_params make_risk_params(const uncertainty& u) {
  risk_params p{};
  p.seed_lo = static_cast<std::uint32_t>(u.seed);
  p.seed_hi = static_cast<std::uint32_t>(u.seed >> 32);
  p.energy_sigma = u.energy_sigma;
  p.node_sigma = u.node_sigma;
  p.cloud_sigma = u.cloud_sigma;
  p.mfu_sd = u.mfu_sd;
  p.mtbf_sigma = u.mtbf_sigma; // docs/goodput.md
  p.has_delay = u.has_delay;
  p.delay_low = u.delay_low;
  p.delay_mode = u.delay_mode;
  p.delay_high = u.delay_high;
  return p;
}

std::vector<risk_plan> risk_plans_of(const plan_space& sp,
                                     const std::vector<std::uint64_t>& indices) {
  const space_view v = sp.view();
  std::vector<risk_plan> out;
  out.reserve(indices.size());
  for (const std::uint64_t i : indices) {
    const int k = find_combo(v, i);
    const combo& c = sp.combos[k];
    out.push_back({c.site, c.system, c.cooling, c.fabric, c.sourcing,
                   static_cast<double>(i - sp.starts[k] + 1) * sp.node_step});
  }
  return out;
}

std::size_t risk_top_k(const scenario& sc, std::size_t top) {
  return sc.uncert ? std::max(top, sc.uncert->plans) : top;
}

std::vector<risk_figures> apply_risk(const scenario& sc, const plan_space& sp, engine_result& r,
                                     std::size_t top, int threads, const risk_evaluator* evaluate) {
  std::vector<risk_figures> fig;
  if (sc.uncert) {
    const std::size_t n = std::min(sc.uncert->plans, r.top.size());
    std::vector<std::uint64_t> idx(n);
    for (std::size_t i = 0; i < n; ++i) idx[i] = r.top[i].index;
    if (n > 0 && evaluate)
      fig = (*evaluate)(idx);
    else if (n > 0)
      fig = r.backend == backend_kind::cuda ? evaluate_risk_cuda(sc, sp, idx)
                                            : evaluate_risk_cpu(sc, sp, idx, threads);
    if (sc.obj == objective::p90_tco || sc.obj == objective::cvar95_tco) {
      // MODEL.md "Risk": re-rank the top `plans` by the risk figure; the stable sort keeps the
      // deterministic rank among ties.
      const bool p90 = sc.obj == objective::p90_tco;
      std::vector<std::size_t> order(n);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return p90 ? fig[a].p90_tco < fig[b].p90_tco : fig[a].cvar95_tco < fig[b].cvar95_tco;
      });
      std::vector<rank_key> keys(n);
      std::vector<risk_figures> sorted(n);
      for (std::size_t i = 0; i < n; ++i) {
        keys[i] = r.top[order[i]];
        sorted[i] = fig[order[i]];
      }
      std::copy(keys.begin(), keys.end(), r.top.begin());
      fig.swap(sorted);
    }
  }
  if (r.top.size() > top) r.top.resize(top);
  if (fig.size() > top) fig.resize(top);
  return fig;
}

} // namespace dcplan
