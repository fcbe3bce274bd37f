#pragma once
// MODEL.md "Schedules", "A phase": the figures of one phase (a v1 plan decided at the start of
// period d), written once as a DCPLAN_HD function over flat records so that a CUDA kernel can
// call it as the CPU loop does. Every figure of the plan comes from the one model function,
// evaluate_plan, with the period's prices put into a copy of the system record first.
#include "dcplan/model/macros.hpp"
#include "dcplan/model/model.hpp"

namespace dcplan {

/// MODEL.md "Schedules": `years` is at most 10.
constexpr int kMaxScheduleYears = 10;

/// The schedule's constants as flat arrays, every power computed on the host with C pow
/// (MODEL.md "Units").
struct schedule_view {
  int start_year;
  int years;
  int hardware_life_years;
  int cloud_term_years;
  const double* df;          // df[x] = (1 + r)^-x for x = 0..years
  const double* price;       // price[a * years + d] = (1 - price_decline)^age(d) of system a
  const double* cloud;       // cloud[a * years + t] = (1 - cloud_price_decline)^age(t)
  const double* grid_max_mw; // per site: the largest grid_mw_by_year value, or grid_mw
  const bool* grid_by_year;  // per site: true when it has grid_mw_by_year
};

/// One phase's figures: what the optimizer, the report and the counts read.
struct phase_figures {
  int d;      // decision period
  int on;     // first period served
  int off;    // one past the last period served
  int reason; // 0: candidate; else the first of v1 tests 1-5 that fails, or deadline (on >= years)
  double nodes;
  double accelerators;
  double it_kw;
  double facility_kw;
  double effective_flops;
  double hw_capex;
  double fac_capex;
  double capex;
  double ready_months;
  double tco2_per_year;
  double salvage;
  double npv_cost;
  double tco2;
  double opex[kMaxScheduleYears]; // undiscounted opex of period t while serving, else 0
};

/// MODEL.md "A phase": phase (site s, system a, cooling c, fabric f, sourcing m, nodes n) decided
/// in period d. Cloud phases take c = -1.
DCPLAN_HD phase_figures evaluate_phase(const model_view& v, const schedule_view& sv, int s, int a,
                                       int c, int f, int m, double n, int d) {
  const bool cloud = m == static_cast<int>(sourcing::cloud);
  const bool build = m == static_cast<int>(sourcing::build);
  // node_price = node_price_usd * price(d), computed first; test 5 against the largest grid
  // value; at a site with grid_mw_by_year, ready_months leaves out power_lead_months (0 is the
  // same as leaving it out of the max, as lead times are >= 0).
  system_rec sys = v.systems[a];
  sys.node_price_usd = sys.node_price_usd * sv.price[a * sv.years + d];
  const double cloud_base = sys.cloud_usd_per_accel_hour;
  site_rec site = v.sites[s];
  site.grid_mw = sv.grid_max_mw[s];
  if (sv.grid_by_year[s]) site.power_lead_months = 0;
  model_view pv = v;
  pv.systems = &sys;
  pv.sites = &site;
  // Test 1 reads the decision year; tests 6-8 are not phase tests (MODEL.md "A phase").
  pv.g.has_year = true;
  pv.g.year = sv.start_year + d;
  pv.g.has_target = false;
  pv.g.has_deadline = false;
  pv.g.has_budget_capex = false;
  pv.g.has_budget_tco = false;
  pv.g.training = false;
  if (cloud) sys.cloud_usd_per_accel_hour = cloud_base * sv.cloud[a * sv.years + d];
  const plan_figures p = evaluate_plan(pv, 0, 0, c, f, m, n);

  phase_figures x;
  x.d = d;
  x.nodes = p.nodes;
  x.accelerators = p.accelerators;
  x.it_kw = p.it_kw;
  x.facility_kw = p.facility_kw;
  x.effective_flops = p.effective_flops;
  x.hw_capex = p.hw_capex;
  x.fac_capex = p.fac_capex;
  x.capex = p.capex;
  x.ready_months = p.ready_months;
  x.tco2_per_year = p.tco2_per_year;
  // on = d + max(0, ceil(ready_months / 12) - 1); life; off = min(years, on + life).
  const double lag = ceil(p.ready_months / 12) - 1;
  x.on = d + (lag > 0 ? static_cast<int>(lag) : 0);
  const int life = cloud ? sv.cloud_term_years : sv.hardware_life_years;
  x.off = x.on + life < sv.years ? x.on + life : sv.years;
  x.reason = p.reason;
  if (x.reason == feasible && x.on >= sv.years) x.reason = reason_deadline;

  // opex(t): build and colo keep the opex of the decision year's prices; a cloud phase pays the
  // rate of period t, cloud_rate = cloud_usd_per_accel_hour * cloud(t), through the model.
  double sum = 0; // MODEL.md: the sum over t starts from 0 and adds in ascending t
  for (int t = 0; t < kMaxScheduleYears; ++t) x.opex[t] = 0;
  for (int t = x.on; t < x.off; ++t) {
    double opex = p.opex_usd_per_year;
    if (cloud) {
      sys.cloud_usd_per_accel_hour = cloud_base * sv.cloud[a * sv.years + t];
      opex = evaluate_plan(pv, 0, 0, c, f, m, n).opex_usd_per_year;
    }
    x.opex[t] = opex;
    sum += opex * sv.df[t + 1];
  }
  const double left = static_cast<double>(sv.years - x.on);
  double salvage = 0;
  if (!cloud) {
    salvage = p.hw_capex * detail::dmax(0.0, 1 - left / sv.hardware_life_years);
    if (build)
      salvage = salvage + p.fac_capex * detail::dmax(0.0, 1 - left / v.g.facility_life_years);
  }
  x.salvage = salvage;
  x.npv_cost = p.capex * sv.df[d] + sum - salvage * sv.df[sv.years];
  x.tco2 = p.tco2_per_year * (x.off - x.on);
  return x;
}

} // namespace dcplan
