// The exact schedule search: include/dcplan/schedule/detail/search.hpp states each pruning rule
// and why it is valid; docs/schedules.md why this search and not a MILP solver.
#include "dcplan/schedule/detail/search.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "dcplan/schedule/detail/dominance.hpp"
#include "dcplan/schedule/detail/lp_bound.hpp"
#include "dcplan/schedule/detail/rounding.hpp"

namespace dcplan::detail {

bool tie_before(const std::vector<phase>& a, const std::vector<phase>& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  for (std::size_t i = 0; i < a.size(); ++i) // both in key order: sorted keys
    if (a[i].index != b[i].index) return a[i].index < b[i].index;
  return false;
}

namespace {

constexpr double kTie = 1e-12;  // MODEL.md: schedules within 1e-12 * |z| of z tie
constexpr double kSlack = 1e-9; // pruning keeps anything this close (leaves are checked exactly)

struct window {
  int on, off;
  double ratio; // least objective / effective_flops of a remaining candidate with this window
};

class searcher {
public:
  searcher(const scenario& sc, const std::vector<phase>& cands, objective o, std::uint64_t limit)
      : sc_(sc), s_(*sc.schedule), o_(o), limit_(limit), Y_(s_.years), lp_(sc, cands, o),
        round_(sc, cands, o) {
    std::map<std::tuple<int, int, int>, std::size_t> at;
    for (const phase& p : cands) {
      const auto key = std::make_tuple(p.fig.d, p.key.site, p.key.sourcing);
      auto it = at.find(key);
      if (it == at.end()) it = at.emplace(key, 0).first; // placeholder, numbered below
      (void)it;
    }
    std::size_t k = 0;
    for (auto& kv : at) kv.second = k++;
    pools_.resize(k);
    for (std::size_t i = 0; i < cands.size(); ++i)
      pools_[at[std::make_tuple(cands[i].fig.d, cands[i].key.site, cands[i].key.sourcing)]]
          .push_back(i);
    cands_ = &cands;
    // Pools with the largest phases first: the decisions that move the objective most are made
    // near the root, where the LP bound prunes whole subtrees (docs/schedules.md, the numbers).
    // Any order is exact: every schedule is still reached unless a bound excludes it.
    std::vector<double> largest(k, 0.0);
    for (std::size_t q = 0; q < k; ++q)
      for (std::size_t i : pools_[q])
        largest[q] = std::max(largest[q], phase_objective(cands[i], o_));
    std::vector<std::size_t> by(k);
    for (std::size_t q = 0; q < k; ++q) by[q] = q;
    std::stable_sort(by.begin(), by.end(),
                     [&](std::size_t a, std::size_t b) { return largest[a] > largest[b]; });
    std::vector<std::vector<std::size_t>> sorted;
    sorted.reserve(by.size());
    for (std::size_t q : by) sorted.push_back(std::move(pools_[q]));
    pools_ = std::move(sorted);
    // Within a pool, the cheapest FLOP/s first: good schedules early tighten the bound.
    for (auto& pool : pools_)
      std::stable_sort(pool.begin(), pool.end(), [&](std::size_t a, std::size_t b) {
        return ratio(cands[a]) < ratio(cands[b]);
      });
    suffix();
  }

