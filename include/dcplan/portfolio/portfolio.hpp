#pragma once
// Portfolios (MODEL.md "Portfolios"): the pool candidates the engine reduces the plan space
// to, and the exact optimizer that combines pools into the cheapest portfolio meeting a target.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dcplan/engine/engine.hpp"
#include "dcplan/engine/pool_candidates.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan {

/// How solve_portfolio searches; every setting gives the same optimum.
struct portfolio_search_options {
  /// First incumbents from heuristics: the LP's solution rounded up, and a narrow beam pass.
  /// Off, the exact search alone finds the optimum: slower, but on problems small enough for
  /// the beam to find the optimum itself the tests turn them off to check the exact search's
  /// bounds and dominance.
  bool heuristics = true;
  /// Stop after examining this many partial portfolios (portfolio_solution::work; 0: never).
  /// The count is deterministic, so a limited solve gives the same result on every machine; it
  /// is then the best portfolio found, not proven optimal (portfolio_solution::proven).
  std::uint64_t work_limit = 0;
};

/// The optimizer's input: the candidate records of each pool, and the budgets.
struct portfolio_problem {
  std::vector<pool_candidate> items; // any order; pools are told apart by `pool`
  std::optional<double> capex_budget;
  std::optional<double> tco_budget;
};

struct portfolio_solution {
  bool feasible = false;
  double objective = 0; // exact sums, rounded once (MODEL.md "Portfolios")
  double capex = 0;
  double tco = 0;
  double flops = 0;
  std::vector<pool_candidate> members; // in pool order
  std::uint64_t nodes = 0;             // states the optimizer expanded
  std::uint64_t work = 0;              // partial portfolios it examined: states and their children
  /// False when the work limit stopped the search: `feasible` and the figures are then the best
  /// portfolio found (none may have been), and `lower_bound` a proven bound on the optimum (under
  /// the effective_flops objective, which maximises, a bound from above: the optimum's FLOP/s is
  /// at most it).
  bool proven = true;
  double lower_bound = 0;
};

/// The exact optimum of MODEL.md "Portfolios" for `required` FLOP/s: at most one member per pool,
/// summed FLOP/s >= required, summed capex and TCO within budget, minimum summed objective; ties
/// to fewer members, then to the members' ranking keys sorted and compared in order. Sums are
/// exact (compared as true sums, reported rounded once). When `cancel` is set during the search,
/// returns early with an incomplete result (the caller reports the interruption).
portfolio_solution solve_portfolio(const portfolio_problem& p, double required,
                                   const std::atomic<bool>* cancel = nullptr,
                                   const portfolio_search_options& o = {});

/// The same optimum by enumerating every portfolio (small problems only; for the tests).
portfolio_solution solve_portfolio_brute_force(const portfolio_problem& p, double required);

/// MODEL.md "Portfolios" under the effective_flops objective: at most one member per pool, at
/// least one member, summed capex and TCO within the budgets that are set, the greatest summed
/// effective FLOP/s (the solution's `objective`, an exact sum rounded once); ties to fewer
/// members, then to the members' ranking keys sorted and compared in order. `p.items` hold the
/// effective_flops objective's figure (obj = -flops). Infeasible when no plan fits the budgets.
portfolio_solution solve_portfolio_max_flops(const portfolio_problem& p,
                                             const std::atomic<bool>* cancel = nullptr,
                                             const portfolio_search_options& o = {});

/// The same optimum by enumerating every portfolio (small problems only; for the tests).
portfolio_solution solve_portfolio_max_flops_brute_force(const portfolio_problem& p);

/// True when `a` is strictly better than `b` by MODEL.md's objective (the members' exact sum)
/// and tie-breaks.
bool portfolio_better(const portfolio_solution& a, const portfolio_solution& b);

inline constexpr std::uint64_t kDefaultCurveWorkLimit = 50000000;

/// How a portfolio run searches, beside the engine's options for its pool-candidate pass.
struct portfolio_options {
  /// The partial portfolios the search for each cost-curve point other than the target may
  /// examine before it stops with the best portfolio found and a lower bound (0: no limit; the
  /// target's own optimum is always proven). Deterministic, unlike a time limit.
  std::uint64_t curve_work_limit = kDefaultCurveWorkLimit;
};

/// Fractions of the target the cost curve reports (MODEL.md "Portfolios"); under the
/// effective_flops objective, the scales of the budgets the budget curve reports.
inline constexpr double kCostCurveFractions[] = {0.25, 0.5, 0.75, 1.0, 1.5, 2.0};

/// A whole portfolio run: the optimum at the target and the cost curve.
struct portfolio_report {
  portfolio_solution best;
  /// One per kCostCurveFractions: the optimal objective (under effective_flops, the budget
  /// curve: the most summed FLOP/s within the budgets scaled by the fraction).
  std::vector<std::optional<double>> cost_curve;
  /// Per point: nullopt where its optimum is proven; else the point's search stopped at the work
  /// limit, its cost_curve entry is the best found (or nullopt: none found) and this a proven
  /// lower bound on the optimum (under effective_flops, an upper bound).
  std::vector<std::optional<double>> cost_curve_bound;
  std::uint64_t candidate_count = 0;
  std::vector<pool_candidate> candidates; // the pool candidates the optimizer searched
  std::uint64_t nodes = 0;                // states the optimizer expanded over every solve
  double candidates_seconds = 0;
  double solve_seconds = 0;  // the optimizer: every point of the cost curve
  double target_seconds = 0; // from the optimizer's start to the optimum at the target
};

/// Throws input_error when the scenario cannot be a portfolio run (training target, the
/// ready_months objective, no fleet target, or the effective_flops objective without a budget).
void check_portfolio_scenario(const scenario& sc);

/// The scenario the pool-candidate pass runs on: `sc` itself, except under the effective_flops
/// objective, where the budgets are scaled by the budget curve's largest fraction so that the
/// candidates of every point of the curve are found (dominance does not depend on the budgets'
/// values; each point keeps the candidates within its own budgets).
scenario portfolio_candidate_scenario(const scenario& sc);

/// Runs the pool-candidate pass on `backend` ("cpu" or "cuda") and the optimizer.
portfolio_report run_portfolio(const scenario& sc, const plan_space& sp, backend_kind backend,
                               const engine_options& opt, const portfolio_options& popt = {});
/// The optimizer's part of run_portfolio: the optimum and the cost curve over pool candidates `fr`.
portfolio_report solve_portfolio_report(const scenario& sc, pool_candidates_result fr,
                                        const engine_options& opt,
                                        const portfolio_options& popt = {});

/// The problem over the pool candidates `items` as an MILP in CPLEX LP format: a binary x<plan
/// index> per plan, the target row, the budget rows and one row per pool (host/portfolio_milp.cpp).
std::string portfolio_lp(const scenario& sc, const plan_space& sp,
                         const std::vector<pool_candidate>& items, double required);

} // namespace dcplan
