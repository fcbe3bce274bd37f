#pragma once
// The cost frontier of one chunk of the plan space, written once with Thrust and run by both
// backends (thrust::omp::par on the CPU, thrust::cuda::par on CUDA), like detail/reduce.hpp.
// Per chunk: keep the near-feasible plans that the frontier so far does not cover (few, once it
// has formed), sort them by frontier_before, and keep those whose effective FLOP/s exceed every
// earlier one's (an exclusive max-scan); the survivors are merged with the running frontier on
// the host. Device memory stays at three buffers of the chunk's size.
#include <algorithm>
#include <cstdint>
#include <vector>

#include <thrust/copy.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/remove.h>
#include <thrust/scan.h>
#include <thrust/sort.h>
#include <thrust/transform.h>

#include "dcplan/engine/cost_frontier.hpp"
#include "dcplan/model/macros.hpp"
#include "dcplan/model/model.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan::detail {

/// A frontier on the side (host or device) that reads it: TCO ascending, eff strictly ascending.
struct frontier_view {
  const frontier_point* points;
  std::uint64_t n;
};

/// True when a point of `fr` covers `q` (frontier_covers). The point with the highest eff among
/// those with tco <= q.tco is the last of them, so one binary search decides.
DCPLAN_HD_HOT bool frontier_view_covers(const frontier_view& fr, const frontier_point& q) {
  std::uint64_t lo = 0, hi = fr.n; // first point with tco > q.tco
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (fr.points[mid].tco <= q.tco)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo > 0 && frontier_covers(fr.points[lo - 1], q);
}

DCPLAN_HD_HOT frontier_point frontier_point_of(const plan_figures& p, std::uint64_t i) {
  return {i, p.tco, p.effective_flops, p.capex};
}

struct frontier_candidate {
  model_view v;
  space_view sp;
  frontier_view fr;
  DCPLAN_HD bool operator()(std::uint64_t i) const {
    const plan_figures p = evaluate_index(v, sp, i);
    return p.near_feasible && !frontier_view_covers(fr, frontier_point_of(p, i));
  }
};

struct point_of_plan {
  model_view v;
  space_view sp;
  DCPLAN_HD frontier_point operator()(std::uint64_t i) const {
    return frontier_point_of(evaluate_index(v, sp, i), i);
  }
};

struct frontier_before_fn {
  DCPLAN_HD bool operator()(const frontier_point& x, const frontier_point& y) const {
    return frontier_before(x, y);
  }
};

struct eff_of_point {
  DCPLAN_HD double operator()(const frontier_point& p) const { return p.eff; }
};

struct max_of {
  DCPLAN_HD double operator()(double a, double b) const { return a < b ? b : a; }
};

/// 1 when the point's eff exceeds the best eff before it in frontier order, else 0.
struct rises_above {
  DCPLAN_HD double operator()(const frontier_point& p, double best_before) const {
    return p.eff > best_before ? 1.0 : 0.0;
  }
};

struct is_zero {
  DCPLAN_HD bool operator()(double x) const { return x == 0.0; }
};

/// What the host keeps between chunks.
struct frontier_state {
  std::vector<frontier_point> points; // the frontier so far, in frontier_before order
  frontier_view view{nullptr, 0};     // the same points on the policy's side
};

/// Merges `fresh` (a frontier of later plans) into `front`; both in frontier_before order.
inline void merge_frontier(std::vector<frontier_point>& front,
                           const std::vector<frontier_point>& fresh) {
  std::vector<frontier_point> all(front.size() + fresh.size());
  std::merge(front.begin(), front.end(), fresh.begin(), fresh.end(), all.begin(), frontier_before);
  front.clear();
  double best = -1.0; // effective FLOP/s are positive
  for (const frontier_point& p : all) {
    if (p.eff > best) {
      front.push_back(p);
      best = p.eff;
    }
  }
}

struct strided_index {
  std::uint64_t begin, stride;
  DCPLAN_HD std::uint64_t operator()(std::uint64_t k) const { return begin + k * stride; }
};

/// Adds the plans of [first, last) (plan indices, ascending) to the frontier in `st`.
template <class Policy, class Indices, class Fetch, class Publish>
void frontier_pass(Policy policy, const model_view& v, const space_view& sp, Indices first,
                   Indices last, std::uint64_t* cand, frontier_point* pts, double* flag,
                   frontier_state& st, Fetch fetch, Publish publish) {
  std::uint64_t* cand_end =
      thrust::copy_if(policy, first, last, cand, frontier_candidate{v, sp, st.view});
  const std::uint64_t n = static_cast<std::uint64_t>(cand_end - cand);
  if (n == 0) return;
  thrust::transform(policy, cand, cand_end, pts, point_of_plan{v, sp});
  thrust::sort(policy, pts, pts + n, frontier_before_fn{});
  const auto effs = thrust::make_transform_iterator(pts, eff_of_point{});
  thrust::exclusive_scan(policy, effs, effs + n, flag, -1.0, max_of{});
  thrust::transform(policy, pts, pts + n, flag, flag, rises_above{});
  frontier_point* kept_end = thrust::remove_if(policy, pts, pts + n, flag, is_zero{});
  const std::size_t m = static_cast<std::size_t>(kept_end - pts);
  std::vector<frontier_point> fresh(m);
  fetch(pts, m, fresh.data());
  merge_frontier(st.points, fresh);
  st.view = publish(st.points);
}

/// Adds plans [begin, end) to the frontier in `st`. `cand`, `pts` and `flag` hold at least
/// end - begin elements on the policy's side; `fetch(src, n, dst)` copies n points from that
/// side to the host; `publish(points)` returns a frontier_view of `points` on that side.
/// A strided sample of the chunk goes first: its frontier covers most of the chunk's plans, so
/// the full pass sorts few. Plans seen twice are harmless (merge_frontier keeps one).
template <class Policy, class Fetch, class Publish>
void cost_frontier_chunk(Policy policy, const model_view& v, const space_view& sp,
                         std::uint64_t begin, std::uint64_t end, std::uint64_t* cand,
                         frontier_point* pts, double* flag, frontier_state& st, Fetch fetch,
                         Publish publish) {
  constexpr std::uint64_t kStride = 64;
  const thrust::counting_iterator<std::uint64_t> first(begin), last(end);
  if (end - begin >= kStride * 16) {
    const thrust::counting_iterator<std::uint64_t> k0(0);
    const auto sample = thrust::make_transform_iterator(k0, strided_index{begin, kStride});
    const std::uint64_t count = (end - begin + kStride - 1) / kStride;
    frontier_pass(policy, v, sp, sample, sample + count, cand, pts, flag, st, fetch, publish);
  }
  frontier_pass(policy, v, sp, first, last, cand, pts, flag, st, fetch, publish);
}

} // namespace dcplan::detail
