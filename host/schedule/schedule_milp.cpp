// MODEL.md "A schedule" as an MILP in CPLEX LP format over the reduced candidates: a solver
// given this file has the same optimum as the whole phase space, since every candidate left out
// is dominated by one kept (include/dcplan/schedule/detail/dominance.hpp).
#include <cctype>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "dcplan/schedule/detail/dominance.hpp"
#include "dcplan/schedule/schedule.hpp"

namespace dcplan {
namespace {

// LP-format names take letters, digits and a few signs; a site id's '-' becomes '_'.
std::string lp_name(const std::string& s) {
  std::string o = s;
  for (char& c : o)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return o;
}

// One constraint or the objective, written 200 characters a line at most.
class lp_row {
public:
  explicit lp_row(std::string& out) : out_(out) {}
  void term(double coef, std::uint64_t index) {
    line_ += fmt::format(" + {:.17g} x{}", coef, index);
    ++terms_;
    if (line_.size() > 200) {
      out_ += line_ + "\n";
      line_.clear();
    }
  }
  // Ends the row with `tail` (" >= 1"); a row without terms gets " 0 x0" so that the file
  // still parses (only when there are no candidates, where x0 is then the one variable).
  void finish(const std::string& tail) {
    if (terms_ == 0) line_ += " 0 x0";
    out_ += line_ + tail + "\n";
    line_.clear();
    terms_ = 0;
  }

private:
  std::string& out_;
  std::string line_;
  int terms_ = 0;
};

// The rows of one site limit: (site, sourcing, period) -> the candidates (positions) serving.
using limit_key = std::tuple<int, int, int>;
std::map<limit_key, std::vector<std::size_t>> limit_members(const std::vector<phase>& v) {
  std::map<limit_key, std::vector<std::size_t>> m;
  for (std::size_t j = 0; j < v.size(); ++j)
    for (int t = v[j].fig.on; t < v[j].fig.off; ++t)
      m[{v[j].key.site, v[j].key.sourcing, t}].push_back(j);
  return m;
}

double site_limit(const scenario& sc, int site, int m, int t) {
  const site_rec& r = sc.sites[static_cast<std::size_t>(site)];
  if (m == static_cast<int>(sourcing::build)) {
    const std::vector<double>& by =
        sc.schedule->site_grid_mw_by_year[static_cast<std::size_t>(site)];
    return by.empty() ? r.grid_mw : by[static_cast<std::size_t>(t)];
  }
  return m == static_cast<int>(sourcing::colo) ? r.colo_available_mw : r.cloud_max_accelerators;
}

void write_header(const scenario& sc, const std::vector<phase>& v, std::string& o) {
  const schedule_spec& s = *sc.schedule;
  o += "\\ dcplan schedule problem (MODEL.md \"Schedules: a multi-year build-out\"): one binary\n";
  o += fmt::format("\\ x<phase index> per candidate phase after the exact reduction ({} phases),\n",
                   v.size());
  o += fmt::format("\\ {} periods from {}. Units: objective in {} as dcplan reports it;\n", s.years,
                   s.start_year,
                   sc.obj == objective::carbon ? "tCO2 over the schedule"
                                               : "US dollars (npv_cost, discounted)");
  o += "\\ FLOP/s in PFLOP/s (1e15); capex in millions of US dollars; grid and colo rows in MW\n";
  o += "\\ (facility MW for builds, IT MW for colo); cloud rows in accelerators.\n";
}

} // namespace

std::string schedule_lp(const scenario& sc, const std::vector<phase>& v) {
  const schedule_spec& s = *sc.schedule;
  std::string o;
  write_header(sc, v, o);
  lp_row row(o);
  // The objective: the sum of npv_cost (tco) or tco2 (carbon), as the search minimises.
  o += "Minimize\n obj:";
  for (const phase& p : v) row.term(phase_objective(p, sc.obj), p.index);
  row.finish("");
  o += "Subject To\n";
  // Demand: the FLOP/s of the phases serving t, per period with a demand.
  for (int t = 0; t < s.years; ++t) {
    const double need = s.demand_effective_flops[static_cast<std::size_t>(t)];
    if (!(need > 0)) continue;
    o += fmt::format(" demand_{}:", s.start_year + t);
    for (const phase& p : v)
      if (p.fig.on <= t && t < p.fig.off) row.term(p.fig.effective_flops / 1e15, p.index);
    row.finish(fmt::format(" >= {:.17g}", need / 1e15));
  }
  // Site limits per period: grid (builds), colo hall, cloud accelerators.
  const char* kind[] = {"grid", "colo", "cloud"};
  for (const auto& [key, members] : limit_members(v)) {
    const auto [site, m, t] = key;
    o += fmt::format(" {}_{}_{}:", kind[m], lp_name(sc.site_meta[site].id), s.start_year + t);
    for (std::size_t j : members) row.term(detail::phase_use(v[j]), v[j].index);
    row.finish(fmt::format(" <= {:.17g}", site_limit(sc, site, m, t)));
  }
  // Capex budget per decision period, when set.
  if (s.capex_budget)
    for (int d = 0; d < s.years; ++d) {
      bool any = false;
      for (const phase& p : v) any = any || p.fig.d == d;
      if (!any) continue;
      o += fmt::format(" capex_{}:", s.start_year + d);
      for (const phase& p : v)
        if (p.fig.d == d) row.term(p.fig.capex / 1e6, p.index);
      row.finish(fmt::format(" <= {:.17g}", (*s.capex_budget)[static_cast<std::size_t>(d)] / 1e6));
    }
  // At most one phase per pool (site, sourcing, d).
  std::map<limit_key, std::vector<std::size_t>> pools;
  for (std::size_t j = 0; j < v.size(); ++j)
    pools[{v[j].fig.d, v[j].key.site, v[j].key.sourcing}].push_back(j);
  for (const auto& [key, members] : pools) {
    const auto [d, site, m] = key;
    o += fmt::format(" pool_{}_{}_{}:", lp_name(sc.site_meta[site].id),
                     to_string(static_cast<sourcing>(m)), s.start_year + d);
    for (std::size_t j : members) row.term(1, v[j].index);
    row.finish(" <= 1");
  }
  o += "Binaries\n";
  for (const phase& p : v) o += fmt::format(" x{}\n", p.index);
  if (v.empty()) o += " x0\n";
  o += "End\n";
  // What each variable is: the decision year and the plan, in the form `dcplan explain --plan`
  // takes.
  for (const phase& p : v)
    o += fmt::format(
        "\\ x{}: decided {}, serving {}..{}: site={},system={},cooling={},fabric={},sourcing={},"
        "nodes={:.17g}\n",
        p.index, s.start_year + p.fig.d, s.start_year + p.fig.on, s.start_year + p.fig.off - 1,
        sc.site_meta[p.key.site].id, sc.system_meta[p.key.system].id,
        p.key.cooling < 0 ? "-" : sc.cooling_meta[p.key.cooling].id,
        sc.fabric_meta[p.key.fabric].id, to_string(static_cast<sourcing>(p.key.sourcing)),
        p.key.nodes);
  return o;
}

} // namespace dcplan
