// The exact portfolio optimizer (MODEL.md "Portfolios"): depth-first branch and bound over the
// pools, one member or none per pool, with the LP relaxation as the bound. The relaxation of a
// multiple-choice covering problem is solved greedily: each pool's lower convex hull of
// (FLOP/s, cost) from the origin, and every hull segment of the remaining pools taken in order of
// cost per FLOP/s until the remaining target is covered.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "dcplan/errors.hpp"
#include "dcplan/portfolio.hpp"

namespace dcplan {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Bounds are computed in floating point; they prune only when still above the incumbent after
// being lowered by this relative margin, so rounding never cuts off the optimum.
constexpr double kSafe = 1e-12;

// The lower convex hull of (FLOP/s, cost) with the origin: the LP value of one pool, the least
// cost of a fraction of its plans giving x FLOP/s (non-decreasing, as costs are non-negative).
struct hull {
  std::vector<double> f{0.0}, c{0.0};
  double at(double x) const {
    if (x <= 0) return 0;
    if (x > f.back()) return kInf;
    const std::size_t j = static_cast<std::size_t>(std::lower_bound(f.begin(), f.end(), x) - f.begin());
    if (f[j] == x) return c[j];
    return c[j - 1] + (x - f[j - 1]) * ((c[j] - c[j - 1]) / (f[j] - f[j - 1]));
  }
};

hull lower_hull(std::vector<std::pair<double, double>> pts) {
  std::sort(pts.begin(), pts.end());
  hull h;
  for (const auto& [f, c] : pts) {
    if (f <= h.f.back()) continue;  // equal FLOP/s: the cheapest came first
    while (h.f.size() >= 2) {
      const std::size_t n = h.f.size();
      const double cross = (h.f[n - 1] - h.f[n - 2]) * (c - h.c[n - 2]) -
                           (h.c[n - 1] - h.c[n - 2]) * (f - h.f[n - 2]);
      if (cross > 0) break;
      h.f.pop_back();
      h.c.pop_back();
    }
    h.f.push_back(f);
    h.c.push_back(c);
  }
  return h;
}

// The LP bound of a set of pools: their hull segments merged by cost per FLOP/s.
struct suffix_bound {
  std::vector<double> cum_f{0.0}, cum_c{0.0}, slope{0.0};
  void build(const std::vector<const hull*>& hulls) {
    std::vector<std::pair<double, std::pair<double, double>>> seg;  // slope, (df, dc)
    for (const hull* h : hulls)
      for (std::size_t k = 1; k < h->f.size(); ++k) {
        const double df = h->f[k] - h->f[k - 1], dc = h->c[k] - h->c[k - 1];
        seg.push_back({dc / df, {df, dc}});
      }
    std::sort(seg.begin(), seg.end());
    for (const auto& s : seg) {
      cum_f.push_back(cum_f.back() + s.second.first);
      cum_c.push_back(cum_c.back() + s.second.second);
      slope.push_back(s.first);
    }
  }
  double at(double r) const {
    if (r <= 0) return 0;
    if (r > cum_f.back()) return r > cum_f.back() * (1 + kSafe) ? kInf : cum_c.back();
    const std::size_t j =
        static_cast<std::size_t>(std::lower_bound(cum_f.begin(), cum_f.end(), r) - cum_f.begin());
    return cum_c[j - 1] + (r - cum_f[j - 1]) * slope[j];
  }
};

bool keys_less(const std::vector<frontier_rec>& a, const std::vector<frontier_rec>& b) {
  std::vector<rank_key> ka, kb;
  for (const auto& m : a) ka.push_back(key_of(m));
  for (const auto& m : b) kb.push_back(key_of(m));
  std::sort(ka.begin(), ka.end(), rank_less);
  std::sort(kb.begin(), kb.end(), rank_less);
  return std::lexicographical_compare(ka.begin(), ka.end(), kb.begin(), kb.end(), rank_less);
}

// MODEL.md "Portfolios": the figures of a set of members, summed in pool order.
portfolio_solution evaluate_members(std::vector<frontier_rec> m, const portfolio_problem& p,
                                    double required) {
  std::sort(m.begin(), m.end(), [](const frontier_rec& x, const frontier_rec& y) { return x.pool < y.pool; });
  portfolio_solution s;
  for (const auto& r : m) {
    s.objective += r.obj;
    s.capex += r.capex;
    s.tco += r.tco;
    s.flops += r.flops;
  }
  s.feasible = s.flops >= required && (!p.capex_budget || s.capex <= *p.capex_budget) &&
               (!p.tco_budget || s.tco <= *p.tco_budget);
  s.members = std::move(m);
  return s;
}

class branch_and_bound {
 public:
  branch_and_bound(const portfolio_problem& p, double required) : p_(p), required_(required) {
    std::vector<std::vector<frontier_rec>> by_pool;
    std::vector<frontier_rec> items = p.items;
    std::sort(items.begin(), items.end(), detail::pool_then_rank{});
    for (std::size_t b = 0; b < items.size();) {
      std::size_t e = b;
      while (e < items.size() && items[e].pool == items[b].pool) ++e;
      pool_data d;
      d.items.assign(items.begin() + b, items.begin() + e);
      pools_.push_back(std::move(d));
      b = e;
    }
    for (pool_data& d : pools_) prepare(d);
    // Cheapest cost per FLOP/s first, so the first dives find good incumbents.
    std::sort(pools_.begin(), pools_.end(), [](const pool_data& x, const pool_data& y) {
      if (x.first_slope != y.first_slope) return x.first_slope < y.first_slope;
      return x.items[0].pool < y.items[0].pool;
    });
    const std::size_t k = pools_.size();
    obj_lb_.resize(k + 1);
    capex_lb_.resize(k + 1);
    tco_lb_.resize(k + 1);
    more_.resize(k + 1);
    for (std::size_t i = 0; i <= k; ++i) {
      std::vector<const hull*> ho, hc, ht;
      std::vector<double> fmax;
      for (std::size_t j = i; j < k; ++j) {
        ho.push_back(&pools_[j].h_obj);
        hc.push_back(&pools_[j].h_capex);
        ht.push_back(&pools_[j].h_tco);
        fmax.push_back(pools_[j].h_obj.f.back());
      }
      obj_lb_[i].build(ho);
      if (p_.capex_budget) capex_lb_[i].build(hc);
      if (p_.tco_budget) tco_lb_[i].build(ht);
      std::sort(fmax.rbegin(), fmax.rend());
      more_[i].push_back(0);
      for (double f : fmax) more_[i].push_back(more_[i].back() + f);
    }
  }

