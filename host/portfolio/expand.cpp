// The exact search's expansion (see dcplan/portfolio/detail/search.hpp): the tests a state must
// pass to be kept, and the stages that expand the states, breadth-first or depth-first. The
// tests and the expansion share this file so that the hot loop inlines them.
#include <algorithm>
#include <cmath>

#include "dcplan/portfolio/detail/search.hpp"

namespace dcplan::detail {

// What a portfolio must not exceed to matter: the incumbent's objective, the cutoff, or a
// budget on the objective's own figure.
double dominance_search::limit() const {
  return std::min({best_.feasible ? best_.objective : kInf, cfg_.cutoff, cap_});
}

// The fewest members still to add to find r more FLOP/s (the largest plans left first).
std::size_t dominance_search::min_more(std::size_t i, double r) const {
  if (r <= 0) return 0;
  const auto& m = more_[i];
  return static_cast<std::size_t>(std::lower_bound(m.begin(), m.end(), r) - m.begin());
}

// Bounds are sums of doubles of size up to `mag`: lowered by kSafe of that, they never cut off
// the optimum through rounding.
bool dominance_search::surely_above(double v, double mag) const {
  return has_limit() && v - kSafe * mag > limit();
}

// Whether a bound v (of a portfolio with at least `members` members) may still beat the
// incumbent. At or above its objective only the tie-breaks can: fewer members, or as many and
// smaller ranking keys, which keys_lose tests when the state `s` at stage i is given.
bool dominance_search::promising(double v, std::size_t members, double mag, const state* s,
                                 std::size_t i) const {
  if (!has_limit()) return true;
  const double low = v - kSafe * mag;
  if (low > limit()) return false;
  if (!best_.feasible || low < best_.objective) return true;
  if (members > best_.members.size()) return false;
  return !(s != nullptr && members == best_.members.size() && keys_lose(i, *s));
}

// Whether every portfolio completing state s (stage i) with as many members as the incumbent
// has ranking keys, sorted, no smaller than the incumbent's. Its members are s's and others
// from pools i, i + 1, ...; each of those has a key at least least_key_[i], and sorted lists
// only grow (element by element, so lexicographically) when an element grows. So the
// completion with every other member at least_key_[i] bounds them all from below.
bool dominance_search::keys_lose(std::size_t i, const state& s) const {
  const std::size_t m = best_.members.size();
  if (s.members > m) return true;
  if (s.members < m && !least_key_[i]) return true; // cannot reach m members
  std::vector<rank_key>& g = scratch_keys_;
  g.clear();
  if (s.item != nullptr) g.push_back(key_of(*s.item));
  for (std::int32_t k = s.parent; k >= 0; k = arena_[static_cast<std::size_t>(k)].parent)
    g.push_back(key_of(*arena_[static_cast<std::size_t>(k)].item));
  g.resize(m, least_key_[i] ? *least_key_[i] : rank_key{});
  std::sort(g.begin(), g.end(), rank_less);
  return !std::lexicographical_compare(g.begin(), g.end(), best_keys_.begin(), best_keys_.end(),
                                       rank_less);
}

// Whether state s may still lead to a portfolio that beats the incumbent from stage i on: each
// bound (its own header says why it is valid) in turn, the cheapest and strongest first.
bool dominance_search::alive(std::size_t i, const state& s) const {
  const double r = required_ - s.f;
  const std::size_t members = s.members + min_more(i, r);
  const auto may = [&](double v, double mag) { return promising(v, members, mag, &s, i); };
  if (has_limit() && i + 1 == pools_.size())
    return last_.admits(s, r,
                        [&](double v, double mag) { return promising(v, s.members + 1, mag); });
  // The budget bound first: one look-up a table, and the strongest where it applies.
  if (has_limit() && !knap_.empty() && !knap_.admits(i, s, r, may)) return false;
  if (has_limit() && !cover_.empty() && !cover_.admits(i, s, r, may)) return false;
  if (!lp_.admits(i, s, r, may)) return false;
  // The LP bound at other budget prices, where no budget bound applies (it is stronger).
  if (has_limit() && knap_.empty())
    return priced_lp_.admits(i, s, r,
                             [&](double v, double mag) { return promising(v, members, mag); });
  return true;
}

// The LP bound of state s from stage i on (w and the priced budgets, see budget_prices).
double dominance_search::bound(std::size_t i, const state& s) const {
  return prices_.w(s) + lp_.objective(i).at(required_ - s.f) - prices_.priced;
}

// Makes a state's member of this stage a link of the arena.
void dominance_search::push_link(state& t) {
  if (t.item == nullptr) return;
  arena_.push_back({t.parent, t.item});
  t.parent = static_cast<std::int32_t>(arena_.size() - 1);
  t.item = nullptr;
}

std::vector<pool_candidate> dominance_search::members_of(std::int32_t node,
                                                         const pool_candidate* item) const {
  std::vector<pool_candidate> m;
  if (item != nullptr) m.push_back(*item);
  for (std::int32_t k = node; k >= 0; k = arena_[static_cast<std::size_t>(k)].parent)
    m.push_back(*arena_[static_cast<std::size_t>(k)].item);
  return m;
}

// The children of state s at stage i (no member from pool i, or one of its plans) that may
// still win, to `emit`; complete portfolios go to the incumbent instead.
template <class Emit>
void dominance_search::expand(std::size_t i, const state& s, Emit emit) {
  if (done()) return;
  if ((++nodes_ & 1023) == 0 && cancel_ != nullptr && cancel_->load()) stopped_ = true;
  if (cfg_.work_limit > 0 && work_ >= cfg_.work_limit) stopped_ = limited_ = true;
  ++work_;
  if (done() || !alive(i, s)) return;
  const pool_data& d = pools_[i];
  const double r = required_ - s.f;
  const double lb = lp_.objective(i).at(r);
  const double ws = prices_.w(s);
  const double mag = std::fabs(ws) + std::fabs(lb) + std::fabs(prices_.priced);
  if (d.none_ok) {
    state t = s;
    t.item = nullptr;
    if (alive(i + 1, t)) emit(t);
  }
  for (std::size_t j = 0; j < d.items.size(); ++j) {
    // Every later plan lies at least as far above the hull: none can beat the incumbent.
    if (surely_above(ws + lb - prices_.priced + d.excess[j], mag + d.excess[j])) break;
    ++work_;
    const pool_candidate& it = d.items[j];
    const auto& x = d.exact[j];
    const state t{s.f + it.flops,
                  s.obj + it.obj,
                  s.capex + it.capex,
                  s.tco + it.tco,
                  {s.sum[0] + x[0], s.sum[1] + x[1], s.sum[2] + x[2], s.sum[3] + x[3]},
                  s.members + 1,
                  s.parent,
                  &it};
    if (t.sum[kFlops] >= req_) {
      if (promising(t.obj, t.members, std::fabs(t.obj)))
        offer(evaluate_members(members_of(t.parent, t.item), p_, required_));
      continue;
    }
    if (alive(i + 1, t)) emit(t);
  }
}

// Every state when beam is 0; otherwise at most `beam` states per stage, those with the least
// bound (a heuristic pass that only finds incumbents). Past kMaxStates states the search goes
// on depth-first, so memory stays bounded.
void dominance_search::search(std::size_t beam) {
  arena_.clear();
  // A budget that even the largest member of every pool together stays under cannot bind, and
  // one on the objective's own figure is covered by the objective: neither needs a place in
  // dominance (the members' own test still applies).
  dims_ = budget_dims(pools_, p_);
  std::vector<state> cur{root_state()}, next;
  if (required_ <= 0) {
    offer(evaluate_members({}, p_, required_));
    return;
  }
  for (std::size_t i = 0; i < pools_.size() && !cur.empty() && !done(); ++i) {
    // Drop what the incumbent found during this stage rules out, then the dominated: whenever
    // the children outgrow twice what the last such pass left, and at the end.
    const auto prune = [&] {
      next.erase(std::remove_if(next.begin(), next.end(),
                                [&](const state& t) { return !alive(i + 1, t); }),
                 next.end());
      filter(next);
    };
    next.clear();
    std::size_t kept = 0;
    for (const state& s : cur) {
      expand(i, s, [&](const state& t) { next.push_back(t); });
      if (next.size() >= std::max(kMaxStates, 2 * kept)) {
        prune();
        kept = next.size();
      }
    }
    prune();
    if (beam > 0 && next.size() > beam) {
      std::vector<std::pair<double, std::size_t>> by_bound;
      for (std::size_t k = 0; k < next.size(); ++k) by_bound.push_back({bound(i + 1, next[k]), k});
      std::nth_element(by_bound.begin(), by_bound.begin() + static_cast<std::ptrdiff_t>(beam),
                       by_bound.end());
      by_bound.resize(beam);
      std::sort(by_bound.begin(), by_bound.end(),
                [](const auto& a, const auto& b) { return a.second < b.second; });
      std::vector<state> narrow;
      narrow.reserve(by_bound.size());
      for (const auto& b : by_bound) narrow.push_back(next[b.second]);
      next.swap(narrow);
    }
    for (state& t : next) push_link(t);
    cur.swap(next);
    if (beam == 0 && cur.size() > kMaxStates) {
      depth_first(i + 1, cur);
      return;
    }
  }
}

// Depth-first search from stage i over `states` (members already links), best bound first.
void dominance_search::depth_first(std::size_t i, std::vector<state> states) {
  std::stable_sort(states.begin(), states.end(),
                   [&](const state& a, const state& b) { return bound(i, a) < bound(i, b); });
  for (const state& s : states) dive(i, s);
}

void dominance_search::dive(std::size_t i, state s) {
  if (i == pools_.size()) return;
  std::vector<state> children;
  expand(i, s, [&](const state& t) { children.push_back(t); });
  std::stable_sort(children.begin(), children.end(), [&](const state& a, const state& b) {
    return bound(i + 1, a) < bound(i + 1, b);
  });
  for (state t : children) {
    if (done()) return;
    if (!alive(i + 1, t)) continue; // the incumbent may have improved meanwhile
    const bool linked = t.item != nullptr;
    push_link(t);
    dive(i + 1, t);
    if (linked) arena_.pop_back();
  }
}

} // namespace dcplan::detail
