// The rank-independent half of docs/distributed.md: shares of the plan space and the phase
// space, and the exact merges of the engine's results, the portfolio pool candidates and a
// schedule's candidate phases. The MPI transport is
// host/dist/mpi.cpp (host/dist/mpi_stub.cpp in a build without MPI).
#include "dcplan/dist/distributed.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "dcplan/model/errors.hpp"
#include "dcplan/schedule/detail/dominance.hpp"

namespace dcplan::dist {
namespace {

// The engines' piece length (host/engine/engine_cpu.cpp; CUDA's 4096 divides it).
constexpr std::uint64_t kPiece = std::uint64_t{1} << 16;

// The first piece boundary at or below plan index t.
std::uint64_t align_down(const plan_space& sp, std::uint64_t t) {
  if (t >= sp.total) return sp.total;
  const int k = find_combo(sp.view(), t);
  return sp.starts[k] + (t - sp.starts[k]) / kPiece * kPiece;
}

template <class T>
void put(std::vector<char>& out, const T& x) {
  const char* p = reinterpret_cast<const char*>(&x);
  out.insert(out.end(), p, p + sizeof(T));
}

template <class T>
T take(const std::vector<char>& in, std::size_t& at) {
  if (at + sizeof(T) > in.size()) throw std::runtime_error("a rank sent a truncated result");
  T x;
  std::memcpy(&x, in.data() + at, sizeof(T));
  at += sizeof(T);
  return x;
}

} // namespace

std::pair<std::uint64_t, std::uint64_t> share_of(const plan_space& sp, int rank, int size) {
  const auto cut = [&](int r) -> std::uint64_t {
    if (r <= 0) return 0;
    if (r >= size) return sp.total;
    const unsigned __int128 t = static_cast<unsigned __int128>(sp.total) *
                                static_cast<unsigned>(r) / static_cast<unsigned>(size);
    return align_down(sp, static_cast<std::uint64_t>(t));
  };
  return {cut(rank), cut(rank + 1)};
}

int default_threads() {
  const int procs = omp_get_num_procs(); // this process's CPU set
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  if (cores <= 0 || procs < cores) return std::max(1, procs); // bound by the launcher
  return std::max(1, cores / std::max(1, this_world().local_size));
}

engine_result merge_engine_results(const std::vector<engine_result>& parts, std::size_t top_k,
                                   bool pruned) {
  engine_result r;
  if (parts.empty()) return r;
  r.backend = parts[0].backend;
  r.threads = parts[0].threads;
  r.device = parts[0].device;
  std::vector<rank_key> all;
  for (const engine_result& p : parts) {
    r.plans_evaluated += p.plans_evaluated;
    for (int k = 0; k < kReasonCount; ++k) r.counts[k] += p.counts[k];
    all.insert(all.end(), p.top.begin(), p.top.end());
    if (p.closest_flops >= 0 &&
        (p.closest_flops > r.closest_flops ||
         (p.closest_flops == r.closest_flops && p.closest_index < r.closest_index))) {
      r.closest_flops = p.closest_flops;
      r.closest_index = p.closest_index;
    }
  }
  std::sort(all.begin(), all.end(), rank_less);
  if (all.size() > top_k) all.resize(top_k);
  r.top = std::move(all);
  // The cost frontier of the whole space is the pool candidates of the union of the shares' pool
  // candidates: sorted by TCO, then FLOP/s descending, then index, a point is on it when its FLOP/s
  // rise above every earlier point's (docs/report.md "The cost frontier").
  std::vector<frontier_point> pts;
  for (const engine_result& p : parts) {
    r.has_frontier = r.has_frontier || p.has_frontier;
    pts.insert(pts.end(), p.frontier.begin(), p.frontier.end());
  }
  std::sort(pts.begin(), pts.end(), frontier_before);
  double best_eff = -1;
  for (const frontier_point& q : pts)
    if (q.eff > best_eff) {
      r.frontier.push_back(q);
      best_eff = q.eff;
    }
  // The pruned paths look for the closest plan only where nothing is feasible; a share without
  // feasible plans found one that a run over the whole space would not report.
  if (pruned && r.counts[feasible] > 0) {
    r.closest_flops = -1;
    r.closest_index = 0;
  }
  r.has_closest = r.closest_flops >= 0;
  return r;
}

std::vector<pool_candidate>
merge_candidate_parts(const std::vector<std::vector<pool_candidate>>& parts, pareto_dims d) {
  // Dominance is a strict partial order, so every plan dominated in the whole space is
  // dominated by an undominated one, which its own share kept: the sweep over the union of the
  // shares' pool candidates gives the whole space's pool candidates exactly.
  std::vector<pool_candidate> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  std::sort(all.begin(), all.end(), detail::pool_then_rank{});
  return sweep_sorted(all.data(), all.size(), d);
}

engine_result merge_results(const engine_result& mine, std::size_t top_k, bool pruned) {
  if (!distributed()) return mine;
  test_fail_hook();
  std::vector<char> buf;
  put(buf, mine.plans_evaluated);
  for (int k = 0; k < kReasonCount; ++k) put(buf, mine.counts[k]);
  put(buf, mine.closest_flops);
  put(buf, mine.closest_index);
  put(buf, static_cast<std::uint64_t>(mine.top.size()));
  for (const rank_key& x : mine.top) put(buf, x);
  put(buf, static_cast<std::uint64_t>(mine.has_frontier ? 1 : 0));
  put(buf, static_cast<std::uint64_t>(mine.frontier.size()));
  for (const frontier_point& x : mine.frontier) put(buf, x);
  const std::vector<std::vector<char>> all = gather_to_root(buf);
  if (this_world().rank != 0) return mine;
  std::vector<engine_result> parts(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    std::size_t at = 0;
    engine_result& p = parts[i];
    p.plans_evaluated = take<std::uint64_t>(all[i], at);
    for (int k = 0; k < kReasonCount; ++k) p.counts[k] = take<std::uint64_t>(all[i], at);
    p.closest_flops = take<double>(all[i], at);
    p.closest_index = take<std::uint64_t>(all[i], at);
    const std::uint64_t n = take<std::uint64_t>(all[i], at);
    for (std::uint64_t j = 0; j < n; ++j) p.top.push_back(take<rank_key>(all[i], at));
    p.has_frontier = take<std::uint64_t>(all[i], at) != 0;
    const std::uint64_t f = take<std::uint64_t>(all[i], at);
    for (std::uint64_t j = 0; j < f; ++j) p.frontier.push_back(take<frontier_point>(all[i], at));
  }
  parts[0].backend = mine.backend;
  parts[0].threads = mine.threads;
  parts[0].device = mine.device;
  return merge_engine_results(parts, top_k, pruned);
}

std::optional<portfolio_report> run_portfolio_ranks(const scenario& sc, const plan_space& sp,
                                                    backend_kind backend, const engine_options& opt,
                                                    const portfolio_options& popt) {
  if (!distributed()) return run_portfolio(sc, sp, backend, opt, popt);
  check_portfolio_scenario(sc);
  pool_candidates_result fr =
      find_pool_candidates(portfolio_candidate_scenario(sc), sp, backend, opt);
  std::vector<char> buf(fr.items.size() * sizeof(pool_candidate));
  if (!buf.empty()) std::memcpy(buf.data(), fr.items.data(), buf.size());
  const std::vector<std::vector<char>> all = gather_to_root(buf);
  if (this_world().rank != 0) return std::nullopt;
  std::vector<std::vector<pool_candidate>> parts(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    parts[i].resize(all[i].size() / sizeof(pool_candidate));
    if (!parts[i].empty()) std::memcpy(parts[i].data(), all[i].data(), all[i].size());
  }
  fr.items = merge_candidate_parts(parts, pareto_dims_of(sc));
  return solve_portfolio_report(sc, std::move(fr), opt, popt);
}

std::vector<risk_figures> apply_risk_ranks(const scenario& sc, const plan_space& sp,
                                           engine_result& r, std::size_t top, int threads) {
  const world& w = this_world();
  if (!distributed()) return apply_risk(sc, sp, r, top, threads);
  // Rank 0 tells every rank the plans to evaluate (none: nothing to share out).
  std::vector<char> msg;
  if (w.rank == 0) {
    const bool share = sc.uncert && r.backend != backend_kind::cuda;
    const std::size_t n = share ? std::min(sc.uncert->plans, r.top.size()) : 0;
    put(msg, static_cast<std::uint64_t>(n));
    for (std::size_t i = 0; i < n; ++i) put(msg, r.top[i].index);
  }
  msg = broadcast_from_root(msg);
  std::size_t at = 0;
  const std::uint64_t n = take<std::uint64_t>(msg, at);
  std::vector<std::uint64_t> idx(n);
  for (auto& i : idx) i = take<std::uint64_t>(msg, at);
  if (n == 0)
    return w.rank == 0 ? apply_risk(sc, sp, r, top, threads) : std::vector<risk_figures>{};

  // This rank's draws [d0, d1) of S for every plan (the risk component's samples), in batches
  // of plans small enough that a batch's samples (plans x S doubles on rank 0) stay within a
  // few tens of MB.
  const std::uint64_t S = sc.uncert->scenarios;
  const auto cut = [&](int q) {
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(S) * static_cast<unsigned>(q) /
                                      static_cast<unsigned>(w.size));
  };
  const std::uint64_t d0 = cut(w.rank), d1 = cut(w.rank + 1);
  const model_view v = make_model_view(sc);
  const std::uint64_t batch = std::max<std::uint64_t>(1, (std::uint64_t{1} << 22) / S);
  const int t = threads > 0 ? threads : default_threads();
  std::vector<risk_figures> fig(n);
  for (std::uint64_t b = 0; b < n; b += batch) {
    const std::uint64_t nb = std::min(batch, n - b);
    const std::vector<std::uint64_t> part(idx.begin() + b, idx.begin() + b + nb);
    const risk_samples mine = risk_samples_cpu(sc, sp, part, d0, d1, t);
    std::vector<char> buf; // per plan: draws meeting the target, the deadline; then the TCOs
    for (std::uint64_t p = 0; p < nb; ++p) {
      put(buf, mine.meets_target[p]);
      put(buf, mine.meets_deadline[p]);
    }
    for (const double x : mine.tco) put(buf, x);
    const std::vector<std::vector<char>> all = gather_to_root(buf);
    if (w.rank != 0) continue;
    for (std::uint64_t p = 0; p < nb; ++p) {
      std::vector<double> row;
      row.reserve(S);
      std::uint64_t target = 0, deadline = 0;
      for (int q = 0; q < w.size; ++q) {
        const std::uint64_t mq = cut(q + 1) - cut(q);
        std::size_t a = 2 * p * sizeof(std::uint64_t);
        target += take<std::uint64_t>(all[q], a);
        deadline += take<std::uint64_t>(all[q], a);
        a = 2 * nb * sizeof(std::uint64_t) + p * mq * sizeof(double);
        for (std::uint64_t k = 0; k < mq; ++k) row.push_back(take<double>(all[q], a));
      }
      // MODEL.md "Risk": the figures from the plan's S sorted TCOs, as one process computes
      // them (sorted values do not depend on the split; sums run in ascending order).
      std::sort(row.begin(), row.end());
      risk_figures& f = fig[b + p];
      summarize_sorted(row.data(), S, f);
      f.p_meets_target = static_cast<double>(target) / static_cast<double>(S);
      f.p_meets_deadline =
          v.g.has_deadline ? static_cast<double>(deadline) / static_cast<double>(S) : NAN;
    }
  }
  if (w.rank != 0) return {};
  const risk_evaluator given = [&](const std::vector<std::uint64_t>&) { return fig; };
  return apply_risk(sc, sp, r, top, threads, &given);
}

