// The CPU backend. Two paths over the same model: the default one prunes whole ranges of node
// counts whose outcome is decided (detail/range_reduce.hpp) with OpenMP over pieces of
// combinations; the reference path is detail::reduce_chunk under thrust::omp::par, the very code
// the CUDA backend runs. Both give the same counts and top K; the tests hold them to it. The
// default path also gives the cost frontier from its own pass (detail/frontier_prune.hpp).
#include <algorithm>
#include <cmath>
#include <exception>
#include <vector>

#include <omp.h>
#include <thrust/system/omp/execution_policy.h>

#include "dcplan/engine/detail/omp_threads.hpp"
#include "dcplan/engine/detail/range_reduce.hpp"
#include "dcplan/engine/detail/cost_frontier.hpp"
#include "dcplan/engine/detail/frontier_prune.hpp"
#include "dcplan/engine/pool_candidates.hpp"
#include "dcplan/engine/detail/reduce.hpp"
#include "dcplan/engine/detail/sweep.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"

namespace dcplan {
namespace {

/// The best k rank keys seen, as a max-heap on rank_less (worst on top).
struct top_k {
  std::size_t k;
  std::vector<rank_key> heap;
  bool wants(const rank_key& x) const { return heap.size() < k || rank_less(x, heap.front()); }
  void push(const rank_key& x) {
    if (k == 0 || !wants(x)) return;
    heap.push_back(x);
    std::push_heap(heap.begin(), heap.end(), rank_less);
    if (heap.size() > k) {
      std::pop_heap(heap.begin(), heap.end(), rank_less);
      heap.pop_back();
    }
  }
};

using detail::piece;
using detail::split_pieces;

struct alignas(64) thread_acc { // a cache line of its own per thread
  std::uint64_t counts[kReasonCount] = {};
  top_k top{0, {}};
  double closest_flops = -1;
  std::uint64_t closest_index = 0;
};

/// for_pieces_into's `after_batch` when nothing is left to do after a batch.
struct nothing_after {
  void operator()(bool /*last*/) const {}
};

// Runs `body(piece, acc[thread])` over every piece of the options' range on acc.size() threads,
// in batches of about `batch_plans` plans so that progress is reported (when `report`) and a
// cancel request is honoured between batches; `after_batch(last)` runs after each batch's pieces,
// before its progress is reported (`last` for the final batch).
template <class Acc, class Body, class After = nothing_after>
void for_pieces_into(const plan_space& sp, const engine_options& opt, std::uint64_t batch_plans,
                     bool report, std::vector<Acc>& acc, Body body, After after_batch = After{}) {
  const std::pair<std::uint64_t, std::uint64_t> range = plan_range(opt, sp.total);
  const std::uint64_t range_b = range.first, range_e = range.second;
  const std::vector<piece> pieces = split_pieces(sp, std::uint64_t{1} << 16, range_b, range_e);
  const int threads = static_cast<int>(acc.size());
  if (opt.chunk_plans) batch_plans = opt.chunk_plans;
  std::size_t i = 0;
  std::uint64_t done = 0;
  while (i < pieces.size()) {
    if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
    std::size_t j = i;
    std::uint64_t plans = 0;
    while (j < pieces.size() && (plans == 0 || plans < batch_plans)) {
      plans += pieces[j].end - pieces[j].begin;
      ++j;
    }
    const long long first = static_cast<long long>(i), last = static_cast<long long>(j);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (long long q = first; q < last; ++q) body(pieces[q], acc[omp_get_thread_num()]);
    after_batch(j == pieces.size());
    done += plans;
    i = j;
    if (report && opt.progress) opt.progress(done, range_e - range_b);
  }
}

// The pruned path's form: one thread_acc per thread keeping the best k keys.
template <class Body>
std::vector<thread_acc> for_pieces(const plan_space& sp, const engine_options& opt, int threads,
                                   std::size_t k, bool report, Body body) {
  std::vector<thread_acc> acc(threads);
  for (auto& a : acc) a.top.k = k;
  for_pieces_into(sp, opt, std::uint64_t{1} << 27, report, acc, body);
  return acc;
}

/// One thread's share of the pruned path with the cost frontier: counts, top K, the ranges that
/// hold the near-feasible plans (detail/frontier_prune.hpp) or the plans themselves where the
/// pass evaluates a combination plan by plan, and the runs of plans reduce_range left to be
/// evaluated one by one after the batch (`dense`).
struct alignas(64) pruned_acc {
  thread_acc base;
  detail::frontier_acc fr;
  std::vector<detail::frontier_range> ranges;
  std::vector<piece> dense;
};

/// reduce_range's frontier hook into one thread's pruned_acc.
struct frontier_hook {
  pruned_acc& a;
  void near(const plan_figures& p, std::uint64_t index) {
    a.fr.add(detail::frontier_point_of(p, index));
  }
  void range(int k, std::uint64_t lo, std::uint64_t hi, const plan_figures& first) {
    const double score = first.effective_flops / first.tco;
    a.ranges.push_back({k, lo, hi, std::isnan(score) ? 0.0 : score}); // sortable
  }
  bool defer(int k, std::uint64_t lo, std::uint64_t hi) {
    if (lo < hi) a.dense.push_back({k, lo, hi});
    return true;
  }
};

/// The frontier of the points of every thread's frontier (`fr` of each accumulator).
template <class Acc>
std::vector<frontier_point> merged_frontier(std::vector<Acc>& acc) {
  std::vector<frontier_point> points;
  for (Acc& a : acc) {
    a.fr.flush();
    points.insert(points.end(), a.fr.front.begin(), a.fr.front.end());
  }
  std::sort(points.begin(), points.end(), frontier_before);
  std::vector<frontier_point> out;
  detail::merge_frontier(out, points);
  return out;
}

// The cost frontier from what the pruned pass handed on (detail/frontier_prune.hpp): every
// thread's ranges walked against the frontier of every thread's points. Reads and clears the
// accumulators' `fr` and `ranges` only.
std::vector<frontier_point> frontier_of_ranges(const model_view& v, const space_view& s,
                                               const engine_options& opt,
                                               std::vector<pruned_acc>& acc) {
  std::vector<detail::frontier_range> ranges;
  for (pruned_acc& a : acc) {
    ranges.insert(ranges.end(), a.ranges.begin(), a.ranges.end());
    a.ranges = {};
  }
  return detail::walk_frontier(v, s, std::move(ranges), merged_frontier(acc), opt.cancel);
}

engine_result fast_path(const scenario& sc, const plan_space& sp, const engine_options& opt,
                        int threads) {
  const model_view v = make_model_view(sc);
  const space_view s = sp.view();
  const int obj = v.g.obj;
  std::vector<pruned_acc> acc(threads);
  for (auto& a : acc) a.base.top.k = opt.top_k;
  engine_result r;
  bool walked = false;
  // With the cost frontier, the plans reduce_range evaluates one by one (its [T, C) runs, most
  // of the pass's work) are left for after each batch, so that after the last batch they share
  // the threads with the frontier's walk, which needs every range of the pass: one thread takes
  // the walk while the others evaluate the runs, and it joins them when it is done. The walk
  // touches only `fr` and `ranges` of the accumulators, the runs only `base`; counts are sums and
  // the top K a total order, so the schedule changes nothing.
  const auto after_batch = [&](bool last) {
    if (!opt.want_frontier) return;
    std::vector<piece> dense;
    for (pruned_acc& a : acc) {
      dense.insert(dense.end(), a.dense.begin(), a.dense.end());
      a.dense.clear();
    }
    std::exception_ptr walk_failed;
    const long long first = last ? -1 : 0, end = static_cast<long long>(dense.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (long long q = first; q < end; ++q) {
      if (q < 0) {
        try {
          r.frontier = frontier_of_ranges(v, s, opt, acc);
          if (opt.on_frontier) opt.on_frontier(r.frontier); // while the others finish the pass
        } catch (...) {
          walk_failed = std::current_exception();
        }
        continue;
      }
      if (opt.cancel && opt.cancel->load()) continue;
      thread_acc& a = acc[omp_get_thread_num()].base;
      const auto push = [&a, obj](const plan_figures& f, std::uint64_t index) {
        a.top.push(make_rank_key(f, obj, index));
      };
      detail::dense_range(v, s, dense[q].combo, dense[q].begin, dense[q].end, a.counts, push);
    }
    if (walk_failed) std::rethrow_exception(walk_failed);
    if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
    walked = walked || last;
  };
  // One pass: counts, top K and, when wanted, where the frontier's plans lie.
  for_pieces_into(
      sp, opt, std::uint64_t{1} << 27, true, acc,
      [&](const piece& p, pruned_acc& a) {
        const auto push = [&](const plan_figures& f, std::uint64_t index) {
          a.base.top.push(make_rank_key(f, obj, index));
        };
        if (opt.want_frontier)
          detail::reduce_range(v, s, p.combo, p.begin, p.end, a.base.counts, push,
                               frontier_hook{a});
        else
          detail::reduce_range(v, s, p.combo, p.begin, p.end, a.base.counts, push);
      },
      after_batch);
  if (opt.want_frontier) {
    if (!walked) { // an empty range of plans
      r.frontier = frontier_of_ranges(v, s, opt, acc);
      if (opt.on_frontier) opt.on_frontier(r.frontier);
    }
    r.has_frontier = true;
  }
  std::vector<rank_key> all;
  for (const auto& pa : acc) {
    const thread_acc& a = pa.base;
    for (int k = 0; k < kReasonCount; ++k) r.counts[k] += a.counts[k];
    all.insert(all.end(), a.top.heap.begin(), a.top.heap.end());
  }
  std::sort(all.begin(), all.end(), rank_less);
  if (all.size() > opt.top_k) all.resize(opt.top_k);
  r.top = std::move(all);

  if (r.counts[feasible] == 0) {
    // The closest plan (reported only when nothing is feasible): the most effective FLOP/s (for
    // an inference target the most tokens/s, detail::closest_figure) among plans failing no
    // test but the target, the earlier position winning ties.
    std::vector<thread_acc> near =
        for_pieces(sp, opt, threads, 0, false, [&](const piece& p, thread_acc& a) {
          const combo& cb = s.combos[p.combo];
          for (std::uint64_t j = p.begin; j < p.end; ++j) {
            const plan_figures f =
                evaluate_plan(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing,
                              static_cast<double>(j + 1) * s.node_step);
            if (j == p.begin && (f.failed & ((1u << reason_year) | (1u << reason_cooling) |
                                             (1u << reason_rack) | (1u << reason_deadline))))
              return; // these tests do not depend on n
            if (f.failed & ((1u << reason_fabric) | (1u << reason_power)))
              return; // and these fail on a suffix
            const std::uint64_t index = s.starts[p.combo] + j;
            const double c = detail::closest_figure(v.g.inference, f);
            if (f.near_feasible &&
                (c > a.closest_flops || (c == a.closest_flops && index < a.closest_index))) {
              a.closest_flops = c;
              a.closest_index = index;
            }
          }
        });
    for (const auto& a : near) {
      if (a.closest_flops > r.closest_flops ||
          (a.closest_flops == r.closest_flops && a.closest_index < r.closest_index)) {
        r.closest_flops = a.closest_flops;
        r.closest_index = a.closest_index;
      }
    }
  }
  return r;
}

/// One thread's share of the every-plan path: counts, top K, closest plan and cost frontier. On a
/// cache line of its own, so that no two threads write the same line.
struct alignas(64) sweep_acc {
  thread_acc base;
  bool want_frontier = false;
  int obj = 0;
  bool inference = false; // the closest plan by tokens/s (detail::closest_figure)
  detail::frontier_acc fr;

  void operator()(const plan_figures& p, std::uint64_t index) {
    if (p.reason == feasible) base.top.push(make_rank_key(p, obj, index));
    const double c = detail::closest_figure(inference, p);
    if (c > base.closest_flops || (c == base.closest_flops && index < base.closest_index)) {
      base.closest_flops = c;
      base.closest_index = index;
    }
    if (want_frontier) fr.add(detail::frontier_point_of(p, index));
  }
};

// The every-plan path (detail/sweep.hpp): one fused pass per piece of a combination, the
// combination's figures hoisted, counts, top K, closest plan and cost frontier together. Every
// reduction is exact and order-free (integer sums, total orders), so any thread count and any
// schedule give the same result.
engine_result sweep_path(const scenario& sc, const plan_space& sp, const engine_options& opt,
                         int threads) {
  const model_view v = make_model_view(sc);
  const space_view s = sp.view();
  std::vector<sweep_acc> acc(threads);
  for (auto& a : acc) {
    a.base.top.k = opt.top_k;
    a.want_frontier = opt.want_frontier;
    a.obj = v.g.obj;
    a.inference = v.g.inference;
  }
  // Batches of 2^24 plans (a fraction of a second): progress and a cancel request between them.
  for_pieces_into(sp, opt, std::uint64_t{1} << 24, true, acc, [&](const piece& pc, sweep_acc& a) {
    const combo& cb = s.combos[pc.combo];
    const combo_figures k =
        combo_figures_of(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing);
    std::uint64_t counts[kReasonCount] = {};
    detail::sweep_nodes(v, k, s.node_step, s.starts[pc.combo], pc.begin, pc.end, 1, counts, a);
    for (int r = 0; r < kReasonCount; ++r) a.base.counts[r] += counts[r];
  });
  engine_result r;
  std::vector<rank_key> all;
  for (const auto& a : acc) {
    for (int k = 0; k < kReasonCount; ++k) r.counts[k] += a.base.counts[k];
    all.insert(all.end(), a.base.top.heap.begin(), a.base.top.heap.end());
    if (a.base.closest_flops > r.closest_flops ||
        (a.base.closest_flops == r.closest_flops && a.base.closest_index < r.closest_index)) {
      r.closest_flops = a.base.closest_flops;
      r.closest_index = a.base.closest_index;
    }
  }
  std::sort(all.begin(), all.end(), rank_less);
  if (all.size() > opt.top_k) all.resize(opt.top_k);
  r.top = std::move(all);
  if (opt.want_frontier) {
    r.frontier = merged_frontier(acc);
    r.has_frontier = true;
  }
  return r;
}

engine_result reference_path(const scenario& sc, const plan_space& sp, const engine_options& opt) {
  const model_view v = make_model_view(sc);
  const space_view s = sp.view();
  const std::uint64_t chunk = opt.chunk_plans ? opt.chunk_plans : (std::uint64_t{1} << 20);
  const std::pair<std::uint64_t, std::uint64_t> range = plan_range(opt, sp.total);
  const std::uint64_t range_b = range.first, range_e = range.second;
  std::vector<std::uint64_t> cand(static_cast<std::size_t>(std::min(chunk, range_e - range_b)));
  std::vector<rank_key> keys(cand.size());
  detail::reduce_state st;
  st.k = opt.top_k;
  const auto fetch = [](const auto* src, std::size_t n, auto* dst) {
    std::copy(src, src + n, dst);
  };
  for (std::uint64_t b = range_b; b < range_e; b += chunk) {
    if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
    const std::uint64_t e = std::min(range_e, b + chunk);
    detail::reduce_chunk(thrust::omp::par, v, s, b, e, cand.data(), keys.data(), st, fetch);
    if (opt.progress) opt.progress(e - range_b, range_e - range_b);
  }
  engine_result r;
  for (int k = 0; k < kReasonCount; ++k) r.counts[k] = st.acc.counts[k];
  r.top = std::move(st.top);
  r.closest_flops = st.acc.closest_flops;
  r.closest_index = st.acc.closest_index;
  return r;
}

// The cost frontier (docs/report.md): one more pass over every plan, chunk by chunk, with the
// Thrust code the CUDA backend runs.
std::vector<frontier_point> frontier_pass(const scenario& sc, const plan_space& sp,
                                          const engine_options& opt) {
  const model_view v = make_model_view(sc);
  const space_view s = sp.view();
  const std::uint64_t chunk = opt.chunk_plans ? opt.chunk_plans : (std::uint64_t{1} << 20);
  const std::pair<std::uint64_t, std::uint64_t> range = plan_range(opt, sp.total);
  const std::uint64_t range_b = range.first, range_e = range.second;
  std::vector<std::uint64_t> cand(static_cast<std::size_t>(std::min(chunk, range_e - range_b)));
  std::vector<frontier_point> pts(cand.size());
  std::vector<double> flag(pts.size());
  detail::frontier_state fr;
  const auto fetch = [](const auto* src, std::size_t n, auto* dst) {
    std::copy(src, src + n, dst);
  };
  const auto publish = [](const std::vector<frontier_point>& p) {
    return detail::frontier_view{p.data(), p.size()};
  };
  for (std::uint64_t b = range_b; b < range_e; b += chunk) {
    if (opt.cancel && opt.cancel->load()) throw interrupted_error("interrupted");
    const std::uint64_t e = std::min(range_e, b + chunk);
    detail::cost_frontier_chunk(thrust::omp::par, v, s, b, e, cand.data(), pts.data(), flag.data(),
                                fr, fetch, publish);
  }
  return std::move(fr.points);
}

} // namespace

engine_result evaluate_plans_cpu(const scenario& sc, const plan_space& sp,
                                 const engine_options& opt) {
  const detail::omp_threads_guard guard(opt.threads);
  const int threads = guard.count();

  engine_result r = !opt.reference ? fast_path(sc, sp, opt, threads)
                    : opt.thrust   ? reference_path(sc, sp, opt)
                                   : sweep_path(sc, sp, opt, threads);
  r.backend = backend_kind::cpu;
  r.threads = threads;
  const std::pair<std::uint64_t, std::uint64_t> range = plan_range(opt, sp.total);
  const std::uint64_t range_b = range.first, range_e = range.second;
  r.plans_evaluated = range_e - range_b;
  r.has_closest = r.closest_flops >= 0;
  if (opt.want_frontier && !r.has_frontier) {
    // The Thrust path's own pass; the pruned pass and the sweep made theirs as they went.
    r.frontier = frontier_pass(sc, sp, opt);
    r.has_frontier = true;
  }
  return r;
}

} // namespace dcplan
