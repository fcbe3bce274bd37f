// The pool-candidate pass on the CPU (MODEL.md "Portfolios"). By default the pruned pass of
// detail/pareto_prune.hpp: samples give a first set of known candidates per pool, then each
// combination is bisected over its node counts and only the ranges those candidates do not
// dominate are evaluated, in parallel over combinations. With `reference` set, the plain Thrust
// pass (detail::candidate_chunk under thrust::omp::par, the CUDA backend's code) instead.
#include <algorithm>
#include <chrono>
#include <vector>

#include <omp.h>
#include <thrust/system/omp/execution_policy.h>

#include "dcplan/engine/detail/omp_threads.hpp"
#include "dcplan/engine/detail/pareto.hpp"
#include "dcplan/engine/detail/pareto_prune.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/engine/pool_candidates.hpp"

namespace dcplan {
namespace {

// One combination's share of the selected plan range: offsets [b, e) within combination k.
struct combo_range {
  int k;
  std::uint64_t b, e;
};

std::vector<combo_range> ranges_of(const plan_space& sp, std::uint64_t range_b,
                                   std::uint64_t range_e) {
  std::vector<combo_range> out;
  for (std::size_t k = 0; k < sp.combos.size(); ++k) {
    const std::uint64_t base = sp.starts[k], count = sp.combos[k].count;
    const std::uint64_t b = range_b > base ? std::min(count, range_b - base) : 0;
    const std::uint64_t e = range_e > base ? std::min(count, range_e - base) : 0;
    if (b < e) out.push_back({static_cast<int>(k), b, e});
  }
  return out;
}

// Runs `body(range, out)` over every combination range in parallel (dynamic schedule) and
// returns the records every call appended, in combination order (so independent of threads).
template <class Body>
std::vector<pool_candidate> gather(const std::vector<combo_range>& ranges,
                                   const engine_options& opt, Body body) {
  std::vector<std::vector<pool_candidate>> per(ranges.size());
  bool stopped = false;
#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (opt.cancel && opt.cancel->load()) {
      stopped = true;
      continue;
    }
    body(ranges[i], per[i]);
  }
  if (stopped || (opt.cancel && opt.cancel->load())) throw interrupted_error("interrupted");
  std::size_t n = 0;
  for (const auto& v : per) n += v.size();
  std::vector<pool_candidate> out;
  out.reserve(n);
  for (const auto& v : per) out.insert(out.end(), v.begin(), v.end());
  return out;
}

// Sorts by pool and ranking key and drops repeated plans.
void sort_unique(std::vector<pool_candidate>& v) {
  std::sort(v.begin(), v.end(), detail::pool_then_rank{});
  v.erase(std::unique(
              v.begin(), v.end(),
              [](const pool_candidate& a, const pool_candidate& b) { return a.index == b.index; }),
          v.end());
}

