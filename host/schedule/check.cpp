// MODEL.md "A schedule": the constraints of a schedule and the sums of a period, each sum over
// the phases in key order starting from 0. The search checks its leaves with these, and the
// tests recheck the schedule it returns.
#include <fmt/format.h>

#include "dcplan/schedule/schedule.hpp"

namespace dcplan {

schedule_period period_sums(const scenario& sc, const std::vector<phase>& phases, int t) {
  const schedule_spec& s = *sc.schedule;
  schedule_period p;
  p.year = s.start_year + t;
  p.demand_effective_flops = s.demand_effective_flops[static_cast<std::size_t>(t)];
  for (const phase& x : phases) {
    if (x.fig.d == t) p.capex_usd += x.fig.capex;
    if (x.fig.on <= t && t < x.fig.off) {
      p.effective_flops += x.fig.effective_flops;
      p.cost_usd += x.fig.opex[t];
      ++p.phases_serving;
    }
  }
  return p;
}

std::string check_schedule(const scenario& sc, const std::vector<phase>& phases) {
  const schedule_spec& s = *sc.schedule;
  for (std::size_t i = 0; i + 1 < phases.size(); ++i) {
    const phase_key& a = phases[i].key;
    if (phases[i].index >= phases[i + 1].index) return "phases are not in key order";
    for (std::size_t j = i + 1; j < phases.size(); ++j)
      if (a.d == phases[j].key.d && a.site == phases[j].key.site &&
          a.sourcing == phases[j].key.sourcing)
        return fmt::format("two phases in pool (site {}, sourcing {}, d {})", a.site, a.sourcing,
                           a.d);
  }
  for (const phase& x : phases)
    if (x.fig.reason != feasible || x.fig.on >= s.years) return "a phase is not a candidate";
  for (int t = 0; t < s.years; ++t) {
    const schedule_period p = period_sums(sc, phases, t);
    if (!(p.effective_flops >= p.demand_effective_flops))
      return fmt::format("period {}: {} FLOP/s serve a demand of {}", t, p.effective_flops,
                         p.demand_effective_flops);
    if (s.capex_budget && !(p.capex_usd <= (*s.capex_budget)[static_cast<std::size_t>(t)]))
      return fmt::format("period {}: capex {} over the budget", t, p.capex_usd);
    for (std::size_t site = 0; site < sc.sites.size(); ++site) {
      const site_rec& r = sc.sites[site];
      const std::vector<double>& by = s.site_grid_mw_by_year[site];
      const double grid = by.empty() ? r.grid_mw : by[static_cast<std::size_t>(t)];
      double mw = 0, colo = 0, acc = 0;
      for (const phase& x : phases) {
        if (x.key.site != static_cast<int>(site) || !(x.fig.on <= t && t < x.fig.off)) continue;
        if (x.key.sourcing == static_cast<int>(sourcing::build)) mw += x.fig.facility_kw / 1000;
        if (x.key.sourcing == static_cast<int>(sourcing::colo)) colo += x.fig.it_kw / 1000;
        if (x.key.sourcing == static_cast<int>(sourcing::cloud)) acc += x.fig.accelerators;
      }
      if (!(mw <= grid)) return fmt::format("period {}, site {}: {} MW over the grid", t, site, mw);
      if (colo > 0 && !(colo <= r.colo_available_mw))
        return fmt::format("period {}, site {}: {} MW over the colo hall", t, site, colo);
      if (acc > 0 && !(acc <= r.cloud_max_accelerators))
        return fmt::format("period {}, site {}: {} accelerators over the cloud", t, site, acc);
    }
  }
  return "";
}

} // namespace dcplan
