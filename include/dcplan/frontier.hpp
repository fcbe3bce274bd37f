#pragma once
// Candidate members of a portfolio (MODEL.md "Portfolios") and the dominance between them, for
// the frontier pass (detail/pareto.hpp) and the optimizer (portfolio.hpp). No Thrust here.
#include <cstdint>

#include "dcplan/macros.hpp"
#include "dcplan/model.hpp"
#include "dcplan/rank.hpp"
#include "dcplan/space.hpp"

namespace dcplan {

/// One candidate member of a portfolio: the figures the optimizer uses and its ranking key.
struct frontier_rec {
  int pool;  // site * 3 + sourcing; -1 when the plan is no candidate
  double obj;  // the objective's figure (tco, capex or tco2_per_year)
  double capex;
  double tco;
  double flops;  // effective FLOP/s
  double ready;
  std::uint64_t index;  // the plan's index in the space
};

/// The figures dominance compares besides the objective and FLOP/s: capex and TCO matter only
/// when their budget is set and they are not the objective itself.
struct pareto_dims {
  bool capex;
  bool tco;
};

/// A capacity pool of MODEL.md "Portfolios": one (site, sourcing) pair.
DCPLAN_HD int pool_id(int site, int sourcing) { return site * 3 + sourcing; }

DCPLAN_HD rank_key key_of(const frontier_rec& r) { return {r.obj, r.capex, r.ready, r.index}; }

/// `p` dominates `q` (same pool): no worse on every figure the optimizer uses and ranked before
/// it, so replacing q by p never makes a portfolio worse, nor loses its tie-break.
DCPLAN_HD bool dominates(const frontier_rec& p, const frontier_rec& q, pareto_dims d) {
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
DCPLAN_HD frontier_rec candidate_rec(const model_view& v, const combo& cb, const plan_figures& p,
                                     std::uint64_t index, bool one_pool) {
  frontier_rec r;
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
  DCPLAN_HD frontier_rec operator()(std::uint64_t i) const {
    const int k = find_combo(sp, i);
    const combo& cb = sp.combos[k];
    const double n = static_cast<double>(i - sp.starts[k] + 1) * sp.node_step;
    return candidate_rec(v, cb, evaluate_plan(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing, n), i,
                         false);
  }
};

struct pool_then_rank {
  DCPLAN_HD bool operator()(const frontier_rec& x, const frontier_rec& y) const {
    if (x.pool != y.pool) return x.pool < y.pool;
    return rank_less(key_of(x), key_of(y));
  }
};

}  // namespace detail
}  // namespace dcplan
