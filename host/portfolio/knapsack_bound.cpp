// The knapsack budget bound (see dcplan/portfolio/detail/knapsack_bound.hpp for why it is
// valid).
#include "dcplan/portfolio/detail/knapsack_bound.hpp"

#include <algorithm>

#include "dcplan/portfolio/detail/prices.hpp"

namespace dcplan::detail {

// The budget the tables keep whole: the binding one with the larger priced spend.
void knapsack_bound::choose_budget(const portfolio_problem& p, const budget_prices& pr) {
  fig_ = -1;
  const double c = p.capex_budget ? pr.mu_c * *p.capex_budget : 0.0;
  const double t = p.tco_budget ? pr.mu_t * *p.tco_budget : 0.0;
  if (!(c > 0) && !(t > 0)) return;
  fig_ = c >= t ? kCapex : kTco;
  budget_ = fig_ == kCapex ? *p.capex_budget : *p.tco_budget;
  mu_o_ = fig_ == kCapex ? pr.mu_t : pr.mu_c;
  priced_o_ = fig_ == kCapex ? (p.tco_budget ? pr.mu_t * *p.tco_budget : 0.0)
                             : (p.capex_budget ? pr.mu_c * *p.capex_budget : 0.0);
  step_ = budget_ / static_cast<double>(kSteps);
}

// The tables at price lambda (all stages when `keep`, else only the root's value). Returns the
// root's bound.
double knapsack_bound::run(double lam, table* keep) const {
  const std::vector<pool_data>& pools = *pools_;
  const std::size_t k = pools.size(), G = kSteps;
  std::vector<double> h(G + 1, 0.0), next;
  if (keep != nullptr) {
    keep->lam = lam;
    keep->h.assign(k + 1, {});
    keep->mag.assign(k + 1, 0.0);
    keep->h[k] = h;
  }
  std::vector<std::pair<std::size_t, double>> its;
  double mag = 0;
  for (std::size_t i = k; i-- > 0;) {
    // The plans that may lower the table: a negative weight, and less of it than every plan of
    // no more steps (none weighs 0 at 0 steps).
    its.clear();
    double most = 0;
    for (const pool_candidate& r : pools[i].items) {
      const double wt = r.obj + mu_o_ * other(r) - lam * r.flops;
      most = std::max(most, std::fabs(wt));
      // Rounded down; where the quotient rounded up to a whole step, the margin on the budget
      // left (admits) covers it: at most kSteps ulps of a step against kSafe of the budget.
      const double steps = std::floor(spend(r) / step_);
      if (!(wt < 0) || !(steps <= static_cast<double>(G))) continue;
      its.push_back({steps > 0 ? static_cast<std::size_t>(steps) : 0, wt});
    }
    mag += most;
    std::sort(its.begin(), its.end());
    std::size_t n = 0;
    double least = 0;
    for (const auto& e : its)
      if (e.second < least) {
        least = e.second;
        its[n++] = e;
      }
    its.resize(n);
    next = h;
    for (const auto& [st, wt] : its)
      for (std::size_t c = st; c <= G; ++c) next[c] = std::min(next[c], h[c - st] + wt);
    h.swap(next);
    if (keep != nullptr) {
      keep->h[i] = h;
      keep->mag[i] = mag;
    }
  }
  return h[G] + lam * required_ - priced_o_;
}

// The price lambda that makes the root's bound the highest: a scan by factors of sqrt 2 around
// the LP's price per FLOP/s, then golden-section search.
double knapsack_bound::best_lambda(const suffix_bound& root_lp) const {
  const double lam0 = root_lp.price_at(required_);
  if (!(lam0 > 0) || !std::isfinite(lam0)) return 0;
  const auto g = [&](double lam) { return run(lam, nullptr); };
  std::vector<double> lams;
  for (int e = -8; e <= 8; ++e) lams.push_back(lam0 * std::exp2(0.5 * e));
  std::size_t best = 0;
  double best_v = -kInf;
  for (std::size_t e = 0; e < lams.size(); ++e)
    if (const double v = g(lams[e]); v > best_v) {
      best_v = v;
      best = e;
    }
  const double lo = best > 0 ? lams[best - 1] : lams[0] / 2;
  const double hi = best + 1 < lams.size() ? lams[best + 1] : lams[best] * 2;
  const auto [x, v] = golden_max(g, lo, hi, 16);
  return v > best_v ? x : lams[best];
}

void knapsack_bound::build(const std::vector<pool_data>& pools, const portfolio_problem& p,
                           double required, const budget_prices& pr, const suffix_bound& root_lp) {
  pools_ = &pools;
  required_ = required;
  tables_.clear();
  root_ = -kInf;
  if (required <= 0 || pools.empty()) return;
  choose_budget(p, pr);
  if (fig_ < 0) return;
  if (!(lam_ > 0)) lam_ = best_lambda(root_lp);
  if (!(lam_ > 0)) return;
  for (const double f : {1.0, 0.85, 1.2}) {
    tables_.emplace_back();
    const double v = run(lam_ * f, &tables_.back());
    if (f == 1.0) root_ = v;
  }
}

} // namespace dcplan::detail