// The candidates of the pruned pass: a superset of the pool candidates's plans in the selected
// range, sorted by pool and ranking key. `cost_frontier` runs it for the cost frontier instead.
std::vector<pool_candidate> pruned_candidates(const scenario& sc, const plan_space& sp,
                                              const engine_options& opt, bool cost_frontier) {
  model_view v = make_model_view(sc);
  if (cost_frontier) v.g.obj = static_cast<int>(objective::tco);
  const space_view s = sp.view();
  const pareto_dims d = cost_frontier ? pareto_dims{false, false} : pareto_dims_of(sc);
  const int pools = cost_frontier ? 1 : static_cast<int>(sc.sites.size()) * 3;
  const auto [range_b, range_e] = plan_range(opt, sp.total);
  const std::vector<combo_range> ranges = ranges_of(sp, range_b, range_e);

  // Known candidates: the pool candidates of geometric samples of every combination of the whole
  // space (any real candidate of a pool may rule plans out, wherever its index lies).
  std::vector<pool_candidate> samples = gather(
      ranges_of(sp, 0, sp.total), opt, [&](const combo_range& r, std::vector<pool_candidate>& out) {
        detail::candidate_samples(v, s, r.k, r.b, r.e, cost_frontier,
                                  [&](const pool_candidate& x) { out.push_back(x); });
      });
  sort_unique(samples);
  std::vector<pool_candidate> known = sweep_sorted(samples.data(), samples.size(), d);
  std::vector<pool_candidate> reps = known;
  std::sort(reps.begin(), reps.end(), [](const pool_candidate& a, const pool_candidate& b) {
    if (a.pool != b.pool) return a.pool < b.pool;
    if (a.flops != b.flops) return a.flops < b.flops;
    return rank_less(key_of(a), key_of(b));
  });
  std::vector<std::uint32_t> begin(static_cast<std::size_t>(pools) + 1, 0);
  for (const pool_candidate& r : reps) ++begin[static_cast<std::size_t>(r.pool) + 1];
  for (int p = 0; p < pools; ++p) begin[p + 1] += begin[p];
  const detail::rep_index idx{reps.data(), begin.data(), pools, d, cost_frontier};

  std::vector<pool_candidate> cand =
      gather(ranges, opt, [&](const combo_range& r, std::vector<pool_candidate>& out) {
        detail::range_candidates(v, s, r.k, r.b, r.e, idx, true,
                                 [&](const pool_candidate& x) { out.push_back(x); });
      });
  // The known candidates rule plans out, so those in the range must reach the sweep themselves.
  for (const pool_candidate& r : known)
    if (r.index >= range_b && r.index < range_e) cand.push_back(r);
  sort_unique(cand);
  return cand;
}

pool_candidates_result pruned_pass(const scenario& sc, const plan_space& sp,
                                   const engine_options& opt) {
  const std::vector<pool_candidate> cand = pruned_candidates(sc, sp, opt, false);
  pool_candidates_result out;
  out.items = sweep_sorted(cand.data(), cand.size(), pareto_dims_of(sc));
  out.evaluated_candidates = cand.size();
  return out;
}

pool_candidates_result thrust_pass(const scenario& sc, const plan_space& sp,
                                   const engine_options& opt) {
  const model_view v = make_model_view(sc);
  const space_view s = sp.view();
  const pareto_dims d = pareto_dims_of(sc);
  const std::uint64_t chunk = opt.chunk_plans ? opt.chunk_plans : (std::uint64_t{1} << 20);
  const auto [range_b, range_e] = plan_range(opt, sp.total);
  std::vector<pool_candidate> out(static_cast<std::size_t>(std::min(chunk, range_e - range_b)));
  candidate_builder fb(static_cast<int>(sc.sites.size()) * 3, d);
  for (std::uint64_t b = range_b; b < range_e; b += chunk) {
    if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
    const std::uint64_t e = std::min(range_e, b + chunk);
    const std::size_t n =
        detail::candidate_chunk(thrust::omp::par, v, s, b, e, fb.reps().data(), d, out.data());
    fb.add_sorted(out.data(), n);
  }
  pool_candidates_result r;
  r.items = fb.finish();
  return r;
}

} // namespace

std::vector<frontier_point> cost_frontier_pruned_cpu(const scenario& sc, const plan_space& sp,
                                                     const engine_options& opt) {
  const detail::omp_threads_guard threads(opt.threads);
  std::vector<frontier_point> pts;
  for (const pool_candidate& r : pruned_candidates(sc, sp, opt, true))
    pts.push_back({r.index, r.obj, r.flops, r.capex});
  std::sort(pts.begin(), pts.end(), frontier_before);
  std::vector<frontier_point> out;
  double best = -1.0; // effective FLOP/s are positive
  for (const frontier_point& p : pts)
    if (p.eff > best) {
      out.push_back(p);
      best = p.eff;
    }
  return out;
}

pool_candidates_result find_pool_candidates_cpu(const scenario& sc, const plan_space& sp,
                                                const engine_options& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  const detail::omp_threads_guard threads(opt.threads);
  pool_candidates_result r = opt.reference ? thrust_pass(sc, sp, opt) : pruned_pass(sc, sp, opt);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

} // namespace dcplan
