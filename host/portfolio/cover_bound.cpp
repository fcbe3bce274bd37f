// The target cover bound (see dcplan/portfolio/detail/cover_bound.hpp for why it is valid).
#include "dcplan/portfolio/detail/cover_bound.hpp"

#include <algorithm>
#include <utility>

namespace dcplan::detail {

void cover_bound::build(const std::vector<pool_data>& pools, double required,
                        const budget_prices& pr) {
  required_ = required;
  pr_ = pr;
  cover_.clear();
  mag_.clear();
  if (required <= 0 || pools.empty()) return;
  const std::size_t k = pools.size(), G = kSteps;
  step_ = required / static_cast<double>(G);
  std::vector<double> h(G + 1, kInf), next;
  h[0] = 0;
  cover_.assign(k + 1, {});
  mag_.assign(k + 1, 0.0);
  cover_[k] = h;
  std::vector<std::pair<std::size_t, double>> its;
  double mag = 0;
  for (std::size_t i = k; i-- > 0;) {
    // The plans that may lower the table: less w than every plan of as many steps or more (a
    // plan of G steps or more meets any remaining target alone).
    its.clear();
    double most = 0;
    for (const pool_candidate& r : pools[i].items) {
      const double wt = pr.w(r);
      most = std::max(most, std::fabs(wt));
      // Rounded up; where the quotient rounded down past a whole step, the margin on the
      // FLOP/s left (admits) covers it.
      const double steps = std::ceil(r.flops / step_);
      its.push_back({grid_steps(std::max(0.0, steps), G), wt});
    }
    mag += most;
    std::sort(its.begin(), its.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::size_t n = 0;
    double least = kInf;
    for (const auto& e : its)
      if (e.second < least && e.first > 0) {
        least = e.second;
        its[n++] = e;
      }
    its.resize(n);
    next = h;
    for (const auto& [st, wt] : its) {
      const std::size_t top = std::min(st, G);
      for (std::size_t g = 1; g <= top; ++g) next[g] = std::min(next[g], h[0] + wt);
      for (std::size_t g = top + 1; g <= G; ++g) next[g] = std::min(next[g], h[g - st] + wt);
    }
    h.swap(next);
    cover_[i] = h;
    mag_[i] = mag;
  }
}

double cover_bound::root() const {
  if (cover_.empty()) return -kInf;
  const double x = std::floor((required_ - kSafe * required_) / step_);
  if (!(x > 0)) return -kInf;
  return cover_[0][grid_steps(x, kSteps)] - pr_.priced;
}

} // namespace dcplan::detail
