// The portfolio problem as an MILP in CPLEX LP format (MODEL.md "Portfolios"), over the pools'
// pool candidates: a solver given this file has the same optimum as the whole plan space, since
// every plan left out is dominated by one kept (detail/pareto_prune.hpp).
#include <fmt/format.h>

#include "dcplan/portfolio/portfolio.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan {

std::string portfolio_lp(const scenario& sc, const plan_space& sp,
                         const std::vector<pool_candidate>& items, double required) {
  std::vector<pool_candidate> v = items;
  std::sort(v.begin(), v.end(), detail::pool_then_rank{});
  std::string o;
  o += "\\ dcplan portfolio problem (MODEL.md \"Portfolios\"), one binary x<plan index> per plan\n";
  o += fmt::format("\\ of each pool's candidates ({} plans). Units: objective in {} as dcplan\n",
                   v.size(),
                   sc.obj == objective::carbon            ? "tCO2 per year"
                   : sc.obj == objective::effective_flops ? "PFLOP/s (1e15 FLOP/s)"
                                                          : "US dollars");
  o += "\\ reports it; FLOP/s in PFLOP/s (1e15); capex and TCO in millions of US dollars.\n";
  // Under effective_flops (MODEL.md "Portfolios") the summed FLOP/s is maximised within the
  // budgets, with no target and at least one member.
  const bool max_flops = sc.obj == objective::effective_flops;
  o += fmt::format("\\ objective: {}; target: {:.17g} FLOP/s\n", to_string(sc.obj), required);
  o += max_flops ? "Maximize\n obj:" : "Minimize\n obj:";
  std::string line;
  const auto term = [&](double coef, std::uint64_t index) {
    line += fmt::format(" + {:.17g} x{}", coef, index);
    if (line.size() > 200) {
      o += line + "\n";
      line.clear();
    }
  };
  const auto flush = [&](const std::string& tail) {
    o += line + tail + "\n";
    line.clear();
  };
  for (const pool_candidate& r : v) term(max_flops ? r.flops / 1e15 : r.obj, r.index);
  if (v.empty()) line += " 0 x0";
  flush("");
  o += "Subject To\n";
  if (max_flops) {
    o += " members:";
    for (const pool_candidate& r : v) term(1, r.index);
    if (v.empty()) line += " 0 x0";
    flush(" >= 1");
  } else {
    o += " target:";
    for (const pool_candidate& r : v) term(r.flops / 1e15, r.index);
    if (v.empty()) line += " 0 x0";
    flush(fmt::format(" >= {:.17g}", required / 1e15));
  }
  if (sc.budget_capex_usd && !v.empty()) {
    o += " capex:";
    for (const pool_candidate& r : v) term(r.capex / 1e6, r.index);
    flush(fmt::format(" <= {:.17g}", *sc.budget_capex_usd / 1e6));
  }
  if (sc.budget_tco_usd && !v.empty()) {
    o += " tco:";
    for (const pool_candidate& r : v) term(r.tco / 1e6, r.index);
    flush(fmt::format(" <= {:.17g}", *sc.budget_tco_usd / 1e6));
  }
  for (std::size_t b = 0; b < v.size();) {
    std::size_t e = b;
    const int pool = v[b].pool;
    o += fmt::format(" pool_{}_{}:", sc.site_meta[static_cast<std::size_t>(pool / 3)].id,
                     to_string(static_cast<sourcing>(pool % 3)));
    for (; e < v.size() && v[e].pool == pool; ++e) term(1, v[e].index);
    flush(" <= 1");
    b = e;
  }
  o += "Binaries\n";
  for (const pool_candidate& r : v) o += fmt::format(" x{}\n", r.index);
  if (v.empty()) o += " x0\n";
  o += "End\n";
  // What each variable is, in the form `dcplan explain --plan` takes.
  for (const pool_candidate& r : v) {
    const plan_ref p = plan_of_index(sp, r.index);
    o += fmt::format("\\ x{}: site={},system={},cooling={},fabric={},sourcing={},nodes={:.17g}\n",
                     r.index, sc.site_meta[p.site].id, sc.system_meta[p.system].id,
                     p.cooling < 0 ? "-" : sc.cooling_meta[p.cooling].id,
                     sc.fabric_meta[p.fabric].id, to_string(static_cast<sourcing>(p.sourcing)),
                     p.nodes);
  }
  return o;
}

} // namespace dcplan