  search_result run() {
    covered_.assign(Y_, 0.0);
    capex_.assign(Y_, 0.0);
    use_.assign(sc_.sites.size() * 3 * Y_, 0.0);
    const double root_lp = lp_.solve();
    root_bound_ = std::max(bound(0, 0.0), root_lp);
    if (std::isfinite(root_lp)) {
      root_lp_ = root_lp;
      root_reduced_.resize(cands_->size());
      for (std::size_t i = 0; i < cands_->size(); ++i) root_reduced_[i] = lp_.reduced_cost(i);
    }
    banned_.assign(cands_->size(), 0);
    held_.assign(cands_->size(), 0);
    dfs(0, 0.0);
    search_result r;
    r.nodes = nodes_;
    r.lp_solves = lp_.solves();
    r.proven = !stopped_;
    if (near_.empty()) {
      r.found = false;
      r.lower_bound = root_bound_;
      return r;
    }
    double z = near_[0].second;
    for (const auto& n : near_) z = std::min(z, n.second);
    const std::vector<phase>* best = nullptr;
    double best_obj = 0;
    for (const auto& n : near_) {
      if (n.second > z + kTie * std::fabs(z)) continue;
      if (!best || tie_before(n.first, *best)) {
        best = &n.first;
        best_obj = n.second;
      }
    }
    r.found = true;
    r.chosen = *best;
    r.objective_value = best_obj;
    r.lower_bound = stopped_ ? std::min(root_bound_, z) : z;
    return r;
  }

private:
  const scenario& sc_;
  const schedule_spec& s_;
  objective o_;
  std::uint64_t limit_;
  int Y_;
  const std::vector<phase>* cands_ = nullptr;
  std::vector<std::vector<std::size_t>> pools_;
  std::vector<std::vector<double>> cap_;     // cap_[k][t]: largest FLOP/s pools k.. add to t
  std::vector<std::vector<window>> windows_; // windows_[k]: least ratio per window, pools k..
  std::vector<double> covered_, capex_, use_;
  std::vector<std::size_t> stack_;
  std::vector<std::pair<std::vector<phase>, double>> near_; // schedules within the tie window
  double best_ = INFINITY;
  double root_bound_ = 0;
  // Reduced-cost fixing at the root: candidate i is banned once root_lp_ + root_reduced_[i]
  // exceeds the incumbent by kSlack (lp_bound.hpp, reduced_cost: every schedule holding i costs
  // at least that, so none of them is in the tie window). Bans only grow as best_ falls.
  double root_lp_ = INFINITY;
  std::vector<double> root_reduced_;
  std::vector<char> banned_;
  bool reban_ = false; // best_ fell since the bans were last brought up to date
  // Reduced-cost fixing at a node: held_[i] when an ancestor's LP showed every schedule of its
  // subtree holding i costs beyond the cut; that ancestor clears it when it returns.
  std::vector<char> held_;
  std::uint64_t nodes_ = 0;
  bool stopped_ = false;
  lp_bound lp_; // columns of the pools above the current node fixed to their choices
  rounding round_;
  std::uint64_t next_round_ = 0; // the node count at which the next LP solution is rounded

  // Pool k's columns: the one chosen (`pick`, or none when it is npos) at [1, 1], the others at
  // [0, 0]; `free_pool` puts them back to [0, 1], a banned one to [0, 0].
  void fix_pool(std::size_t k, std::size_t pick) {
    for (std::size_t i : pools_[k]) lp_.set_column(i, i == pick ? 1.0 : 0.0, i == pick ? 1.0 : 0.0);
  }
  void free_pool(std::size_t k) {
    for (std::size_t i : pools_[k]) lp_.set_column(i, 0.0, banned_[i] || held_[i] ? 0.0 : 1.0);
  }

  double ratio(const phase& p) const { return phase_objective(p, o_) / p.fig.effective_flops; }
  double& use(int site, int m, int t) {
    return use_[(static_cast<std::size_t>(site) * 3 + static_cast<std::size_t>(m)) * Y_ + t];
  }
  double limit(int site, int m, int t) const {
    const site_rec& r = sc_.sites[static_cast<std::size_t>(site)];
    if (m == static_cast<int>(sourcing::build)) {
      const std::vector<double>& by = s_.site_grid_mw_by_year[static_cast<std::size_t>(site)];
      return by.empty() ? r.grid_mw : by[static_cast<std::size_t>(t)];
    }
    return m == static_cast<int>(sourcing::colo) ? r.colo_available_mw : r.cloud_max_accelerators;
  }

  void suffix() {
    const std::size_t P = pools_.size();
    cap_.assign(P + 1, std::vector<double>(Y_, 0.0));
    windows_.assign(P + 1, {});
    std::map<std::pair<int, int>, double> least;
    for (std::size_t k = P; k-- > 0;) {
      cap_[k] = cap_[k + 1];
      std::vector<double> most(Y_, 0.0);
      for (std::size_t i : pools_[k]) {
        const phase& p = (*cands_)[i];
        for (int t = p.fig.on; t < p.fig.off; ++t)
          most[t] = std::max(most[t], p.fig.effective_flops);
        const auto w = std::make_pair(p.fig.on, p.fig.off);
        auto it = least.find(w);
        if (it == least.end() || ratio(p) < it->second) least[w] = ratio(p);
      }
      for (int t = 0; t < Y_; ++t) cap_[k][t] += most[t];
      for (const auto& kv : least)
        windows_[k].push_back({kv.first.first, kv.first.second, kv.second});
    }
  }