std::pair<std::uint64_t, std::uint64_t> phase_share_of(std::uint64_t total, int rank, int size) {
  const auto cut = [&](int r) -> std::uint64_t {
    if (r <= 0) return 0;
    if (r >= size) return total;
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(total) *
                                      static_cast<unsigned>(r) / static_cast<unsigned>(size));
  };
  return {cut(rank), cut(rank + 1)};
}

phase_pass_result merge_phase_parts(const std::vector<phase_pass_result>& parts, objective o) {
  phase_pass_result r;
  if (parts.empty()) return r;
  r.threads = parts[0].threads;
  r.backend = parts[0].backend;
  r.notice = parts[0].notice;
  r.seconds = parts[0].seconds;
  std::vector<phase> all;
  for (const phase_pass_result& p : parts) {
    r.plans_evaluated += p.plans_evaluated;
    for (int k = 0; k < kReasonCount; ++k) r.counts[k] += p.counts[k];
    all.insert(all.end(), p.candidates.begin(), p.candidates.end());
  }
  // A candidate dominated in the whole phase space is dominated by an undominated one (the
  // order is a strict partial order), which its own share kept: reducing the union of the
  // shares' reductions gives the reduction of every candidate exactly.
  r.candidates = detail::reduce_candidates(all, o);
  return r;
}

