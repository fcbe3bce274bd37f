// The exact search's set-up and passes (see dcplan/portfolio/detail/search.hpp): preparing the
// bounds, first incumbents, reduced-cost fixing and the cutoff passes of a binding budget.
#include "dcplan/portfolio/detail/search.hpp"

#include <algorithm>
#include <utility>

#include "dcplan/portfolio/detail/prices.hpp"

namespace dcplan::detail {

dominance_search::dominance_search(const portfolio_problem& p, double required,
                                   const std::atomic<bool>* cancel, search_config cfg)
    : p_(p), required_(required), cancel_(cancel), cfg_(std::move(cfg)) {
  pools_ = make_pools(p.items);
  qa_ = quanta(p.items.begin(), p.items.end(), pools_.size());
  req_ = wide_ceil(required, qa_.q[kFlops]);
  if (cfg_.by_budget) order_by_budget(pools_, p_);
  // A budget on the objective's own figure caps the objective of every feasible portfolio.
  if (p.capex_budget && is_objective(pools_, &pool_candidate::capex))
    cap_ = std::min(cap_, *p.capex_budget);
  if (p.tco_budget && is_objective(pools_, &pool_candidate::tco))
    cap_ = std::min(cap_, *p.tco_budget);
  // Prepared at no prices first, as every search is: the plans' order after it is the order
  // that ties keep when the pools are prepared again at the given prices (run).
  prepare_all();
  if (cfg_.prices) {
    prices_ = cfg_.prices->prices;
    knap_.set_lambda(cfg_.prices->knap_lambda);
  }
}

void dominance_search::prepare_all() {
  for (pool_data& d : pools_) prepare_pool(d, prices_, qa_);
  const std::size_t k = pools_.size();
  lp_.build(pools_, p_, prices_);
  priced_lp_.build(pools_, p_, prices_);
  more_.assign(k + 1, {});
  for (std::size_t i = 0; i <= k; ++i) {
    std::vector<double> fmax;
    for (std::size_t j = i; j < k; ++j) fmax.push_back(pools_[j].h_obj.f.back());
    std::sort(fmax.rbegin(), fmax.rend());
    more_[i].push_back(0);
    for (double f : fmax) more_[i].push_back(more_[i].back() + f);
  }
  knap_.build(pools_, p_, required_, prices_, lp_.objective(0));
  cover_.build(pools_, required_, prices_);
  least_key_.assign(pools_.size() + 1, std::nullopt);
  for (std::size_t i = pools_.size(); i-- > 0;) {
    least_key_[i] = least_key_[i + 1];
    for (const pool_candidate& r : pools_[i].items)
      if (!least_key_[i] || rank_less(key_of(r), *least_key_[i])) least_key_[i] = key_of(r);
  }
  last_.build(pools_, p_, required_);
}

portfolio_solution dominance_search::run(const std::vector<pool_candidate>& seed) {
  if (!seed.empty()) offer(evaluate_members(seed, p_, required_));
  if (required_ > 0 && !pools_.empty() && settle_root()) return finish();
  search(0);
  return finish();
}

portfolio_solution dominance_search::finish() {
  best_.nodes = nodes_;
  return best_;
}

// Everything before the exact pass over every state: prices, first incumbents, reduced-cost
// fixing and the cutoff passes. Returns whether the search is over (else the exact pass runs).
bool dominance_search::settle_root() {
  // A root that the bounds at no prices already rule out (say a budget on the objective's own
  // figure below the least the target costs): no portfolio beats the incumbent, or none is
  // feasible, and no prices need be chosen.
  if (!cfg_.prices && !alive(0, root_state())) {
    lower_ = best_.feasible ? best_.objective : kInf;
    return true;
  }
  if (!cfg_.prices) prices_ = choose_prices(pools_, p_, required_);
  const bool priced = prices_.mu_c > 0 || prices_.mu_t > 0;
  if (priced) prepare_all();
  lower_ = root_bound();
  if (cfg_.cutoff < kInf) { // a cutoff pass: no incumbent is needed to prune
    reduce();
    prepare_all();
    search(0);
    return true;
  }
  if (cfg_.heuristics) round_lp();
  if (best_.feasible && reduce()) prepare_all();
  // A narrow pass first (the best states by bound at each stage) for a close incumbent, which
  // the reduction and the exact pass then use.
  if (cfg_.heuristics && !done()) {
    search(kBeam);
    if (best_.feasible && reduce()) prepare_all();
  }
  if (!best_.feasible && cfg_.first_incumbent && spend_limit() && find_first_incumbent())
    return true;
  if (done()) return true;
  return cfg_.staged && priced && solve_staged();
}

// A first incumbent from the search on a budget's figure (search_config::first_incumbent).
// Returns whether that search ends this one: stopped, or proved the problem infeasible.
bool dominance_search::find_first_incumbent() {
  const first_result f = cfg_.first_incumbent(work_left());
  nodes_ += f.nodes;
  work_ += f.work;
  stopped_ = stopped_ || f.stopped;
  limited_ = limited_ || f.limited;
  if (f.stopped || f.infeasible) return true;
  offer(evaluate_members(f.members, p_, required_));
  if (best_.feasible && reduce()) prepare_all();
  return false;
}

// The root's bound: the best of the LP's, the budget bound's and the target bound's.
double dominance_search::root_bound() const {
  return std::max({lp_.objective(0).at(required_) - prices_.priced, knap_.root(), cover_.root()});
}

// With a binding budget the incumbent can stay far above the optimum for most of the search,
// and the bounds prune little against it. So the search runs as exact passes that keep only
// portfolios at or below a cutoff, raised from the root bound towards the incumbent (the last
// cutoff is the incumbent itself). Every portfolio at or below a pass's cutoff survives its
// pruning, so the first pass that finds one has found the optimum, ties broken as in a full
// search; the passes before it, with tighter cutoffs, cost little. The passes take the pools
// that spend the least budget per FLOP/s first (order_by_budget), which keeps near-copies
// together and partial portfolios comparable. Returns whether the optimum was found (false
// only when stopped).
bool dominance_search::solve_staged() {
  const double root = root_bound();
  if (!best_.feasible || !(root < best_.objective)) return false;
  const double gap = best_.objective - root;
  for (const double share : kCutoffs) {
    if (!spend_limit()) return false;
    search_config pass;
    pass.heuristics = cfg_.heuristics;
    pass.by_budget = true;
    pass.staged = false;
    pass.cutoff = share < 1 ? std::min(root + share * gap, best_.objective) : best_.objective;
    pass.prices = pass_prices{prices_, knap_.lambda()};
    pass.work_limit = work_left();
    const double cut = pass.cutoff;
    dominance_search d(p_, required_, cancel_, std::move(pass));
    portfolio_solution s = d.run({});
    nodes_ += s.nodes;
    work_ += d.work();
    if (d.stopped()) {
      stopped_ = true;
      limited_ = limited_ || d.limited();
      offer(std::move(s));
      return false;
    }
    const bool found = s.feasible && s.objective <= cut;
    offer(std::move(s)); // a portfolio above the cutoff may still be a better incumbent
    if (found) return true;
    lower_ = std::max(lower_, cut); // no feasible portfolio is at or below it
  }
  return false;
}

// A first incumbent: the LP's solution with its fractional pool rounded up to the next vertex
// of that pool's hull.
void dominance_search::round_lp() {
  std::vector<slope_segment> segs;
  merge_by_slope(
      pools_.size(), [&](std::size_t i) -> const hull& { return pools_[i].h_obj; },
      slope_ties::pool_order, segs);
  std::vector<std::size_t> vertex(pools_.size(), 0);
  double f = 0;
  for (const slope_segment& g : segs) {
    if (f >= required_) break;
    f += g.df;
    vertex[g.pool] = g.k;
  }
  std::vector<pool_candidate> m;
  for (std::size_t i = 0; i < pools_.size(); ++i)
    if (vertex[i] > 0) m.push_back(pools_[i].items[pools_[i].h_obj.pos[vertex[i]]]);
  offer(evaluate_members(std::move(m), p_, required_));
}

// Reduced-cost fixing against the incumbent or cutoff (prices.hpp). Returns whether anything
// was removed.
bool dominance_search::reduce() {
  return reduce_pools(pools_, lp_.objective(0), prices_, required_, has_limit(), limit());
}

void dominance_search::offer(portfolio_solution s) {
  if (!s.feasible || !portfolio_better(s, best_)) return;
  best_ = std::move(s);
  best_keys_.clear();
  for (const pool_candidate& r : best_.members) best_keys_.push_back(key_of(r));
  std::sort(best_keys_.begin(), best_keys_.end(), rank_less);
}

// Before a search of its own (a cutoff pass, the first incumbent's): whether work is left under
// the limit; if none, the search stops here.
bool dominance_search::spend_limit() {
  if (cfg_.work_limit > 0 && work_ >= cfg_.work_limit) stopped_ = limited_ = true;
  return !stopped_;
}

} // namespace dcplan::detail
