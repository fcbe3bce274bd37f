// The exact schedule search: include/dcplan/schedule/detail/search.hpp states each pruning rule
// and why it is valid; docs/schedules.md why this search and not a MILP solver.
#include "dcplan/schedule/detail/search.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <queue>
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
constexpr double kSlack = 1e-9; // pruning keeps anything this close (schedules are checked exactly)
constexpr double kIntegral = 1e-6;
constexpr int kCutRounds = 20; // rounds of root cuts (lp_bound.hpp, add_root_cuts)
constexpr int kRootPasses = 3; // root passes of bans and cuts once an incumbent is known // an LP
                               // value this close to 0 or 1 counts as 0 or 1

// A node of the tree: the fixings that define it on top of the root's, each id << 3 | code,
// and a lower bound on every schedule in it (its parent's LP bound). Codes: kFixZero / kFixOne,
// column id to 0 / 1; kFixOpen / kFixClose, pool id must hold a phase / its columns to 0;
// kFixUpTo / kFixAfter, the columns of candidate id's pool up to and including it / after it (in
// key order) to 0. A branching is one or two entries, whatever the pool's size.
constexpr std::uint32_t kFixZero = 0, kFixOne = 1, kFixOpen = 2, kFixClose = 3, kFixUpTo = 4,
                        kFixAfter = 5;
struct node {
  double bound;
  std::uint64_t seq; // creation order: equal bounds are taken oldest first (deterministic)
  std::vector<std::uint32_t> fix;
  // How the node was made, for the pseudocosts: the branching's slot (pool * 4 + kind * 2 + side)
  // and fractional distance, or -1 at the root and for column branchings.
  std::int64_t slot = -1;
  double frac = 0;
};
struct node_after {
  bool operator()(const node& a, const node& b) const {
    if (a.bound != b.bound) return a.bound > b.bound;
    return a.seq > b.seq;
  }
};

class searcher {
public:
  searcher(const scenario& sc, const std::vector<phase>& cands, objective o, std::uint64_t limit)
      : sc_(sc), o_(o), limit_(limit), cands_(cands), lp_(sc, cands, o), round_(sc, cands, o) {
    std::map<std::tuple<int, int, int>, std::size_t> at;
    for (const phase& p : cands)
      at.emplace(std::make_tuple(p.fig.d, p.key.site, p.key.sourcing), 0);
    std::size_t k = 0;
    for (auto& kv : at) kv.second = k++;
    pool_of_.resize(cands.size());
    pos_.resize(cands.size());
    pools_.resize(k);
    for (std::size_t i = 0; i < cands.size(); ++i) {
      pool_of_[i] = at[std::make_tuple(cands[i].fig.d, cands[i].key.site, cands[i].key.sourcing)];
      pos_[i] = pools_[pool_of_[i]].size();
      pools_[pool_of_[i]].push_back(i);
    }
    state_.assign(cands.size(), kFree);
    open_pool_.assign(k, 0);
    pc_sum_.assign(k * 4, 0.0);
    pc_count_.assign(k * 4, 0);
    banned_.assign(cands.size(), 0);
  }