  // The cost bound of the header: a dual-feasible y by coordinate ascent over the residual
  // periods, largest residual first.
  double bound(std::size_t k, double cost) const {
    std::vector<double> r(Y_), y(Y_, 0.0);
    std::vector<int> order;
    for (int t = 0; t < Y_; ++t) {
      r[t] = std::max(0.0, s_.demand_effective_flops[t] - covered_[t]);
      if (r[t] > 0) order.push_back(t);
    }
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return r[a] > r[b]; });
    for (int pass = 0; pass < 2; ++pass) {
      for (int t : order) {
        double room = INFINITY;
        for (const window& w : windows_[k]) {
          if (t < w.on || t >= w.off) continue;
          double others = 0;
          for (int u = w.on; u < w.off; ++u)
            if (u != t) others += y[u];
          room = std::min(room, w.ratio - others);
        }
        y[t] = std::isfinite(room) ? std::max(0.0, room) : 0.0;
      }
    }
    double lb = 0;
    for (int t : order) lb += r[t] * y[t];
    // Shrunk a little: the bound's own rounding must never prune a schedule of the tie window.
    return cost + lb * (1 - kSlack);
  }

  bool can_complete(std::size_t k) const {
    for (int t = 0; t < Y_; ++t) {
      const double need = s_.demand_effective_flops[t];
      if (covered_[t] + cap_[k][t] < need - kSlack * need) return false;
    }
    return true;
  }

  void leaf() { offer(stack_); }

  // A schedule (candidate positions, any order): kept when it passes MODEL.md's exact check and
  // lies within the tie window of the best so far. Leaves and the rounding heuristic both offer
  // theirs here; the heuristic's only lower best_ sooner, so more nodes are pruned, and every
  // prune keeps the tie window (kSlack > kTie), so the result is the same.
  void offer(const std::vector<std::size_t>& picks) {
    std::vector<phase> chosen;
    chosen.reserve(picks.size());
    for (std::size_t i : picks) chosen.push_back((*cands_)[i]);
    std::sort(chosen.begin(), chosen.end(),
              [](const phase& a, const phase& b) { return a.index < b.index; });
    if (!check_schedule(sc_, chosen).empty()) return;
    double z = 0;
    for (const phase& p : chosen) z += phase_objective(p, o_);
    if (z > best_ + kTie * std::fabs(best_)) return;
    for (const auto& n : near_) // the heuristic can offer one already kept
      if (n.first.size() == chosen.size() && !tie_before(n.first, chosen) &&
          !tie_before(chosen, n.first))
        return;
    if (z < best_) reban_ = true;
    best_ = std::min(best_, z);
    near_.emplace_back(std::move(chosen), z);
    std::vector<std::pair<std::vector<phase>, double>> keep;
    for (auto& n : near_)
      if (n.second <= best_ + kTie * std::fabs(best_)) keep.push_back(std::move(n));
    near_ = std::move(keep);
  }

  // The rounding heuristic (rounding.hpp) on this node's LP solution: at the root, then every
  // kRoundEvery nodes, at two thresholds (the LP's near-choices only; every pool's largest).
  void heuristic(const std::vector<double>& x) {
    constexpr std::uint64_t kRoundEvery = 200;
    if (nodes_ < next_round_) return;
    next_round_ = nodes_ + kRoundEvery;
    for (double theta : {0.5, 1e-6}) {
      const std::vector<std::size_t> picks = round_.round(x, theta);
      if (!picks.empty()) offer(picks);
    }
  }

  // Brings the bans up to date with best_ and fixes the newly banned columns of the pools not
  // yet decided (k..) to [0, 0]; decided pools keep their fixings (a banned choice there is
  // pruned by the LP bound, which is at least root_lp_ + its reduced cost).
  void rebans(std::size_t k) {
    reban_ = false;
    if (!std::isfinite(root_lp_)) return;
    const double cut = best_ + kSlack * std::fabs(best_);
    for (std::size_t q = k; q < pools_.size(); ++q)
      for (std::size_t i : pools_[q])
        if (!banned_[i] && root_lp_ + root_reduced_[i] > cut) {
          banned_[i] = 1;
          lp_.set_column(i, 0.0, 0.0);
        }
  }

