// Dominance between the states of one stage (see dcplan/portfolio/detail/search.hpp): a state
// is dropped when another has at least its FLOP/s, at most its objective (and capex or TCO
// where a budget binds) and wins every tie-break after any common completion.
#include <algorithm>
#include <iterator>
#include <map>

#include "dcplan/portfolio/detail/search.hpp"

namespace dcplan::detail {

// Whether a's members, their ranking keys sorted, come before b's (as many members each). The
// lists differ only in the members each has and the other lacks; the least of those decides:
// before it the lists agree, and at it the one that has it shows the smaller key. Links are
// stored after their parents, so the chains are walked back together to where they join.
bool dominance_search::keys_before(const state& a, const state& b) const {
  std::vector<const pool_candidate*>& xa = scratch_a_;
  std::vector<const pool_candidate*>& xb = scratch_b_;
  xa.clear();
  xb.clear();
  if (a.item != nullptr) xa.push_back(a.item);
  if (b.item != nullptr) xb.push_back(b.item);
  for (std::int32_t la = a.parent, lb = b.parent; la != lb;) {
    if (la > lb) {
      xa.push_back(arena_[static_cast<std::size_t>(la)].item);
      la = arena_[static_cast<std::size_t>(la)].parent;
    } else {
      xb.push_back(arena_[static_cast<std::size_t>(lb)].item);
      lb = arena_[static_cast<std::size_t>(lb)].parent;
    }
  }
  const pool_candidate* least = nullptr;
  bool from_a = false;
  const auto consider = [&](const std::vector<const pool_candidate*>& mine,
                            const std::vector<const pool_candidate*>& other, bool is_a) {
    for (const pool_candidate* r : mine) {
      if (std::find(other.begin(), other.end(), r) != other.end()) continue; // both have it
      if (least == nullptr || rank_less(key_of(*r), key_of(*least))) {
        least = r;
        from_a = is_a;
      }
    }
  };
  consider(xa, xb, true);
  consider(xb, xa, false);
  return least != nullptr && from_a;
}

// e (sorted before s) wins every tie-break against s after any common completion.
bool dominance_search::wins_ties(const state& e, const state& s) const {
  if (e.sum[kObj] < s.sum[kObj]) return true;
  if (e.members != s.members) return e.members < s.members;
  return !keys_before(s, e);
}

// e has at least s's FLOP/s and at most its spend on each budget dominance compares.
bool dominance_search::covers(const state& e, const state& s) const {
  return e.sum[kFlops] >= s.sum[kFlops] && (!dims_.capex || e.sum[kCapex] <= s.sum[kCapex]) &&
         (!dims_.tco || e.sum[kTco] <= s.sum[kTco]);
}

// Keeps the states no other state dominates. The states are sorted by objective, members and
// keys, so a dominating state comes first; with one budget compared, a staircase of the most
// FLOP/s at each spend among the states of smaller objective answers each state in a look-up.
// Long: the sort, the staircase and the scans share their indices; split, they would not read
// more easily.
void dominance_search::filter(std::vector<state>& v) const {
  std::stable_sort(v.begin(), v.end(), [&](const state& a, const state& b) {
    if (a.sum[kObj] != b.sum[kObj]) return a.sum[kObj] < b.sum[kObj];
    if (a.members != b.members) return a.members < b.members;
    return a.sum[kFlops] > b.sum[kFlops];
  });
  // Equal objective and members: order by the sorted ranking keys, so the first of a tie wins.
  for (std::size_t b = 0; b < v.size();) {
    std::size_t e = b + 1;
    while (e < v.size() && v[e].sum[kObj] == v[b].sum[kObj] && v[e].members == v[b].members) ++e;
    if (e - b > 1)
      std::stable_sort(v.begin() + static_cast<std::ptrdiff_t>(b),
                       v.begin() + static_cast<std::ptrdiff_t>(e),
                       [&](const state& x, const state& y) { return keys_before(x, y); });
    b = e;
  }
  std::vector<state> kept;
  kept.reserve(v.size());
  std::size_t ins = 0;             // kept[0, ins) have a smaller objective than s
  wide best_f = -(wide{1} << 126); // 2 figures: the most FLOP/s among them (below any sum)
  std::map<wide, wide> stair;      // with budgets: x (capex or TCO) -> the most FLOP/s
  const int xk = dims_.capex ? kCapex : kTco;
  for (const state& s : v) {
    while (ins < kept.size() && kept[ins].sum[kObj] < s.sum[kObj]) {
      const state& e = kept[ins++];
      const wide ef = e.sum[kFlops];
      if (!dims_.capex && !dims_.tco) {
        best_f = std::max(best_f, ef);
        continue;
      }
      const wide x = e.sum[xk];
      const auto at = stair.upper_bound(x);
      if (at != stair.begin() && std::prev(at)->second >= ef) continue; // adds nothing
      auto [pos, fresh] = stair.emplace(x, ef);
      if (!fresh) {
        if (pos->second >= ef) continue;
        pos->second = ef;
      }
      auto next = std::next(pos);
      while (next != stair.end() && next->second <= ef) next = stair.erase(next);
    }
    bool dominated = false;
    if (!dims_.capex && !dims_.tco) {
      dominated = best_f >= s.sum[kFlops];
    } else {
      auto it = stair.upper_bound(s.sum[xk]);
      if (it != stair.begin() && std::prev(it)->second >= s.sum[kFlops]) {
        if (dims_.capex && dims_.tco) {
          // Dominance only ever drops states, so a bounded look (the latest kept) is exact too.
          for (std::size_t k = ins, m = 0; k-- > 0 && m < kScan && !dominated; ++m)
            dominated = covers(kept[k], s);
        } else {
          dominated = true;
        }
      }
    }
    for (std::size_t k = kept.size(), m = 0; k-- > ins && m < kScan && !dominated; ++m)
      dominated = covers(kept[k], s) && wins_ties(kept[k], s);
    if (!dominated) kept.push_back(s);
  }
  v.swap(kept);
}

} // namespace dcplan::detail
