// The exact reduction of candidate phases per group (include/dcplan/schedule/detail/dominance.hpp
// states why it is exact).
#include <map>
#include <tuple>

#include "dcplan/schedule/detail/dominance.hpp"

namespace dcplan::detail {

std::vector<phase> reduce_candidates(const std::vector<phase>& in, objective o) {
  // Group: site, sourcing, d and the serving window; members in key order.
  using group_key = std::tuple<int, int, int, int, int>;
  std::map<group_key, std::vector<std::size_t>> kept;
  std::vector<bool> keep(in.size(), false);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const phase& p = in[i];
    std::vector<std::size_t>& g = kept[{p.key.site, p.key.sourcing, p.fig.d, p.fig.on, p.fig.off}];
    const double po = phase_objective(p, o), pu = phase_use(p);
    bool dominated = false;
    for (std::size_t j : g) { // every kept one precedes p in key order
      const phase& q = in[j];
      if (q.fig.effective_flops >= p.fig.effective_flops && phase_objective(q, o) <= po &&
          q.fig.capex <= p.fig.capex && phase_use(q) <= pu) {
        dominated = true;
        break;
      }
    }
    if (!dominated) {
      g.push_back(i);
      keep[i] = true;
    }
  }
  std::vector<phase> out;
  for (std::size_t i = 0; i < in.size(); ++i)
    if (keep[i]) out.push_back(in[i]);
  return out;
}

} // namespace dcplan::detail
