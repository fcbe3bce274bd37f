#pragma once
// Portfolios (MODEL.md "Portfolios"): the per-pool frontiers the engine reduces the plan space
// to, and the exact optimizer that combines pools into the cheapest portfolio meeting a target.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dcplan/engine.hpp"
#include "dcplan/frontier.hpp"
#include "dcplan/scenario.hpp"
#include "dcplan/space.hpp"

namespace dcplan {

/// The frontier of every pool: candidates (tests 1-5 and 7, each budget alone) that no plan of
/// their pool dominates, sorted by pool then ranking key.
struct frontier_result {
  std::vector<frontier_rec> items;
  double seconds = 0;
  std::uint64_t evaluated_candidates = 0;  // pruned CPU pass: candidates handed to the sweep
};

/// The figures dominance compares for this scenario (MODEL.md "Portfolios" budgets).
pareto_dims pareto_dims_of(const scenario& sc);

/// Keeps the undominated records of `n` records sorted by pool and ranking key (exact sweep).
std::vector<frontier_rec> sweep_sorted(const frontier_rec* r, std::size_t n, pareto_dims d);

/// Accumulates chunk results into the frontiers and the representatives' table the chunks use.
class frontier_builder {
 public:
  frontier_builder(int pools, pareto_dims d);
  /// Adds one chunk's candidates, sorted by pool and ranking key.
  void add_sorted(const frontier_rec* r, std::size_t n);
  /// The table of pools x kFlopBins representatives (pool -1 where empty), for the next chunk.
  const std::vector<frontier_rec>& reps() const { return reps_; }
  /// The exact frontiers, sorted by pool and ranking key.
  std::vector<frontier_rec> finish();

 private:
  void compact();
  void refresh_reps(const frontier_rec* r, std::size_t n);
  int pools_;
  pareto_dims d_;
  std::vector<frontier_rec> acc_;
  std::size_t compacted_ = 0;
  std::vector<frontier_rec> reps_;
};

/// The frontiers on the CPU (OpenMP policy), on CUDA, or on the backend `kind` names.
frontier_result portfolio_frontier_cpu(const scenario& sc, const plan_space& sp,
                                       const engine_options& opt);
/// The cost frontier (cost_frontier.hpp) by the pruned pass on the CPU (the engine's default).
std::vector<frontier_point> cost_frontier_pruned_cpu(const scenario& sc, const plan_space& sp,
                                                    const engine_options& opt);
frontier_result portfolio_frontier_cuda(const scenario& sc, const plan_space& sp,
                                        const engine_options& opt);
frontier_result portfolio_frontier(const scenario& sc, const plan_space& sp,
                                   const std::string& backend, const engine_options& opt);

/// The frontiers by a plain loop over every plan (a reference for the tests).
std::vector<frontier_rec> portfolio_frontier_reference(const scenario& sc, const plan_space& sp);

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
  std::vector<frontier_rec> items;  // any order; pools are told apart by `pool`
  std::optional<double> capex_budget;
  std::optional<double> tco_budget;
};

struct portfolio_solution {
  bool feasible = false;
  double objective = 0;  // exact sums, rounded once (MODEL.md "Portfolios")
  double capex = 0;
  double tco = 0;
  double flops = 0;
  std::vector<frontier_rec> members;  // in pool order
  std::uint64_t nodes = 0;            // states the optimizer expanded
  std::uint64_t work = 0;             // partial portfolios it examined: states and their children
  /// False when the work limit stopped the search: `feasible` and the figures are then the best
  /// portfolio found (none may have been), and `lower_bound` a proven bound on the optimum.
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

/// True when `a` is strictly better than `b` by MODEL.md's objective (the members' exact sum)
/// and tie-breaks.
bool portfolio_better(const portfolio_solution& a, const portfolio_solution& b);

/// Fractions of the target the cost curve reports (MODEL.md "Portfolios").
inline constexpr double kCostCurveFractions[] = {0.25, 0.5, 0.75, 1.0, 1.5, 2.0};

/// A whole portfolio run: the optimum at the target and the cost curve.
struct portfolio_report {
  portfolio_solution best;
  std::vector<std::optional<double>> cost_curve;  // one per kCostCurveFractions
  /// Per point: nullopt where its optimum is proven; else the point's search stopped at the work
  /// limit, its cost_curve entry is the best found (or nullopt: none found) and this a proven
  /// lower bound on the optimum.
  std::vector<std::optional<double>> cost_curve_bound;
  std::uint64_t frontier_size = 0;
  std::vector<frontier_rec> frontier;  // the pools' frontiers the optimizer searched
  std::uint64_t nodes = 0;  // states the optimizer expanded over every solve
  double frontier_seconds = 0;
  double solve_seconds = 0;   // the optimizer: every point of the cost curve
  double target_seconds = 0;  // from the optimizer's start to the optimum at the target
};

/// Throws input_error when the scenario cannot be a portfolio run (training target, or the
/// ready_months / effective_flops objective).
void check_portfolio_scenario(const scenario& sc);

/// Runs the frontier pass on `backend` ("cpu" or "cuda") and the optimizer.
portfolio_report run_portfolio(const scenario& sc, const plan_space& sp, const std::string& backend,
                               const engine_options& opt);
/// The optimizer's part of run_portfolio: the optimum and the cost curve over frontiers `fr`.
portfolio_report solve_portfolio_report(const scenario& sc, frontier_result fr,
                                        const engine_options& opt);

/// MODEL.md's JSON `portfolio` block: totals, member plan records and the cost curve.
nlohmann::ordered_json portfolio_json(const scenario& sc, const plan_space& sp,
                                      const portfolio_report& rep);
/// The problem over the frontiers `items` as an MILP in CPLEX LP format: a binary x<plan index>
/// per plan, the target row, the budget rows and one row per pool (host/portfolio_milp.cpp).
std::string portfolio_lp(const scenario& sc, const plan_space& sp, const std::vector<frontier_rec>& items,
                         double required);

/// The terminal table of the members with totals, and the cost curve.
std::string portfolio_table(const scenario& sc, const plan_space& sp, const portfolio_report& rep);

}  // namespace dcplan