std::optional<schedule_result> solve_schedule_ranks(const scenario& sc, schedule_options opt) {
  if (!distributed()) return solve_schedule(sc, opt);
  const world& w = this_world();
  if (opt.threads == 0) opt.threads = default_threads();
  if (opt.backend != backend_kind::cpu) cuda_select_device(w.local_rank);
  phase_pass_options popt;
  popt.threads = opt.threads;
  popt.chunk = opt.chunk;
  popt.device_memory_cap = opt.device_memory_cap;
  std::tie(popt.range_begin, popt.range_end) = phase_share_of(phase_space_size(sc), w.rank, w.size);
  phase_pass_result mine = run_phase_pass(sc, opt.backend, popt);
  mine.candidates = detail::reduce_candidates(mine.candidates, sc.obj);
  test_fail_hook();
  std::vector<char> buf;
  put(buf, mine.plans_evaluated);
  for (int k = 0; k < kReasonCount; ++k) put(buf, mine.counts[k]);
  put(buf, static_cast<std::uint64_t>(mine.candidates.size()));
  for (const phase& x : mine.candidates) put(buf, x);
  const std::vector<std::vector<char>> all = gather_to_root(buf);
  if (w.rank != 0) return std::nullopt;
  std::vector<phase_pass_result> parts(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    std::size_t at = 0;
    phase_pass_result& p = parts[i];
    p.plans_evaluated = take<std::uint64_t>(all[i], at);
    for (int k = 0; k < kReasonCount; ++k) p.counts[k] = take<std::uint64_t>(all[i], at);
    const std::uint64_t n = take<std::uint64_t>(all[i], at);
    p.candidates.reserve(static_cast<std::size_t>(n));
    for (std::uint64_t j = 0; j < n; ++j) p.candidates.push_back(take<phase>(all[i], at));
  }
  parts[0].threads = mine.threads;
  parts[0].backend = mine.backend;
  parts[0].notice = mine.notice;
  parts[0].seconds = mine.seconds;
  return solve_schedule(sc, merge_phase_parts(parts, sc.obj), opt);
}

void abort_on(const std::exception_ptr& e) {
  std::string message;
  const int code = exit_code_of(e, &message); // the exit codes of one process
  abort_all(message, code);
}

} // namespace dcplan::dist
