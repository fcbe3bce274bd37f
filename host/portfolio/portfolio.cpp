// The portfolio optimizer's driver (MODEL.md "Portfolios"): solve_portfolio configures the
// exact search (host/portfolio/search.cpp) and the search for a first incumbent; the report
// solves the target and the cost curve. The search's stages each have their own file: exact
// sums, hulls and LP bounds, prices and reduced costs, one file per bound, the expansion and
// dominance.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iterator>
#include <optional>

#include <omp.h>

#include "dcplan/model/errors.hpp"
#include "dcplan/portfolio/detail/max_flops.hpp"
#include "dcplan/portfolio/detail/search.hpp"
#include "dcplan/portfolio/portfolio.hpp"

namespace dcplan {

using detail::kInf;

namespace {

// The search on a budget's own figure (objective := fig), which the budget then caps: it stops
// at the first feasible portfolio (same constraints), a first incumbent, or proves the problem
// infeasible. Its members are returned as the records of `p`.
detail::first_result first_incumbent(const portfolio_problem& p, double required,
                                     const std::atomic<bool>* cancel, double pool_candidate::*fig,
                                     bool heuristics, std::uint64_t limit) {
  portfolio_problem q = p;
  for (pool_candidate& r : q.items) r.obj = r.*fig;
  detail::search_config cfg;
  cfg.heuristics = heuristics;
  cfg.stop_at_first = true;
  cfg.work_limit = limit;
  detail::dominance_search first_dp(q, required, cancel, std::move(cfg));
  const portfolio_solution s = first_dp.run({});
  detail::first_result f;
  f.nodes = s.nodes;
  f.stopped = first_dp.stopped();
  f.limited = first_dp.limited();
  f.work = first_dp.work();
  f.infeasible = !f.stopped && !s.feasible;
  for (const pool_candidate& m : s.members)
    for (const pool_candidate& r : p.items)
      if (r.index == m.index && r.pool == m.pool) {
        f.members.push_back(r);
        break;
      }
  return f;
}

// The points of the cost or budget curve, one solve per fraction of kCostCurveFractions by
// `solve(fraction, options)`. The solves are independent: one per thread, each exact and
// deterministic. The target's own solve (fraction 1) starts first, and its time from the start
// is the time to the optimum; every other point gets the curve's work limit. Moves `p.items`
// into `rep.candidates` when done.
template <class Solve>
void solve_curve(portfolio_report& rep, portfolio_problem& p, const engine_options& opt,
                 const portfolio_options& popt, Solve solve) {
  const auto t0 = std::chrono::steady_clock::now();
  constexpr int kPoints = static_cast<int>(std::size(kCostCurveFractions));
  std::vector<portfolio_solution> sol(kPoints);
  std::vector<int> order;
  for (int k = 0; k < kPoints; ++k)
    if (kCostCurveFractions[k] == 1.0)
      order.insert(order.begin(), k);
    else
      order.push_back(k);
  const int threads = opt.threads > 0 ? opt.threads : omp_get_num_procs();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int n = 0; n < kPoints; ++n) {
    const int k = order[static_cast<std::size_t>(n)];
    if (opt.cancel && opt.cancel->load()) continue;
    portfolio_search_options o;
    if (kCostCurveFractions[k] != 1.0) o.work_limit = popt.curve_work_limit;
    sol[k] = solve(kCostCurveFractions[k], o);
    if (kCostCurveFractions[k] == 1.0)
      rep.target_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
  for (int k = 0; k < kPoints; ++k) {
    rep.nodes += sol[k].nodes;
    rep.cost_curve.push_back(sol[k].feasible ? std::optional<double>(sol[k].objective)
                                             : std::nullopt);
    rep.cost_curve_bound.push_back(sol[k].proven ? std::nullopt
                                                 : std::optional<double>(sol[k].lower_bound));
    if (kCostCurveFractions[k] == 1.0) rep.best = std::move(sol[k]);
  }
  rep.candidates = std::move(p.items);
  rep.solve_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// MODEL.md "Portfolios" under the effective_flops objective: the optimum within the budgets and
// the budget curve, the optimum within the budgets scaled together by each fraction. `fr` holds
// the candidates of the largest scale (portfolio_candidate_scenario); each point's search keeps
// those within its own budgets.
portfolio_report solve_budget_curve(const scenario& sc, pool_candidates_result fr,
                                    const engine_options& opt, const portfolio_options& popt) {
  portfolio_report rep;
  rep.candidates_seconds = fr.seconds;
  rep.candidate_count = fr.items.size();
  portfolio_problem p;
  p.items = std::move(fr.items);
  solve_curve(rep, p, opt, popt, [&](double scale, const portfolio_search_options& o) {
    portfolio_problem q;
    q.items = p.items;
    if (sc.budget_capex_usd) q.capex_budget = *sc.budget_capex_usd * scale;
    if (sc.budget_tco_usd) q.tco_budget = *sc.budget_tco_usd * scale;
    return solve_portfolio_max_flops(q, opt.cancel, o);
  });
  return rep;
}

} // namespace

portfolio_solution solve_portfolio(const portfolio_problem& p, double required,
                                   const std::atomic<bool>* cancel,
                                   const portfolio_search_options& o) {
  // A budget that may bind can leave the search without an incumbent for long (every
  // portfolio it meets over the budget). So when the heuristics find none, a search on that
  // budget's own figure gives a first incumbent (first_incumbent).
  const std::vector<detail::pool_data> pools = detail::make_pools(p.items);
  double pool_candidate::*first = nullptr;
  if (detail::may_bind(pools, p.tco_budget, &pool_candidate::tco))
    first = &pool_candidate::tco;
  else if (detail::may_bind(pools, p.capex_budget, &pool_candidate::capex))
    first = &pool_candidate::capex;
  detail::search_config cfg;
  cfg.heuristics = o.heuristics;
  cfg.work_limit = o.work_limit;
  if (first != nullptr && std::any_of(p.items.begin(), p.items.end(),
                                      [&](const pool_candidate& r) { return r.obj != r.*first; }))
    cfg.first_incumbent = [&p, required, cancel, first, &o](std::uint64_t limit) {
      return first_incumbent(p, required, cancel, first, o.heuristics, limit);
    };
  detail::dominance_search dp(p, required, cancel, std::move(cfg));
  portfolio_solution s = dp.run({});
  s.work = dp.work();
  // Stopped at the work limit: the best found and a lower bound, unless the root's bound itself
  // proves no portfolio feasible.
  if (dp.limited() && !(!s.feasible && dp.lower_bound() == kInf)) {
    s.proven = false;
    s.lower_bound = s.feasible ? std::min(dp.lower_bound(), s.objective) : dp.lower_bound();
  }
  return s;
}

portfolio_solution solve_portfolio_brute_force(const portfolio_problem& p, double required) {
  std::vector<std::vector<pool_candidate>> pools;
  std::vector<pool_candidate> items = p.items;
  std::sort(items.begin(), items.end(), detail::pool_then_rank{});
  for (const auto& r : items) {
    if (pools.empty() || pools.back()[0].pool != r.pool) pools.emplace_back();
    pools.back().push_back(r);
  }
  portfolio_solution best;
  std::vector<pool_candidate> chosen;
  std::uint64_t visited = 0;
  auto rec = [&](auto&& self, std::size_t i) -> void {
    ++visited;
    if (i == pools.size()) {
      portfolio_solution s = detail::evaluate_members(chosen, p, required);
      if (s.feasible && portfolio_better(s, best)) best = std::move(s);
      return;
    }
    self(self, i + 1);
    for (const auto& r : pools[i]) {
      chosen.push_back(r);
      self(self, i + 1);
      chosen.pop_back();
    }
  };
  rec(rec, 0);
  best.nodes = visited;
  return best;
}

portfolio_solution solve_portfolio_max_flops(const portfolio_problem& p,
                                             const std::atomic<bool>* cancel,
                                             const portfolio_search_options& o) {
  detail::max_flops_config cfg;
  cfg.work_limit = o.work_limit;
  cfg.cancel = cancel;
  return detail::max_flops_search(p, cfg).run();
}

portfolio_solution solve_portfolio_max_flops_brute_force(const portfolio_problem& p) {
  return detail::max_flops_brute_force(p);
}

void check_portfolio_scenario(const scenario& sc) {
  std::string field;
  const std::string why = portfolio_ineligibility(sc, &field);
  if (!why.empty()) throw input_error(sc.file, 0, 0, field, why);
}

portfolio_report run_portfolio(const scenario& sc, const plan_space& sp, backend_kind backend,
                               const engine_options& opt, const portfolio_options& popt) {
  check_portfolio_scenario(sc);
  return solve_portfolio_report(
      sc, find_pool_candidates(portfolio_candidate_scenario(sc), sp, backend, opt), opt, popt);
}

scenario portfolio_candidate_scenario(const scenario& sc) {
  scenario wide = sc;
  if (sc.obj != objective::effective_flops) return wide;
  const double top =
      *std::max_element(std::begin(kCostCurveFractions), std::end(kCostCurveFractions));
  if (wide.budget_capex_usd) *wide.budget_capex_usd *= top;
  if (wide.budget_tco_usd) *wide.budget_tco_usd *= top;
  return wide;
}

portfolio_report solve_portfolio_report(const scenario& sc, pool_candidates_result fr,
                                        const engine_options& opt, const portfolio_options& popt) {
  if (sc.obj == objective::effective_flops) return solve_budget_curve(sc, std::move(fr), opt, popt);
  portfolio_report rep;
  rep.candidates_seconds = fr.seconds;
  rep.candidate_count = fr.items.size();
  portfolio_problem p;
  p.items = std::move(fr.items);
  p.capex_budget = sc.budget_capex_usd;
  p.tco_budget = sc.budget_tco_usd;
  const double required = sc.globals().required_effective_flops;
  solve_curve(rep, p, opt, popt, [&](double fraction, const portfolio_search_options& o) {
    return solve_portfolio(p, required * fraction, opt.cancel, o);
  });
  return rep;
}

} // namespace dcplan