  portfolio_solution run() {
    dfs(0, required_, 0, 0, 0);
    best_.nodes = nodes_;
    return best_;
  }

 private:
  struct pool_data {
    std::vector<frontier_rec> items;  // by excess over the hull, smallest first
    std::vector<double> excess;
    hull h_obj, h_capex, h_tco;
    double first_slope = kInf;
  };
  struct child {
    double bound;
    const frontier_rec* item;  // nullptr: no member from this pool
  };

  void prepare(pool_data& d) {
    std::vector<std::pair<double, double>> po, pc, pt;
    for (const auto& r : d.items) {
      po.push_back({r.flops, r.obj});
      pc.push_back({r.flops, r.capex});
      pt.push_back({r.flops, r.tco});
    }
    d.h_obj = lower_hull(po);
    d.h_capex = lower_hull(pc);
    d.h_tco = lower_hull(pt);
    d.first_slope = d.h_obj.c[1] / d.h_obj.f[1];
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t j = 0; j < d.items.size(); ++j) {
      const double e = std::max(0.0, d.items[j].obj - d.h_obj.at(d.items[j].flops));
      order.push_back({e, j});
    }
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<frontier_rec> sorted;
    for (const auto& [e, j] : order) {
      sorted.push_back(d.items[j]);
      d.excess.push_back(e);
    }
    d.items.swap(sorted);
  }

  // The fewest further members that can cover r FLOP/s from pools i.. (each at its maximum).
  std::size_t min_more(std::size_t i, double r) const {
    if (r <= 0) return 0;
    const auto& m = more_[i];
    return static_cast<std::size_t>(std::lower_bound(m.begin(), m.end(), r) - m.begin());
  }

  bool surely_above(double v) const { return best_.feasible && v * (1 - kSafe) > best_.objective; }

  // Whether a subtree with objective bound v and at least `members` members can still win,
  // by the objective or, where it can only tie it, by fewer members.
  bool promising(double v, std::size_t members) const {
    if (!best_.feasible) return true;
    const double low = v * (1 - kSafe);
    if (low > best_.objective) return false;
    return !(low >= best_.objective && members > best_.members.size());
  }

  bool budgets_ok(std::size_t i, double r, double capex, double tco) const {
    if (p_.capex_budget && (capex + capex_lb_[i].at(r)) * (1 - kSafe) > *p_.capex_budget) return false;
    if (p_.tco_budget && (tco + tco_lb_[i].at(r)) * (1 - kSafe) > *p_.tco_budget) return false;
    return true;
  }

  void leaf() {
    portfolio_solution s = evaluate_members(stack_, p_, required_);
    if (s.feasible && portfolio_better(s, best_)) best_ = std::move(s);
  }

