// The rounding heuristic of the schedule search: include/dcplan/schedule/detail/rounding.hpp
// states the steps and why its schedules never change the optimum.
#include "dcplan/schedule/detail/rounding.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "dcplan/schedule/detail/dominance.hpp"

namespace dcplan::detail {

namespace {
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
constexpr double kMet = 1e-12; // a demand counts as met with this relative room (then rechecked)
} // namespace

struct rounding::state {
  std::vector<std::size_t> pick;           // per pool: the chosen candidate or kNone
  std::vector<double> covered, capex, use; // per period; per period; per (site, sourcing, t)
};

rounding::rounding(const scenario& sc, const std::vector<phase>& cands, objective o)
    : sc_(sc), cands_(cands), o_(o), pool_of_(cands.size()) {
  std::map<std::tuple<int, int, int>, std::size_t> at;
  for (std::size_t j = 0; j < cands.size(); ++j) {
    const phase& p = cands[j];
    const auto it = at.emplace(std::make_tuple(p.fig.d, p.key.site, p.key.sourcing), at.size());
    pool_of_[j] = it.first->second;
  }
  pools_.resize(at.size());
  for (std::size_t j = 0; j < cands.size(); ++j) pools_[pool_of_[j]].push_back(j);
  for (auto& pool : pools_)
    std::stable_sort(pool.begin(), pool.end(), [&](std::size_t a, std::size_t b) {
      return phase_objective(cands[a], o) < phase_objective(cands[b], o);
    });
}

// MODEL.md "A schedule": the site's limit for the phase's sourcing in period t, and its budget.
bool rounding::fits(const state& s, std::size_t j) const {
  const phase& p = cands_[j];
  const schedule_spec& sp = *sc_.schedule;
  const site_rec& r = sc_.sites[static_cast<std::size_t>(p.key.site)];
  const int Y = sp.years, m = p.key.sourcing;
  const double u = phase_use(p);
  for (int t = p.fig.on; t < p.fig.off; ++t) {
    double lim =
        m == static_cast<int>(sourcing::colo) ? r.colo_available_mw : r.cloud_max_accelerators;
    if (m == static_cast<int>(sourcing::build)) {
      const std::vector<double>& by = sp.site_grid_mw_by_year[static_cast<std::size_t>(p.key.site)];
      lim = by.empty() ? r.grid_mw : by[static_cast<std::size_t>(t)];
    }
    const std::size_t at = (static_cast<std::size_t>(p.key.site) * 3 + m) * Y + t;
    if (!(s.use[at] + u <= lim)) return false;
  }
  if (sp.capex_budget) {
    const double b = (*sp.capex_budget)[static_cast<std::size_t>(p.fig.d)];
    if (!(s.capex[static_cast<std::size_t>(p.fig.d)] + p.fig.capex <= b)) return false;
  }
  return true;
}

void rounding::add(state& s, std::size_t j, double sign) const {
  const phase& p = cands_[j];
  const int Y = sc_.schedule->years;
  const double u = phase_use(p);
  for (int t = p.fig.on; t < p.fig.off; ++t) {
    s.use[(static_cast<std::size_t>(p.key.site) * 3 + p.key.sourcing) * Y + t] += sign * u;
    s.covered[static_cast<std::size_t>(t)] += sign * p.fig.effective_flops;
  }
  s.capex[static_cast<std::size_t>(p.fig.d)] += sign * p.fig.capex;
  s.pick[pool_of_[j]] = sign > 0 ? j : kNone;
}

bool rounding::repair(state& s, std::size_t forbid) const {
  const std::vector<double>& demand = sc_.schedule->demand_effective_flops;
  const int Y = sc_.schedule->years;
  for (;;) {
    std::vector<double> short_(static_cast<std::size_t>(Y), 0.0);
    bool any = false;
    for (int t = 0; t < Y; ++t) {
      const double need = demand[t] * (1 + kMet) - s.covered[t];
      if (demand[t] > 0 && need > 0) short_[t] = need, any = true;
    }
    if (!any) return true;
    std::size_t best = kNone;
    double best_ratio = INFINITY;
    for (std::size_t j = 0; j < cands_.size(); ++j) {
      if (s.pick[pool_of_[j]] != kNone || j == forbid) continue;
      const phase& p = cands_[j];
      double gain = 0;
      for (int t = p.fig.on; t < p.fig.off; ++t) gain += std::min(p.fig.effective_flops, short_[t]);
      if (!(gain > 0)) continue;
      const double ratio = phase_objective(p, o_) / gain;
      if (ratio < best_ratio && fits(s, j)) best = j, best_ratio = ratio;
    }
    if (best == kNone) return false;
    add(s, best, 1.0);
  }
}

void rounding::improve(state& s) const {
  const std::vector<double>& demand = sc_.schedule->demand_effective_flops;
  const int Y = sc_.schedule->years;
  auto met = [&] {
    for (int t = 0; t < Y; ++t)
      if (demand[t] > 0 && s.covered[t] < demand[t] * (1 + kMet)) return false;
    return true;
  };
  std::vector<std::size_t> chosen;
  for (std::size_t j : s.pick)
    if (j != kNone) chosen.push_back(j);
  std::stable_sort(chosen.begin(), chosen.end(), [&](std::size_t a, std::size_t b) {
    return phase_objective(cands_[a], o_) > phase_objective(cands_[b], o_);
  });
  for (std::size_t j : chosen) { // drop, the costliest first
    add(s, j, -1.0);
    if (!met()) add(s, j, 1.0);
  }
  for (std::size_t q = 0; q < pools_.size(); ++q) { // replace by the cheapest that keeps it
    const std::size_t c = s.pick[q];
    if (c == kNone) continue;
    add(s, c, -1.0);
    std::size_t keep = c;
    for (std::size_t j : pools_[q]) {
      if (!(phase_objective(cands_[j], o_) < phase_objective(cands_[c], o_))) break;
      if (!fits(s, j)) continue;
      add(s, j, 1.0);
      if (met()) {
        keep = j;
        break;
      }
      add(s, j, -1.0);
    }
    if (keep == c) add(s, c, 1.0);
  }
}

double rounding::objective_of(const state& s) const {
  double z = 0;
  for (std::size_t j : s.pick)
    if (j != kNone) z += phase_objective(cands_[j], o_);
  return z;
}

// Ruin and recreate: each phase in turn is taken out (and kept out), the demand repaired and
// the schedule improved; the first cheaper schedule replaces the current one, until none is.
void rounding::polish(state& s) const {
  constexpr int kPasses = 50;
  double z = objective_of(s);
  for (int pass = 0; pass < kPasses; ++pass) {
    bool better = false;
    for (std::size_t q = 0; q < pools_.size() && !better; ++q) {
      const std::size_t c = s.pick[q];
      if (c == kNone) continue;
      state t = s;
      add(t, c, -1.0);
      if (!repair(t, c)) continue;
      improve(t);
      const double zt = objective_of(t);
      if (zt < z * (1 - 1e-12)) {
        s = std::move(t);
        z = zt;
        better = true;
      }
    }
    if (!better) return;
  }
}

std::vector<std::size_t> rounding::round(const std::vector<double>& x, double theta) const {
  const int Y = sc_.schedule->years;
  state s;
  s.pick.assign(pools_.size(), kNone);
  s.covered.assign(static_cast<std::size_t>(Y), 0.0);
  s.capex.assign(static_cast<std::size_t>(Y), 0.0);
  s.use.assign(sc_.sites.size() * 3 * static_cast<std::size_t>(Y), 0.0);
  std::vector<std::size_t> top(pools_.size(), kNone); // per pool, its largest LP value
  for (std::size_t j = 0; j < cands_.size(); ++j) {
    std::size_t& b = top[pool_of_[j]];
    if (x[j] >= theta && (b == kNone || x[j] > x[b])) b = j;
  }
  std::vector<std::size_t> order;
  for (std::size_t b : top)
    if (b != kNone) order.push_back(b);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return x[a] > x[b]; });
  for (std::size_t j : order)
    if (fits(s, j)) add(s, j, 1.0);
  if (!repair(s, kNone)) return {};
  improve(s);
  polish(s);
  std::vector<std::size_t> out;
  for (std::size_t j : s.pick)
    if (j != kNone) out.push_back(j);
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace dcplan::detail
