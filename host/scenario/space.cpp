// MODEL.md "A plan": the plan space, in the order of the ranking tuple (site, system, cooling
// with cloud as -1, fabric, sourcing build < colo < cloud, nodes).
#include "dcplan/scenario/space.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "dcplan/model/errors.hpp"

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

namespace {

// Figures are doubles: a scenario whose figures pass this bound would overflow to infinity in
// MODEL.md's sums and products (prices x counts, nodes x accelerators) and rank nonsense.
constexpr double kMaxFigure = 1e300;
// Counts (accelerators, racks) are reported as exact whole numbers.
constexpr double kMaxCount = 9007199254740992.0; // 2^53

void fail_overflow(const scenario& sc, const std::string& field, const std::string& what) {
  throw input_error(sc.file, 0, 0, field,
                    what + " is beyond what a double holds (above 1e300); some figure of the "
                           "scenario is far out of scale");
}

// The scenario-wide constants of MODEL.md "Figures of a plan" and "Feasibility", test 6.
void check_globals(const scenario& sc) {
  const globals_rec g = sc.globals();
  const auto ok = [](double x) { return std::isfinite(x) && std::fabs(x) <= kMaxFigure; };
  if (sc.training && !(ok(g.total_flops) && ok(g.required_effective_flops)))
    fail_overflow(sc, "target.training",
                  fmt::format("flops_per_token x active_params x tokens = {}", g.total_flops));
  if (!ok(g.annuity) || !ok(g.discount_h))
    fail_overflow(sc, "finance", fmt::format("the annuity factor {}", g.annuity));
}

// The smallest and largest plan of a combination bound its figures (each grows with the node
// count, and effective FLOP/s, the divisor of the rest, is smallest at an end of the range: at
// the smallest plan, or with goodput, which falls with the node count, possibly at the largest).
void check_combo(const scenario& sc, const model_view& v, const combo& cb, double node_step) {
  const entry_meta& sys = sc.system_meta[cb.system];
  const double lo = node_step, hi = static_cast<double>(cb.count) * node_step;
  const plan_figures a =
      evaluate_plan(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing, lo);
  const plan_figures b =
      evaluate_plan(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing, hi);
  const auto where = [&](double n) {
    return fmt::format("site '{}', system '{}', {} nodes ({})", sc.site_meta[cb.site].id, sys.id, n,
                       to_string(static_cast<sourcing>(cb.sourcing)));
  };
  if (b.accelerators > kMaxCount)
    throw input_error(sys.loc.file, sys.loc.line, sys.loc.column, "systems." + sys.id,
                      fmt::format("{} x {} accelerators per node = {} accelerators, above 2^53; "
                                  "set search.max_nodes",
                                  where(hi), sc.systems[cb.system].accelerators_per_node,
                                  b.accelerators));
  const struct {
    const char* name;
    double plan_figures::*field;
  } figures[] = {{"it_kw", &plan_figures::it_kw},
                 {"facility_kw", &plan_figures::facility_kw},
                 {"capex_usd", &plan_figures::capex},
                 {"opex_usd_per_year", &plan_figures::opex_usd_per_year},
                 {"tco_usd", &plan_figures::tco},
                 {"effective_flops", &plan_figures::effective_flops},
                 {"tco2_per_year", &plan_figures::tco2_per_year},
                 {"usd_per_pflop_day", &plan_figures::usd_per_pflop_day},
                 {"job_days", &plan_figures::job_days},
                 {"accelerator_hours", &plan_figures::accelerator_hours},
                 {"job_energy_mwh", &plan_figures::job_energy_mwh},
                 {"job_cost_usd", &plan_figures::job_cost_usd}};
  for (const plan_figures* p : {&a, &b}) {
    // NaN marks a figure that is not computed (racks when per_rack is 0; job figures without a
    // training target); anything else must be a finite number within the bound.
    const bool racks_ok = cb.sourcing == static_cast<int>(sourcing::cloud) || !std::isnan(p->racks);
    for (const auto& fig : figures) {
      const double x = p->*fig.field;
      const bool job = fig.name[0] == 'j' || fig.name[0] == 'a';
      if (std::isnan(x) && (!racks_ok || (job && !sc.training))) continue;
      // MODEL.md "Goodput": a cluster so large that its goodput is 0 makes no progress; the
      // figures divided by its effective FLOP/s are then infinite by the model, not overflow.
      if (std::isinf(x) && p->effective_flops == 0 && sc.reliab) continue;
      if (!(std::fabs(x) <= kMaxFigure))
        throw input_error(sys.loc.file, sys.loc.line, sys.loc.column, "systems." + sys.id,
                          fmt::format("the plan of {} has {} = {}, beyond what a double holds "
                                      "(above 1e300); some figure of the scenario is far out of "
                                      "scale, or set search.max_nodes",
                                      where(p->nodes), fig.name, x));
    }
  }
}

} // namespace

plan_space build_space(const scenario& sc) {
  plan_space sp;
  sp.node_step = sc.node_step;
  const double limit = 9223372036854775808.0; // 2^63
  double total = 0;
  std::uint64_t start = 0;
  const auto allowed = [](const std::vector<int>& only, int x) {
    return only.empty() || std::find(only.begin(), only.end(), x) != only.end();
  };
  auto add = [&](int s, int a, int c, int f, sourcing m) {
    if (!allowed(sc.only_sites, s) || !allowed(sc.only_systems, a) ||
        !allowed(sc.only_sourcing, static_cast<int>(m)))
      return;
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
      // MODEL.md "A plan": a system that is not purchasable has cloud plans only.
      if (!sc.systems[a].purchasable) continue;
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
  check_globals(sc);
  const model_view v = make_model_view(sc);
  for (const combo& cb : sp.combos) check_combo(sc, v, cb, sp.node_step);
  return sp;
}

model_view make_model_view(const scenario& sc) {
  return {sc.accelerators.data(), sc.systems.data(), sc.cooling.data(),
          sc.fabrics.data(),      sc.sites.data(),   sc.globals()};
}

plan_ref plan_of_index(const plan_space& sp, std::uint64_t index) {
  const space_view v = sp.view();
  const int k = find_combo(v, index);
  const combo& c = sp.combos[k];
  return {c.site,   c.system,   c.cooling,
          c.fabric, c.sourcing, static_cast<double>(index - sp.starts[k] + 1) * sp.node_step};
}

plan_figures evaluate_ref(const scenario& sc, const plan_ref& p) {
  return evaluate_plan(make_model_view(sc), p.site, p.system, p.cooling, p.fabric, p.sourcing,
                       p.nodes);
}

} // namespace dcplan