  // The columns of the undecided pools (k..) this node's LP (bound lb, its reduced costs) shows
  // cannot be in a schedule of the tie window below it: lb + d_i is a bound on every schedule of
  // the subtree holding i (lp_bound.hpp, reduced_cost). They are fixed to [0, 0] for the subtree
  // and returned, to be freed when the node returns.
  std::vector<std::size_t> hold(std::size_t k, double lb) {
    std::vector<std::size_t> out;
    if (!std::isfinite(best_)) return out;
    const double cut = best_ + kSlack * std::fabs(best_);
    for (std::size_t q = k + 1; q < pools_.size(); ++q)
      for (std::size_t i : pools_[q])
        if (!banned_[i] && !held_[i] && lb + lp_.reduced_cost(i) > cut) {
          held_[i] = 1;
          lp_.set_column(i, 0.0, 0.0);
          out.push_back(i);
        }
    return out;
  }

  bool fits(const phase& p) {
    const int m = p.key.sourcing, site = p.key.site;
    const double u = phase_use(p);
    for (int t = p.fig.on; t < p.fig.off; ++t) {
      const double lim = limit(site, m, t);
      if (use(site, m, t) + u > lim + kSlack * lim) return false;
    }
    if (s_.capex_budget) {
      const double b = (*s_.capex_budget)[static_cast<std::size_t>(p.fig.d)];
      if (capex_[p.fig.d] + p.fig.capex > b + kSlack * b) return false;
    }
    return true;
  }

  void apply(const phase& p, double sign) {
    const double u = phase_use(p);
    for (int t = p.fig.on; t < p.fig.off; ++t) {
      use(p.key.site, p.key.sourcing, t) += sign * u;
      covered_[t] += sign * p.fig.effective_flops;
    }
    capex_[p.fig.d] += sign * p.fig.capex;
  }

  void dfs(std::size_t k, double cost) {
    if (stopped_) return;
    if (limit_ && nodes_ >= limit_) {
      stopped_ = true;
      return;
    }
    ++nodes_;
    if (!can_complete(k)) return;
    if (bound(k, cost) > best_ + kSlack * std::fabs(best_)) return;
    if (k == pools_.size()) {
      leaf();
      return;
    }
    // The LP bound (lp_bound.hpp): a node it proves infeasible, or whose least completion costs
    // more than kSlack beyond the incumbent, holds no schedule of the tie window.
    if (reban_) rebans(k);
    const double lb = lp_.solve();
    if (std::isinf(lb) || lb > best_ + kSlack * std::fabs(best_)) return;
    const std::vector<std::size_t> held = hold(k, lb);
    // Undo by recomputing from the stack would be exact; adding and subtracting the same double
    // can leave a last-bit residue, so the state is saved and restored instead.
    const std::vector<double> covered = covered_, capex = capex_, use = use_;
    // Children in the order of their values in this node's LP, largest first (then the cheapest
    // FLOP/s first), "none" last: the LP's choice is tried first. Order only.
    const std::vector<std::size_t>& pool = pools_[k];
    std::vector<double> x(pool.size()), d(pool.size());
    std::vector<std::size_t> at(pool.size());
    for (std::size_t n = 0; n < pool.size(); ++n) {
      x[n] = lp_.value(pool[n]);
      d[n] = lp_.reduced_cost(pool[n]);
      at[n] = n;
    }
    if (nodes_ >= next_round_) {
      std::vector<double> all(cands_->size());
      for (std::size_t i = 0; i < all.size(); ++i) all[i] = lp_.value(i);
      heuristic(all);
    }
    std::stable_sort(at.begin(), at.end(),
                     [&](std::size_t a, std::size_t b) { return x[a] > x[b]; });
    for (std::size_t n : at) {
      const std::size_t i = pool[n];
      const phase& p = (*cands_)[i];
      // The child's LP is this node's with x_i = 1: it costs at least lb + d_i (reduced_cost).
      if (banned_[i] || held_[i] || lb + d[n] > best_ + kSlack * std::fabs(best_) || !fits(p))
        continue;
      apply(p, 1.0);
      fix_pool(k, i);
      stack_.push_back(i);
      dfs(k + 1, cost + phase_objective(p, o_));
      stack_.pop_back();
      covered_ = covered;
      capex_ = capex;
      use_ = use;
    }
    fix_pool(k, static_cast<std::size_t>(-1));
    dfs(k + 1, cost);
    for (std::size_t i : held) held_[i] = 0;
    free_pool(k);
    for (std::size_t i : held)
      if (!banned_[i]) lp_.set_column(i, 0.0, 1.0);
  }
};

} // namespace

search_result search_schedule(const scenario& sc, const std::vector<phase>& candidates, objective o,
                              std::uint64_t work_limit) {
  return searcher(sc, candidates, o, work_limit).run();
}

} // namespace dcplan::detail
