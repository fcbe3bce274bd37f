// The candidates of each capacity pool (MODEL.md "Portfolios"): the exact sweep over candidates
// sorted by pool and ranking key, the accumulation across chunks, and a plain reference.
#include <algorithm>
#include <iterator>
#include <map>

#include "dcplan/model/errors.hpp"
#include "dcplan/engine/pool_candidates.hpp"

namespace dcplan {

pareto_dims pareto_dims_of(const scenario& sc) {
  return {sc.budget_capex_usd.has_value() && sc.obj != objective::capex,
          sc.budget_tco_usd.has_value() && sc.obj != objective::tco};
}

namespace {

// Records of one pool, in ranking order: every earlier record is ranked before (and so has an
// objective no larger than) the current one, so q is dominated exactly when an earlier kept
// record beats it on FLOP/s and on the extra figures.
void sweep_pool(const pool_candidate* r, std::size_t n, pareto_dims d,
                std::vector<pool_candidate>& out) {
  const std::size_t first_kept = out.size();
  if (!d.capex && !d.tco) {
    double best = -1;
    for (std::size_t i = 0; i < n; ++i) {
      if (r[i].flops > best) {
        out.push_back(r[i]);
        best = r[i].flops;
      }
    }
    return;
  }
  // Staircase of the kept records on (x, FLOP/s), x the first extra figure: entries with larger
  // x hold more FLOP/s, so the entry at or below x_q holds the most FLOP/s for x <= x_q. A kept
  // record enters it only when that entry holds less FLOP/s than it: with both extra figures a
  // record can be kept (on TCO) while an entry at or below its x already covers it, and entering
  // it then would put an entry with less FLOP/s after one with more, hiding the larger entry
  // from later queries and keeping records it dominates.
  const bool use_capex = d.capex;
  std::map<double, double> stair;
  for (std::size_t i = 0; i < n; ++i) {
    const pool_candidate& q = r[i];
    const double x = use_capex ? q.capex : q.tco;
    auto it = stair.upper_bound(x);
    const bool covered = it != stair.begin() && std::prev(it)->second >= q.flops;
    if (covered) {
      // Dominated on (x, FLOP/s); with a second extra figure, check the kept records in full.
      if (!(d.capex && d.tco)) continue;
      bool dominated = false;
      for (std::size_t k = out.size(); k-- > first_kept;) {
        if (dominates(out[k], q, d)) {
          dominated = true;
          break;
        }
      }
      if (dominated) continue;
      out.push_back(q); // kept on TCO; the staircase already covers it on (x, FLOP/s)
      continue;
    }
    out.push_back(q);
    auto [pos, fresh] = stair.emplace(x, q.flops);
    if (!fresh) pos->second = q.flops; // not covered, so more FLOP/s than the entry at x
    auto next = std::next(pos);
    while (next != stair.end() && next->second <= q.flops) next = stair.erase(next);
  }
}

} // namespace

std::vector<pool_candidate> sweep_sorted(const pool_candidate* r, std::size_t n, pareto_dims d) {
  std::vector<pool_candidate> out;
  std::size_t b = 0;
  while (b < n) {
    std::size_t e = b;
    while (e < n && r[e].pool == r[b].pool) ++e;
    sweep_pool(r + b, e - b, d, out);
    b = e;
  }
  return out;
}

candidate_builder::candidate_builder(int pools, pareto_dims d)
    : pools_(pools), d_(d), reps_(static_cast<std::size_t>(pools) * kFlopBins) {
  for (auto& r : reps_) r.pool = -1;
}

void candidate_builder::refresh_reps(const pool_candidate* r, std::size_t n) {
  // The representative of a (pool, bin) is its best-ranked plan seen so far.
  for (std::size_t i = 0; i < n; ++i) {
    pool_candidate& rep =
        reps_[static_cast<std::size_t>(r[i].pool) * kFlopBins + flop_bin(r[i].flops)];
    if (rep.pool < 0 || rank_less(key_of(r[i]), key_of(rep))) rep = r[i];
  }
}

void candidate_builder::add_sorted(const pool_candidate* r, std::size_t n) {
  const std::vector<pool_candidate> local = sweep_sorted(r, n, d_);
  refresh_reps(local.data(), local.size());
  acc_.insert(acc_.end(), local.begin(), local.end());
  if (acc_.size() > 2 * compacted_ + (std::size_t{1} << 16)) compact();
}

void candidate_builder::compact() {
  std::sort(acc_.begin(), acc_.end(), detail::pool_then_rank{});
  acc_ = sweep_sorted(acc_.data(), acc_.size(), d_);
  compacted_ = acc_.size();
}

std::vector<pool_candidate> candidate_builder::finish() {
  compact();
  return std::move(acc_);
}

std::vector<pool_candidate> find_pool_candidates_reference(const scenario& sc,
                                                           const plan_space& sp) {
  const model_view v = make_model_view(sc);
  const pareto_dims d = pareto_dims_of(sc);
  std::vector<pool_candidate> cand;
  for (std::uint64_t i = 0; i < sp.total; ++i) {
    const pool_candidate r = detail::rec_of_plan{v, sp.view()}(i);
    if (r.pool >= 0) cand.push_back(r);
  }
  std::vector<pool_candidate> out;
  for (const pool_candidate& q : cand) {
    bool dominated = false;
    for (const pool_candidate& p : cand)
      if (p.pool == q.pool && dominates(p, q, d)) {
        dominated = true;
        break;
      }
    if (!dominated) out.push_back(q);
  }
  std::sort(out.begin(), out.end(), detail::pool_then_rank{});
  return out;
}

pool_candidates_result find_pool_candidates(const scenario& sc, const plan_space& sp,
                                            backend_kind backend, const engine_options& opt) {
  return backend == backend_kind::cuda ? find_pool_candidates_cuda(sc, sp, opt)
                                       : find_pool_candidates_cpu(sc, sp, opt);
}

} // namespace dcplan