  void dfs(std::size_t i, double r, double obj, double capex, double tco) {
    ++nodes_;
    if (r <= 0) return leaf();
    if (i == pools_.size()) return;
    const double lb = obj_lb_[i].at(r);
    const std::size_t n = stack_.size();
    if (lb == kInf || !promising(obj + lb, n + min_more(i, r))) return;
    if (!budgets_ok(i, r, capex, tco)) return;

    const pool_data& d = pools_[i];
    std::vector<child> ch;
    const double skip = obj + obj_lb_[i + 1].at(r);
    if (skip != kInf && promising(skip, n + min_more(i + 1, r))) ch.push_back({skip, nullptr});
    for (std::size_t j = 0; j < d.items.size(); ++j) {
      // Every later item lies at least as far above the hull: none can beat the incumbent.
      if (surely_above(obj + lb + d.excess[j])) break;
      const frontier_rec& it = d.items[j];
      const double r2 = r - it.flops;
      const double b = obj + it.obj + obj_lb_[i + 1].at(r2);
      if (b == kInf || !promising(b, n + 1 + min_more(i + 1, r2))) continue;
      if (!budgets_ok(i + 1, r2, capex + it.capex, tco + it.tco)) continue;
      ch.push_back({b, &it});
    }
    std::stable_sort(ch.begin(), ch.end(), [](const child& x, const child& y) { return x.bound < y.bound; });
    for (const child& c : ch) {
      if (surely_above(c.bound)) break;
      if (c.item == nullptr) {
        dfs(i + 1, r, obj, capex, tco);
      } else {
        stack_.push_back(*c.item);
        dfs(i + 1, r - c.item->flops, obj + c.item->obj, capex + c.item->capex, tco + c.item->tco);
        stack_.pop_back();
      }
    }
  }

  const portfolio_problem& p_;
  double required_;
  std::vector<pool_data> pools_;
  std::vector<suffix_bound> obj_lb_, capex_lb_, tco_lb_;
  std::vector<std::vector<double>> more_;
  std::vector<frontier_rec> stack_;
  portfolio_solution best_;
  std::uint64_t nodes_ = 0;
};

}  // namespace

bool portfolio_better(const portfolio_solution& a, const portfolio_solution& b) {
  if (!a.feasible) return false;
  if (!b.feasible) return true;
  if (a.objective != b.objective) return a.objective < b.objective;
  if (a.members.size() != b.members.size()) return a.members.size() < b.members.size();
  return keys_less(a.members, b.members);
}

portfolio_solution solve_portfolio(const portfolio_problem& p, double required) {
  return branch_and_bound(p, required).run();
}

portfolio_solution solve_portfolio_brute_force(const portfolio_problem& p, double required) {
  std::vector<std::vector<frontier_rec>> pools;
  std::vector<frontier_rec> items = p.items;
  std::sort(items.begin(), items.end(), detail::pool_then_rank{});
  for (const auto& r : items) {
    if (pools.empty() || pools.back()[0].pool != r.pool) pools.emplace_back();
    pools.back().push_back(r);
  }
  portfolio_solution best;
  std::vector<frontier_rec> chosen;
  std::uint64_t visited = 0;
  auto rec = [&](auto&& self, std::size_t i) -> void {
    ++visited;
    if (i == pools.size()) {
      portfolio_solution s = evaluate_members(chosen, p, required);
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

void check_portfolio_scenario(const scenario& sc) {
  if (sc.training)
    throw input_error(sc.file, 0, 0, "target.portfolio",
                      "a training target is one cluster and never a portfolio; give "
                      "target.effective_flops for a fleet");
  if (sc.obj == objective::ready_months || sc.obj == objective::effective_flops)
    throw input_error(sc.file, 0, 0, "objective",
                      std::string("the ") + to_string(sc.obj) +
                          " objective does not sum over a portfolio; valid for portfolios: tco, "
                          "capex, carbon");
  if (!sc.target_effective_flops)
    throw input_error(sc.file, 0, 0, "target.effective_flops",
                      "a portfolio needs a fleet target: give target.effective_flops");
}

portfolio_report run_portfolio(const scenario& sc, const plan_space& sp, const std::string& backend,
                               const engine_options& opt) {
  check_portfolio_scenario(sc);
  return solve_portfolio_report(sc, portfolio_frontier(sc, sp, backend, opt), opt);
}

portfolio_report solve_portfolio_report(const scenario& sc, frontier_result fr,
                                        const engine_options& opt) {
  portfolio_report rep;
  rep.frontier_seconds = fr.seconds;
  rep.frontier_size = fr.items.size();
  portfolio_problem p;
  p.items = std::move(fr.items);
  p.capex_budget = sc.budget_capex_usd;
  p.tco_budget = sc.budget_tco_usd;
  const double required = sc.globals().required_effective_flops;
  const auto t0 = std::chrono::steady_clock::now();
  for (double fraction : kCostCurveFractions) {
    if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
    portfolio_solution s = solve_portfolio(p, required * fraction);
    rep.nodes += s.nodes;
    rep.cost_curve.push_back(s.feasible ? std::optional<double>(s.objective) : std::nullopt);
    if (fraction == 1.0) rep.best = std::move(s);
  }
  rep.solve_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace dcplan
