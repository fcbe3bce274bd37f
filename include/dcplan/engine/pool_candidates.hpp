#pragma once
// Candidate members of a portfolio (MODEL.md "Portfolios") and the dominance between them, for
// the pool-candidate pass (detail/pareto.hpp) and the optimizer (portfolio.hpp). No Thrust here.
#include <cstdint>
#include <string>
#include <vector>

#include "dcplan/model/macros.hpp"
#include "dcplan/model/model.hpp"
#include "dcplan/model/rank.hpp"
#include "dcplan/engine/cost_frontier.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan {

/// One candidate member of a portfolio: the figures the optimizer uses and its ranking key.
struct pool_candidate {
  int pool;   // site * 3 + sourcing; -1 when the plan is no candidate
  double obj; // the objective's figure (tco, capex or tco2_per_year)
  double capex;
  double tco;
  double flops; // effective FLOP/s
  double ready;
  std::uint64_t index; // the plan's index in the space
};

/// The figures dominance compares besides the objective and FLOP/s: capex and TCO matter only
/// when their budget is set and they are not the objective itself.
struct pareto_dims {
  bool capex;
  bool tco;
};

/// A capacity pool of MODEL.md "Portfolios": one (site, sourcing) pair.
DCPLAN_HD int pool_id(int site, int sourcing) { return site * 3 + sourcing; }

DCPLAN_HD rank_key key_of(const pool_candidate& r) { return {r.obj, r.capex, r.ready, r.index}; }

/// `p` dominates `q` (same pool): no worse on every figure the optimizer uses and ranked before
/// it, so replacing q by p never makes a portfolio worse, nor loses its tie-break.
DCPLAN_HD bool dominates(const pool_candidate& p, const pool_candidate& q, pareto_dims d) {
  return p.flops >= q.flops && p.obj <= q.obj && (!d.capex || p.capex <= q.capex) &&
         (!d.tco || p.tco <= q.tco) && rank_less(key_of(p), key_of(q));
}

/// Bins of log2(FLOP/s) for the representatives' table: 128 a doubling, from 2^40 FLOP/s.
constexpr int kFlopBins = 4096;
DCPLAN_HD int flop_bin(double flops) {
  const double b = floor((log2(flops) - 40.0) * 128.0);
  return b < 0 ? 0 : (b >= kFlopBins ? kFlopBins - 1 : static_cast<int>(b));
}
/// How many bins from a plan's own upward are checked against it.
constexpr int kRepWindow = 4;

namespace detail {

/// The candidate record of a plan of combination `k` (pool -1 when it is no candidate; every
/// candidate in pool 0 with `one_pool`).
DCPLAN_HD pool_candidate make_candidate(const model_view& v, const combo& cb, const plan_figures& p,
                                        std::uint64_t index, bool one_pool) {
  pool_candidate r;
  r.pool = p.near_feasible ? (one_pool ? 0 : pool_id(cb.site, cb.sourcing)) : -1;
  r.obj = objective_key(p, v.g.obj);
  r.capex = p.capex;
  r.tco = p.tco;
  r.flops = p.effective_flops;
  r.ready = p.ready_months;
  r.index = index;
  return r;
}

struct rec_of_plan {
  model_view v;
  space_view sp;
  DCPLAN_HD pool_candidate operator()(std::uint64_t i) const {
    const int k = find_combo(sp, i);
    const combo& cb = sp.combos[k];
    const double n = static_cast<double>(i - sp.starts[k] + 1) * sp.node_step;
    return make_candidate(
        v, cb, evaluate_plan(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing, n), i,
        false);
  }
};

struct pool_then_rank {
  DCPLAN_HD bool operator()(const pool_candidate& x, const pool_candidate& y) const {
    if (x.pool != y.pool) return x.pool < y.pool;
    return rank_less(key_of(x), key_of(y));
  }
};

} // namespace detail

/// The candidates of every pool: candidates (tests 1-5 and 7, each budget alone) that no plan of
/// their pool dominates, sorted by pool then ranking key.
struct pool_candidates_result {
  std::vector<pool_candidate> items;
  double seconds = 0;
  std::uint64_t evaluated_candidates = 0; // pruned CPU pass: candidates handed to the sweep
};

/// The figures dominance compares for this scenario (MODEL.md "Portfolios" budgets).
pareto_dims pareto_dims_of(const scenario& sc);

/// Keeps the undominated records of `n` records sorted by pool and ranking key (exact sweep).
std::vector<pool_candidate> sweep_sorted(const pool_candidate* r, std::size_t n, pareto_dims d);

/// Accumulates chunk results into the pool candidates and the representatives' table the chunks
/// use.
class candidate_builder {
public:
  candidate_builder(int pools, pareto_dims d);
  /// Adds one chunk's candidates, sorted by pool and ranking key.
  void add_sorted(const pool_candidate* r, std::size_t n);
  /// The table of pools x kFlopBins representatives (pool -1 where empty), for the next chunk.
  const std::vector<pool_candidate>& reps() const { return reps_; }
  /// The exact pool candidates, sorted by pool and ranking key.
  std::vector<pool_candidate> finish();

private:
  void compact();
  void refresh_reps(const pool_candidate* r, std::size_t n);
  int pools_;
  pareto_dims d_;
  std::vector<pool_candidate> acc_;
  std::size_t compacted_ = 0;
  std::vector<pool_candidate> reps_;
};

/// The pool candidates on the CPU (OpenMP policy), on CUDA, or on the backend `kind` names.
pool_candidates_result find_pool_candidates_cpu(const scenario& sc, const plan_space& sp,
                                                const engine_options& opt);
/// The cost frontier (cost_frontier.hpp) by the pool candidates' pruned pass on the CPU; the
/// engine's own pruned path finds it with detail/frontier_prune.hpp.
std::vector<frontier_point> cost_frontier_pruned_cpu(const scenario& sc, const plan_space& sp,
                                                     const engine_options& opt);
pool_candidates_result find_pool_candidates_cuda(const scenario& sc, const plan_space& sp,
                                                 const engine_options& opt);
pool_candidates_result find_pool_candidates(const scenario& sc, const plan_space& sp,
                                            backend_kind backend, const engine_options& opt);

/// The pool candidates by a plain loop over every plan (a reference for the tests).
std::vector<pool_candidate> find_pool_candidates_reference(const scenario& sc,
                                                           const plan_space& sp);

} // namespace dcplan