  search_result run() {
    lp_.add_root_cuts(kCutRounds);
    double root_lp = lp_.solve();
    ++nodes_;
    search_result r;
    if (std::isfinite(root_lp)) {
      take_root(root_lp);
      heuristic();
      // With an incumbent, the root's bans (reduced-cost fixing) and cuts found with them
      // strengthen each other: a cut found with banned columns at 0 holds for every schedule
      // without them, which is every schedule that can still be in the tie window (bans only
      // grow), so it bounds every schedule the search must still see. Repeated while the root
      // bound rises.
      for (int pass = 0; pass < kRootPasses && std::isfinite(best_); ++pass) {
        if (lp_.add_root_cuts(kCutRounds) == 0) break;
        const double again = lp_.solve();
        if (!std::isfinite(again)) {
          root_lp = again;
          break;
        }
        const bool rose = again > root_lp + 1e-7 * std::fabs(root_lp);
        root_lp = std::max(root_lp, again);
        take_root(again);
        next_round_ = 0;
        heuristic();
        if (!rose) break;
      }
    }
    root_bound_ = root_lp;
    if (std::isfinite(root_lp)) {
      // The root's children, then best bound first, each popped node diving to the bottom.
      expand(node{root_lp, seq_++, {}, -1, 0}, root_lp);
      while (!open_.empty() && !stopped_) {
        node n = open_.top();
        open_.pop();
        if (n.bound > cut()) continue;
        dive(std::move(n));
      }
    }
    r.nodes = nodes_;
    r.lp_solves = lp_.solves();
    r.proven = !stopped_;
    // The proven bound of a stopped search: the least bound of the nodes not yet examined.
    double open_bound = INFINITY;
    for (; !open_.empty(); open_.pop()) open_bound = std::min(open_bound, open_.top().bound);
    open_bound = std::min(open_bound, stop_bound_);
    if (near_.empty()) {
      r.found = false;
      r.lower_bound = stopped_ ? open_bound : root_bound_;
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
    r.lower_bound = stopped_ ? std::min(open_bound, z) : z;
    return r;
  }

private:
  static constexpr char kFree = 0, kZero = 1, kOne = 2;
  const scenario& sc_;
  objective o_;
  std::uint64_t limit_;
  const std::vector<phase>& cands_;
  std::vector<std::size_t> pool_of_;
  std::vector<std::size_t> pos_; // candidate -> its position in its pool (key order)
  std::vector<std::vector<std::size_t>> pools_;
  std::vector<char> state_;           // the current node's fixing of each column
  std::vector<std::uint32_t> fixed_;  // the columns the current node fixes
  std::vector<char> open_pool_;       // the current node requires a phase of this pool
  std::vector<std::uint32_t> opened_; // the pools it requires
  std::priority_queue<node, std::vector<node>, node_after> open_;
  std::uint64_t seq_ = 0;
  std::vector<std::pair<std::vector<phase>, double>> near_; // schedules within the tie window
  double best_ = INFINITY;
  double root_bound_ = 0;
  double stop_bound_ = INFINITY; // the bound of the node a work limit interrupted
  // Reduced-cost fixing at the root: candidate i is banned once root_lp_ + root_reduced_[i]
  // exceeds the incumbent by kSlack (lp_bound.hpp, reduced_cost: every schedule holding i costs
  // at least that, so none of them is in the tie window). Bans only grow as best_ falls.
  double root_lp_ = INFINITY;
  std::vector<double> root_reduced_;
  std::vector<char> banned_;
  std::uint64_t nodes_ = 0;
  bool stopped_ = false;
  lp_bound lp_;
  rounding round_;
  std::uint64_t next_round_ = 0; // the node count at which the next LP solution is rounded

  double cut() const { return best_ + kSlack * std::fabs(best_); }

  // The root LP just solved (bound lb): its reduced costs for the bans, and the bans.
  void take_root(double lb) {
    root_reduced_.resize(cands_.size());
    for (std::size_t i = 0; i < cands_.size(); ++i) root_reduced_[i] = lp_.reduced_cost(i);
    root_lp_ = lb;
    if (std::isfinite(best_)) rebans();
  }

  // Pseudocosts (branching order only): per pool, kind (0: holds a phase or not, 1: the split)
  // and side, the mean rise of the LP bound per unit of the LP mass the branching moved.
  std::vector<double> pc_sum_;
  std::vector<int> pc_count_;
  double pc_all_ = 0;
  int pc_all_count_ = 0;

  void learn(const node& n, double lb) {
    if (n.slot < 0 || n.frac <= kIntegral) return;
    const double rise = std::isfinite(lb) ? std::max(0.0, lb - n.bound) : std::fabs(n.bound);
    const double per = rise / n.frac;
    pc_sum_[static_cast<std::size_t>(n.slot)] += per;
    ++pc_count_[static_cast<std::size_t>(n.slot)];
    pc_all_ += per;
    ++pc_all_count_;
  }
  double pseudocost(std::size_t slot) const {
    if (pc_count_[slot]) return pc_sum_[slot] / pc_count_[slot];
    return pc_all_count_ ? pc_all_ / pc_all_count_ : 0.0;
  }
  // The product score of a branching whose two sides move `f0` and `f1` of LP mass; `fallback`
  // orders the branchings before any pseudocost is known.
  double score(std::size_t q, int kind, double f0, double f1, double fallback) const {
    if (!pc_all_count_) return fallback;
    const std::size_t base = q * 4 + static_cast<std::size_t>(kind) * 2;
    const double eps = 1e-6 * std::max(1.0, pc_all_ / pc_all_count_);
    return std::max(eps, pseudocost(base) * f0) * std::max(eps, pseudocost(base + 1) * f1);
  }

  // Column j's bounds from the current node's fixing and the root's bans.
  void apply_column(std::size_t j) {
    const char s = state_[j];
    if (s == kOne)
      lp_.set_column(j, 1.0, 1.0);
    else if (s == kZero || banned_[j])
      lp_.set_column(j, 0.0, 0.0);
    else
      lp_.set_column(j, 0.0, 1.0);
  }

  // Applies fixing f on top of the current ones.
  void apply_fix(std::uint32_t f) {
    const std::uint32_t id = f >> 3;
    switch (f & 7) {
    case kFixOpen:
      if (!open_pool_[id]) {
        open_pool_[id] = 1;
        opened_.push_back(id);
        lp_.require_pool(pools_[id].front(), true);
      }
      return;
    case kFixClose:
      for (std::size_t j : pools_[id]) zero(j);
      return;
    case kFixUpTo:
    case kFixAfter: {
      const std::vector<std::size_t>& pool = pools_[pool_of_[id]];
      const bool up_to = (f & 7) == kFixUpTo;
      for (std::size_t i = up_to ? 0 : pos_[id] + 1; i < (up_to ? pos_[id] + 1 : pool.size()); ++i)
        zero(pool[i]);
      return;
    }
    default:
      state_[id] = (f & 7) == kFixOne ? kOne : kZero;
      fixed_.push_back(id);
      apply_column(id);
    }
  }
  void zero(std::size_t j) {
    if (state_[j] != kFree) return;
    state_[j] = kZero;
    fixed_.push_back(static_cast<std::uint32_t>(j));
    apply_column(j);
  }

  // Makes `fix` the LP's fixings: the previous node's are undone, then these applied.
  void load(const std::vector<std::uint32_t>& fix) {
    for (std::uint32_t j : fixed_) state_[j] = kFree;
    std::vector<std::uint32_t> old;
    old.swap(fixed_);
    for (std::uint32_t q : opened_) {
      open_pool_[q] = 0;
      lp_.require_pool(pools_[q].front(), false);
    }
    opened_.clear();
    for (std::uint32_t f : fix) apply_fix(f);
    for (std::uint32_t j : old)
      if (state_[j] == kFree) apply_column(j);
  }

  // A schedule (candidate positions, any order): kept when it passes MODEL.md's exact check and
  // lies within the tie window of the best so far. Integral LP solutions and the rounding
  // heuristic both offer theirs here; every prune keeps the tie window (kSlack > kTie), so which
  // schedule is offered first changes what is pruned, never the result.
  void offer(const std::vector<std::size_t>& picks) {
    std::vector<phase> chosen;
    chosen.reserve(picks.size());
    for (std::size_t i : picks) chosen.push_back(cands_[i]);
    std::sort(chosen.begin(), chosen.end(),
              [](const phase& a, const phase& b) { return a.index < b.index; });
    if (!check_schedule(sc_, chosen).empty()) return;
    double z = 0;
    for (const phase& p : chosen) z += phase_objective(p, o_);
    if (z > best_ + kTie * std::fabs(best_)) return;
    for (const auto& n : near_) // the same schedule can be offered twice
      if (n.first.size() == chosen.size() && !tie_before(n.first, chosen) &&
          !tie_before(chosen, n.first))
        return;
    const bool better = z < best_;
    best_ = std::min(best_, z);
    near_.emplace_back(std::move(chosen), z);
    std::vector<std::pair<std::vector<phase>, double>> keep;
    for (auto& n : near_)
      if (n.second <= best_ + kTie * std::fabs(best_)) keep.push_back(std::move(n));
    near_ = std::move(keep);
    if (better) rebans();
  }

  // The rounding heuristic (rounding.hpp) on the current LP solution: at the root, then every
  // kRoundEvery nodes, at two thresholds (the LP's near-choices only; every pool's largest).
  void heuristic() {
    constexpr std::uint64_t kRoundEvery = 200;
    if (nodes_ < next_round_) return;
    next_round_ = nodes_ + kRoundEvery;
    std::vector<double> x(cands_.size());
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = lp_.value(i);
    for (double theta : {0.5, 1e-6}) {
      const std::vector<std::size_t> picks = round_.round(x, theta);
      if (!picks.empty()) offer(picks);
    }
  }

  // Brings the root's bans up to date with best_; a column the current node fixes keeps its
  // fixing until the node is left (a banned choice there is pruned by the LP bound, which is at
  // least root_lp_ + its reduced cost).
  void rebans() {
    if (!std::isfinite(root_lp_)) return;
    const double c = cut();
    for (std::size_t i = 0; i < cands_.size(); ++i)
      if (!banned_[i] && root_lp_ + root_reduced_[i] > c) {
        banned_[i] = 1;
        if (state_[i] == kFree) lp_.set_column(i, 0.0, 0.0);
      }
  }

  // Node `n` and then, while it has children, the child on the LP's side of the branching
  // column (a dive); the other child waits in open_ under its parent's bound.
  void dive(node n) {
    load(n.fix);
    for (;;) {
      if (limit_ && nodes_ >= limit_) {
        stopped_ = true;
        stop_bound_ = std::min(stop_bound_, n.bound);
        return;
      }
      ++nodes_;
      const double lb = lp_.solve();
      learn(n, lb);
      if (!std::isfinite(lb) || lb > cut()) return;
      heuristic();
      if (lb > cut()) return;
      node next;
      if (!expand_one(n, std::max(lb, n.bound), next)) return;
      // The dive's child holds its parent's fixings and a few more.
      const std::size_t had = n.fix.size();
      n = std::move(next);
      for (std::size_t i = had; i < n.fix.size(); ++i) apply_fix(n.fix[i]);
    }
  }

  // The root: as a dive step without the solve (done in run()).
  void expand(const node& n, double lb) {
    node next;
    if (!expand_one(n, lb, next)) return;
    open_.push(std::move(next));
  }

  // Branches node `n` (its LP solved, bound lb): queues one child and returns the other in
  // `dive_into`; false when the node needs no children. Every schedule of the node lies in a
  // child, so the search stays exact whichever branching is chosen:
  // - a pool whose LP sum is fractional: it holds a phase (kFixOpen) or none (its free columns
  //   to 0);
  // - else a pool whose LP mass is split over several of its candidates (in key order): the
  //   candidates up to the split point to 0, or those after it (a schedule with a phase of the
  //   pool is in one child; one without it in both);
  // - else the LP solution is integral: it is offered as a schedule, and the node still branches
  //   while its bound leaves room for another schedule of the tie window, on a column at 1 not
  //   yet fixed, else on the free column of least reduced cost (x_j = 0 or x_j = 1).
  // The pool with the most objective at stake (fractional part times its mean objective) goes
  // first; the dive follows the LP's side.
  bool expand_one(const node& n, double lb, node& dive_into) {
    std::size_t gub = pools_.size(), sos = pools_.size();
    double gub_score = -1, sos_score = -1;
    for (std::size_t q = 0; q < pools_.size(); ++q) {
      double sum = 0, most = 0, cost = 0;
      int positive = 0;
      for (std::size_t j : pools_[q]) {
        if (state_[j] == kZero || (state_[j] == kFree && banned_[j])) continue;
        const double x = state_[j] == kOne ? 1.0 : lp_.value(j);
        if (x <= kIntegral) continue;
        sum += x;
        most = std::max(most, x);
        cost += x * std::fabs(phase_objective(cands_[j], o_));
        ++positive;
      }
      if (sum <= kIntegral) continue;
      const double mean = cost / sum;
      if (!open_pool_[q] && sum < 1 - kIntegral) {
        // Side 0 closes the pool (moves `sum`), side 1 opens it (moves 1 - sum).
        const double score = this->score(q, 0, sum, 1 - sum, std::min(sum, 1 - sum) * mean);
        if (score > gub_score) {
          gub_score = score;
          gub = q;
        }
      } else if (positive >= 2 && most < 1 - kIntegral) {
        const double score = this->score(q, 1, 1 - most, 1 - most, (1 - most) * mean);
        if (score > sos_score) {
          sos_score = score;
          sos = q;
        }
      }
    }
    node a{lb, seq_++, n.fix, -1, 0}, b{lb, seq_++, n.fix, -1, 0};
    if (gub < pools_.size()) {
      double sum = 0;
      a.fix.push_back(static_cast<std::uint32_t>(gub) << 3 | kFixOpen);
      b.fix.push_back(static_cast<std::uint32_t>(gub) << 3 | kFixClose);
      for (std::size_t j : pools_[gub])
        if (state_[j] == kFree && !banned_[j]) sum += std::max(0.0, lp_.value(j));
      a.slot = static_cast<std::int64_t>(gub * 4 + 1);
      a.frac = 1 - sum;
      b.slot = static_cast<std::int64_t>(gub * 4);
      b.frac = sum;
      return branch(std::move(a), std::move(b), sum >= 0.5, dive_into);
    }
    if (sos < pools_.size()) {
      std::vector<std::size_t> free;
      double sum = 0;
      for (std::size_t j : pools_[sos])
        if (state_[j] == kFree && !banned_[j]) {
          free.push_back(j);
          sum += std::max(0.0, lp_.value(j));
        }
      // The split: after the first candidate at which the LP mass reaches half, kept inside so
      // that both sides hold some of it.
      std::size_t first = free.size(), last = 0, split = 0;
      for (std::size_t i = 0; i < free.size(); ++i)
        if (lp_.value(free[i]) > kIntegral) {
          first = std::min(first, i);
          last = i;
        }
      double acc = 0;
      for (split = first; split < last; ++split) {
        acc += std::max(0.0, lp_.value(free[split]));
        if (acc >= sum / 2) break;
      }
      if (split >= last) split = last - 1;
      double left = 0;
      for (std::size_t i = 0; i <= split; ++i) left += std::max(0.0, lp_.value(free[i]));
      const auto at = static_cast<std::uint32_t>(free[split]) << 3;
      a.fix.push_back(at | kFixAfter);
      b.fix.push_back(at | kFixUpTo);
      // a keeps the candidates up to the split, b those after it.
      a.slot = static_cast<std::int64_t>(sos * 4 + 2);
      a.frac = sum - left;
      b.slot = static_cast<std::int64_t>(sos * 4 + 3);
      b.frac = left;
      return branch(std::move(a), std::move(b), left >= sum / 2, dive_into);
    }
    std::vector<std::size_t> picks;
    for (std::size_t j = 0; j < cands_.size(); ++j)
      if (state_[j] == kOne || (state_[j] == kFree && !banned_[j] && lp_.value(j) > 0.5))
        picks.push_back(j);
    offer(picks);
    if (lb > cut()) return false;
    std::size_t pick = cands_.size();
    for (std::size_t j : picks)
      if (state_[j] == kFree) {
        pick = j;
        break;
      }
    bool up_first = true;
    if (pick == cands_.size()) {
      double least = INFINITY;
      for (std::size_t j = 0; j < cands_.size(); ++j)
        if (state_[j] == kFree && !banned_[j] && lb + lp_.reduced_cost(j) <= cut() &&
            lp_.reduced_cost(j) < least) {
          least = lp_.reduced_cost(j);
          pick = j;
        }
      up_first = false;
    }
    if (pick == cands_.size()) return false; // nothing left that could change the schedule
    a.fix.push_back(static_cast<std::uint32_t>(pick) << 3 | kFixOne);
    b.fix.push_back(static_cast<std::uint32_t>(pick) << 3 | kFixZero);
    // x_j = 1 costs at least lb + d_j (lp_bound.hpp, reduced_cost).
    a.bound = std::max(lb, lb + lp_.reduced_cost(pick));
    if (a.bound > cut()) {
      dive_into = std::move(b);
      return true;
    }
    return branch(std::move(a), std::move(b), up_first, dive_into);
  }

  // Queues one of two children and returns the other (`a` when a_first) to dive into.
  bool branch(node a, node b, bool a_first, node& dive_into) {
    if (a_first) std::swap(a, b);
    open_.push(std::move(a));
    dive_into = std::move(b);
    return true;
  }
};

} // namespace

search_result search_schedule(const scenario& sc, const std::vector<phase>& candidates, objective o,
                              std::uint64_t work_limit) {
  return searcher(sc, candidates, o, work_limit).run();
}

} // namespace dcplan::detail
