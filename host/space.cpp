// MODEL.md "A plan": the plan space, in the order of the ranking tuple (site, system, cooling
// with cloud as -1, fabric, sourcing build < colo < cloud, nodes).
#include "dcplan/space.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "dcplan/errors.hpp"

namespace dcplan {

double node_limit(const scenario& sc, int s, int a, int c, sourcing m) {
  const site_rec& site = sc.sites[s];
  const system_rec& sys = sc.systems[a];
  double n_hi = 0;
  switch (m) {
    case sourcing::build:
      n_hi = std::floor(site.grid_mw * 1000 /
                        (sys.node_power_kw * (sc.cooling[c].pue + site.pue_adjust)));
      break;
    case sourcing::colo:
      n_hi = std::floor(site.colo_available_mw * 1000 / sys.node_power_kw);
      break;
    case sourcing::cloud:
      n_hi = std::floor(site.cloud_max_accelerators / sys.accelerators_per_node);
      break;
  }
  if (sc.max_nodes && *sc.max_nodes < n_hi) n_hi = *sc.max_nodes;
  return n_hi;
}

plan_space build_space(const scenario& sc) {
  plan_space sp;
  sp.node_step = sc.node_step;
  const double limit = 9223372036854775808.0;  // 2^63
  double total = 0;
  std::uint64_t start = 0;
  const auto allowed = [](const std::vector<int>& only, int x) {
    return only.empty() || std::find(only.begin(), only.end(), x) != only.end();
  };
  auto add = [&](int s, int a, int c, int f, sourcing m) {
    if (!allowed(sc.only_systems, a) || !allowed(sc.only_sourcing, static_cast<int>(m))) return;
    const double n_hi = node_limit(sc, s, a, c, m);
    const double count = n_hi >= sc.node_step ? std::floor(n_hi / sc.node_step) : 0.0;
    total += count;
    if (count <= 0) return;
    if (!(total < limit))
      throw input_error(sc.file, 0, 0, "search",
                        "the plan space exceeds 2^63 plans; set search.max_nodes or a larger "
                        "search.node_step");
    const auto n = static_cast<std::uint64_t>(count);
    sp.combos.push_back({s, a, c, f, static_cast<int>(m), n});
    sp.starts.push_back(start);
    start += n;
  };
  const int S = static_cast<int>(sc.sites.size()), A = static_cast<int>(sc.systems.size());
  const int C = static_cast<int>(sc.cooling.size()), F = static_cast<int>(sc.fabrics.size());
  for (int s = 0; s < S; ++s) {
    for (int a = 0; a < A; ++a) {
      if (sc.sites[s].has_cloud && sc.systems[a].has_cloud)
        for (int f = 0; f < F; ++f) add(s, a, -1, f, sourcing::cloud);
      for (int c = 0; c < C; ++c) {
        for (int f = 0; f < F; ++f) {
          add(s, a, c, f, sourcing::build);
          if (sc.sites[s].has_colo) add(s, a, c, f, sourcing::colo);
        }
      }
    }
  }
  sp.starts.push_back(start);
  sp.total = start;
  if (sp.total == 0)
    throw input_error(sc.file, 0, 0, "sites",
                      "the plan space is empty: no site can hold a single node of any system "
                      "(check grid_mw, colo.available_mw, cloud.max_accelerators, node_power_kw "
                      "and search.node_step)");
  return sp;
}

}  // namespace dcplan
