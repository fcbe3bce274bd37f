// The portfolio under the effective_flops objective: the multiple-choice knapsack's exact branch
// and bound and its enumeration (see dcplan/portfolio/detail/max_flops.hpp).
#include "dcplan/portfolio/detail/max_flops.hpp"

#include <algorithm>
#include <map>

namespace dcplan::detail {

namespace {

// Each pool's plans that fit every budget set on their own, grouped by pool in pool order.
std::vector<std::vector<pool_candidate>> fitting_pools(const portfolio_problem& p) {
  std::map<int, std::vector<pool_candidate>> by_pool;
  for (const pool_candidate& r : p.items) {
    if (p.capex_budget && r.capex > *p.capex_budget) continue;
    if (p.tco_budget && r.tco > *p.tco_budget) continue;
    by_pool[r.pool].push_back(r);
  }
  std::vector<std::vector<pool_candidate>> out;
  out.reserve(by_pool.size());
  for (auto& [pool, v] : by_pool) out.push_back(std::move(v));
  return out;
}

bool key_before(const pool_candidate& a, const pool_candidate& b) {
  return rank_less(key_of(a), key_of(b));
}

// The single fitting plan of least ranking key: the optimum when no fitting plan has FLOP/s.
portfolio_solution best_single(const std::vector<std::vector<pool_candidate>>& pools,
                               const portfolio_problem& p) {
  const pool_candidate* best = nullptr;
  for (const auto& v : pools)
    for (const pool_candidate& r : v)
      if (best == nullptr || key_before(r, *best)) best = &r;
  if (best == nullptr) return {};
  portfolio_solution s = evaluate_members({*best}, p, 0.0);
  s.objective = s.flops;
  return s;
}

} // namespace

void flops_budget_bound::build(const std::vector<std::vector<pool_candidate>>& pools,
                               double pool_candidate::*cost) {
  std::vector<hull> hulls(pools.size());
  std::vector<const hull*> ptrs;
  for (std::size_t i = 0; i < pools.size(); ++i) {
    std::vector<hull_point> pts;
    for (std::size_t k = 0; k < pools[i].size(); ++k)
      pts.push_back({pools[i][k].flops, pools[i][k].*cost, k});
    hulls[i] = lower_hull(std::move(pts));
    ptrs.push_back(&hulls[i]);
  }
  suffix_ = suffix_bounds(ptrs);
}

double flops_budget_bound::at(std::size_t i, double left) const {
  const suffix_bound& b = suffix_[i];
  if (left < 0) left = 0;
  // The last vertex of the merged walk whose cumulative cost fits, then a fraction of the next
  // segment (its slope is positive, since its cumulative cost exceeds what is left).
  const auto j = static_cast<std::size_t>(std::upper_bound(b.cum_c.begin(), b.cum_c.end(), left) -
                                          b.cum_c.begin() - 1);
  double f = b.cum_f[j];
  if (j + 1 < b.cum_f.size()) f += (left - b.cum_c[j]) / b.slope[j + 1];
  return f;
}

max_flops_search::max_flops_search(const portfolio_problem& p, max_flops_config cfg)
    : p_(&p), cfg_(cfg) {
  std::vector<std::vector<pool_candidate>> pools = fitting_pools(p);
  // Zero-FLOP/s plans are in no optimal portfolio once any fitting plan has FLOP/s (header).
  for (auto& v : pools)
    v.erase(
        std::remove_if(v.begin(), v.end(), [](const pool_candidate& r) { return r.flops <= 0; }),
        v.end());
  pools.erase(std::remove_if(pools.begin(), pools.end(),
                             [](const std::vector<pool_candidate>& v) { return v.empty(); }),
              pools.end());
  // The pools with the most FLOP/s first, so the branching on large plans comes first; plans by
  // FLOP/s, greatest first, so the first dives find good incumbents.
  for (auto& v : pools)
    std::sort(v.begin(), v.end(), [](const pool_candidate& a, const pool_candidate& b) {
      if (a.flops != b.flops) return a.flops > b.flops;
      return key_before(a, b);
    });
  std::stable_sort(pools.begin(), pools.end(),
                   [](const auto& a, const auto& b) { return a[0].flops > b[0].flops; });
  std::vector<pool_candidate> all;
  for (const auto& v : pools) all.insert(all.end(), v.begin(), v.end());
  qa_ = quanta(all.begin(), all.end(), pools.size());
  if (p.capex_budget) {
    has_cap_[kCapex] = true;
    cap_[kCapex] = wide_floor(*p.capex_budget, qa_.q[kCapex]);
    capex_bound_.build(pools, &pool_candidate::capex);
  }
  if (p.tco_budget) {
    has_cap_[kTco] = true;
    cap_[kTco] = wide_floor(*p.tco_budget, qa_.q[kTco]);
    tco_bound_.build(pools, &pool_candidate::tco);
  }
  for (auto& v : pools) {
    pool d;
    for (const pool_candidate& r : v) {
      std::array<wide, kFigures> e{};
      for (int k = 0; k < kFigures; ++k) e[k] = to_wide(figure_of(r, k), qa_.q[k]);
      d.exact.push_back(e);
    }
    d.items = std::move(v);
    pools_.push_back(std::move(d));
  }
  // Without budgets the bound is the most FLOP/s of each pool still to come.
  max_left_.assign(pools_.size() + 1, 0.0);
  for (std::size_t i = pools_.size(); i-- > 0;)
    max_left_[i] = max_left_[i + 1] + pools_[i].items[0].flops;
}

double max_flops_search::bound(std::size_t i, const wide* sum) const {
  double b = max_left_[i];
  if (has_cap_[kCapex])
    b = std::min(b, capex_bound_.at(i, to_double(cap_[kCapex] - sum[kCapex], qa_.q[kCapex])));
  if (has_cap_[kTco])
    b = std::min(b, tco_bound_.at(i, to_double(cap_[kTco] - sum[kTco], qa_.q[kTco])));
  return b;
}

bool max_flops_search::out_of_work() {
  if (stopped_) return true;
  if (cfg_.cancel != nullptr && (work_ & 1023) == 0 && cfg_.cancel->load()) stopped_ = true;
  if (cfg_.work_limit != 0 && work_ >= cfg_.work_limit) stopped_ = limited_ = true;
  return stopped_;
}

void max_flops_search::offer(const wide* sum) {
  if (sum[kFlops] < best_flops_) return;
  std::vector<pool_candidate> m;
  for (const pool_candidate* r : chosen_) m.push_back(*r);
  if (sum[kFlops] == best_flops_) {
    if (m.size() > best_.size()) return;
    if (m.size() == best_.size() && !keys_less(m, best_)) return;
  }
  best_ = std::move(m);
  best_flops_ = sum[kFlops];
  best_flops_d_ = to_double(best_flops_, qa_.q[kFlops]);
}

void max_flops_search::dfs(std::size_t i, const wide* sum, double flops) {
  if (i == pools_.size()) return;
  ++nodes_;
  const double ub = flops + bound(i, sum);
  if (ub * (1 + kMaxFlopsSafe) < best_flops_d_) return;
  const pool& d = pools_[i];
  wide next[kFigures];
  for (std::size_t k = 0; k <= d.items.size(); ++k) {
    if (out_of_work()) {
      // This node's bound covers every option of it not yet taken.
      open_bound_ = std::max(open_bound_, ub);
      return;
    }
    ++work_;
    if (k == d.items.size()) { // no member from this pool
      dfs(i + 1, sum, flops);
      continue;
    }
    bool fits = true;
    for (int f = 0; f < kFigures; ++f) {
      next[f] = sum[f] + d.exact[k][f];
      if (has_cap_[f] && next[f] > cap_[f]) fits = false;
    }
    if (!fits) continue;
    chosen_.push_back(&d.items[k]);
    offer(next);
    dfs(i + 1, next, to_double(next[kFlops], qa_.q[kFlops]));
    chosen_.pop_back();
  }
}

portfolio_solution max_flops_search::run() {
  portfolio_solution s;
  if (pools_.empty()) {
    // No fitting plan has FLOP/s: the best single fitting plan, if any (header).
    s = best_single(fitting_pools(*p_), *p_);
  } else {
    const wide zero[kFigures] = {0, 0, 0, 0};
    dfs(0, zero, 0.0);
    if (!best_.empty()) {
      s = evaluate_members(best_, *p_, 0.0);
      s.objective = s.flops;
    }
  }
  s.nodes = nodes_;
  s.work = work_;
  if (limited_) {
    s.proven = false;
    s.lower_bound = std::max(open_bound_, s.feasible ? s.flops : 0.0);
  }
  return s;
}

portfolio_solution max_flops_brute_force(const portfolio_problem& p) {
  const std::vector<std::vector<pool_candidate>> pools = fitting_pools(p);
  const quanta qa(p.items.begin(), p.items.end(), pools.size());
  portfolio_solution best;
  wide best_flops = -1;
  std::vector<pool_candidate> chosen;
  std::uint64_t visited = 0;
  auto rec = [&](auto&& self, std::size_t i) -> void {
    ++visited;
    if (i == pools.size()) {
      if (chosen.empty()) return;
      const portfolio_solution s = evaluate_members(chosen, p, 0.0);
      if (!s.feasible) return;
      const wide f = exact_sum(chosen, kFlops, qa.q[kFlops]);
      const bool better =
          f > best_flops ||
          (f == best_flops &&
           (chosen.size() < best.members.size() ||
            (chosen.size() == best.members.size() && keys_less(chosen, best.members))));
      if (better) {
        best = s;
        best.objective = s.flops;
        best_flops = f;
      }
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

} // namespace dcplan::detail
