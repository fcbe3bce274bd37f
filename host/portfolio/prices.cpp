// Budget prices by golden-section search, and reduced-cost fixing (see detail/prices.hpp).
#include "dcplan/portfolio/detail/prices.hpp"

#include <cmath>

namespace dcplan::detail {

double root_lp_bound(const std::vector<pool_data>& pools,
                     const std::vector<std::vector<std::size_t>>& by_flops,
                     const portfolio_problem& p, double required, double mu_c, double mu_t) {
  const budget_prices pr{mu_c, mu_t, 0.0};
  std::vector<hull> hulls(pools.size());
  std::vector<hull_point> pts;
  for (std::size_t i = 0; i < pools.size(); ++i) {
    // The items in FLOP/s order, each run of equal FLOP/s then by cost: the order lower_hull
    // sorts into, without sorting the pool at every price.
    pts.clear();
    for (std::size_t j : by_flops[i])
      pts.push_back({pools[i].items[j].flops, pr.w(pools[i].items[j]), 0});
    for (std::size_t b = 0, e; b < pts.size(); b = e) {
      for (e = b + 1; e < pts.size() && pts[e].f == pts[b].f;) ++e;
      if (e - b > 1)
        std::sort(pts.begin() + static_cast<std::ptrdiff_t>(b),
                  pts.begin() + static_cast<std::ptrdiff_t>(e));
    }
    hulls[i] = hull_of_sorted(pts);
  }
  // Only the root is needed: the segments of every pool in order of slope.
  std::vector<slope_segment> seg;
  merge_by_slope(
      hulls.size(), [&](std::size_t i) -> const hull& { return hulls[i]; },
      slope_ties::smaller_step, seg);
  double f = 0, c = 0;
  for (const slope_segment& s : seg) {
    if (f + s.df >= required) return c + (required - f) * s.slope - priced(p, mu_c, mu_t);
    f += s.df;
    c += s.dc;
  }
  return kInf;
}

namespace {

// The best price of one budget with the other held: a coarse scan by factors of 4 from the
// ratio of the figures' sizes, then golden-section search (the bound is concave in a price).
template <class RootBound>
double best_price(const std::vector<pool_data>& pools, bool capex, double other,
                  RootBound root_bound) {
  double so = 0, sf = 0;
  for (const pool_data& d : pools)
    for (const auto& r : d.items) {
      so += std::fabs(r.obj);
      sf += capex ? r.capex : r.tco;
    }
  if (!(sf > 0) || !(so > 0)) return 0;
  const auto g = [&](double mu) { return capex ? root_bound(mu, other) : root_bound(other, mu); };
  std::vector<double> mus{0.0};
  for (int k = -16; k <= 16; ++k) mus.push_back(so / sf * std::ldexp(1.0, 2 * k));
  std::size_t best = 0;
  double best_v = -kInf;
  for (std::size_t k = 0; k < mus.size(); ++k) {
    const double v = g(mus[k]);
    if (v == kInf) return mus[k]; // infeasible even as an LP: any price proves it
    if (v > best_v) {
      best_v = v;
      best = k;
    }
  }
  const double lo = best > 0 ? mus[best - 1] : 0.0;
  const double hi = best + 1 < mus.size() ? mus[best + 1] : mus[best];
  const auto [x, v] = golden_max(g, lo, hi, 24);
  return v > best_v ? x : mus[best];
}

} // namespace

budget_prices choose_prices(const std::vector<pool_data>& pools, const portfolio_problem& p,
                            double required) {
  std::vector<std::vector<std::size_t>> by_flops(pools.size());
  for (std::size_t i = 0; i < pools.size(); ++i) {
    std::vector<std::size_t>& o = by_flops[i];
    for (std::size_t j = 0; j < pools[i].items.size(); ++j) o.push_back(j);
    std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) {
      return pools[i].items[a].flops < pools[i].items[b].flops;
    });
  }
  const auto root_bound = [&](double mu_c, double mu_t) {
    return root_lp_bound(pools, by_flops, p, required, mu_c, mu_t);
  };
  const bool bc = may_bind(pools, p.capex_budget, &pool_candidate::capex);
  const bool bt = may_bind(pools, p.tco_budget, &pool_candidate::tco);
  double mc = 0, mt = 0;
  for (int round = 0; round < (bc && bt ? 2 : 1); ++round) {
    if (bc) mc = best_price(pools, true, mt, root_bound);
    if (bt) mt = best_price(pools, false, mc, root_bound);
  }
  return {mc, mt, priced(p, mc, mt)};
}

namespace {

// The Lagrangian bound at the LP's price per FLOP/s `lambda`: each pool's least reduced cost
// `m` (w - lambda FLOP/s, or 0 for none), and the gap from that bound to `limit`, widened for
// rounding. False when the LP gives no finite price, or there is no limit.
bool reduced_costs(const std::vector<pool_data>& pools, const suffix_bound& root_lp,
                   const budget_prices& pr, double required, bool has_limit, double limit,
                   double& lambda, std::vector<double>& m, double& gap) {
  lambda = root_lp.price_at(required);
  if (!(lambda >= 0) || !std::isfinite(lambda)) return false;
  m.assign(pools.size(), 0.0);
  if (!has_limit) return false;
  double bound = lambda * required - pr.priced,
         scale = std::fabs(lambda * required) + std::fabs(pr.priced) + std::fabs(limit);
  for (std::size_t i = 0; i < pools.size(); ++i) {
    for (const auto& r : pools[i].items) m[i] = std::min(m[i], pr.w(r) - lambda * r.flops);
    bound += m[i];
    scale += std::fabs(m[i]);
  }
  gap = limit - bound + 1e-9 * scale;
  return true;
}

} // namespace

bool reduce_pools(std::vector<pool_data>& pools, const suffix_bound& root_lp,
                  const budget_prices& pr, double required, bool has_limit, double limit) {
  double lambda = 0, gap = 0;
  std::vector<double> m;
  if (!reduced_costs(pools, root_lp, pr, required, has_limit, limit, lambda, m, gap)) return false;
  bool removed = false;
  for (std::size_t i = 0; i < pools.size(); ++i) {
    pool_data& d = pools[i];
    const std::size_t before = d.items.size();
    d.items.erase(std::remove_if(d.items.begin(), d.items.end(),
                                 [&](const pool_candidate& r) {
                                   return pr.w(r) - lambda * r.flops - m[i] > gap;
                                 }),
                  d.items.end());
    if (-m[i] > gap) d.none_ok = false;
    removed = removed || d.items.size() != before || !d.none_ok;
  }
  // A pool left with no plan adds nothing to any state: it is dropped (and the last pool with
  // plans becomes the last stage, which the exact last-pool bound checks). One left with no
  // plan and no "none" option ends every state: the incumbent stands.
  pools.erase(std::remove_if(pools.begin(), pools.end(),
                             [](const pool_data& d) { return d.items.empty() && d.none_ok; }),
              pools.end());
  return removed;
}

} // namespace dcplan::detail
