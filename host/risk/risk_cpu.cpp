// The CPU backend of MODEL.md "Risk": the draws generated once, one column per factor that
// varies (every plan reads the same draws: common random numbers), then a thread per plan
// (OpenMP, dynamic), each plan's S draws evaluated into that thread's row of sort keys with what
// the draws do not change computed once, the row radix sorted alone and summarized
// (include/dcplan/risk/detail/risk_rows.hpp, which shows why every figure equals
// detail::risk_batch's, the Thrust path of the CUDA backend). A thread holds one row of S keys
// and its sort's scratch, so memory stays within a few rows per thread whatever `max_pairs` asks
// of the batched matrices; the figures of a plan depend neither on the thread that ran it nor on
// the schedule.
#include <cstdint>
#include <vector>

#include <omp.h>

#include "dcplan/engine/detail/omp_threads.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/risk/detail/risk.hpp"
#include "dcplan/risk/detail/risk_rows.hpp"
#include "dcplan/risk/risk.hpp"

namespace dcplan {

namespace {

/// Draws [d0, d1) of the run (a pure function of (seed, k)) as columns: only the factors that
/// vary are stored.
struct draw_store {
  std::vector<double> energy, node, cloud, mfu, delay, mtbf;
  detail::draw_columns columns;
};

draw_store draws_of(const risk_params& p, std::uint64_t d0, std::uint64_t d1) {
  draw_store s;
  const std::size_t m = d1 - d0;
  auto column = [m](bool varies, std::vector<double>& c) -> double* {
    if (!varies) return nullptr;
    c.resize(m);
    return c.data();
  };
  double* const energy = column(p.energy_sigma > 0, s.energy);
  double* const node = column(p.node_sigma > 0, s.node);
  double* const cloud = column(p.cloud_sigma > 0, s.cloud);
  double* const mfu = column(p.mfu_sd > 0, s.mfu);
  double* const delay = column(p.has_delay, s.delay);
  double* const mtbf = column(p.mtbf_sigma > 0, s.mtbf);
  const std::int64_t n = static_cast<std::int64_t>(m);
#pragma omp parallel for schedule(static)
  for (std::int64_t j = 0; j < n; ++j) {
    const risk_draw d = make_draw(p, d0 + static_cast<std::uint64_t>(j));
    if (energy) energy[j] = d.energy_factor;
    if (node) node[j] = d.node_factor;
    if (cloud) cloud[j] = d.cloud_factor;
    if (mfu) mfu[j] = d.mfu_noise;
    if (delay) delay[j] = d.delay_months;
    if (mtbf) mtbf[j] = d.mtbf_factor;
  }
  s.columns = {energy, node, cloud, mfu, delay, mtbf};
  return s;
}

} // namespace

std::vector<risk_figures> evaluate_risk_cpu(const scenario& sc, const plan_space& sp,
                                            const std::vector<std::uint64_t>& indices, int threads,
                                            std::uint64_t /*max_pairs*/) {
  if (!sc.uncert || indices.empty()) return {};
  const detail::omp_threads_guard guard(threads);
  const model_view v = make_model_view(sc);
  const std::uint64_t S = sc.uncert->scenarios;
  const risk_params p = make_risk_params(*sc.uncert);
  const draw_store draws = draws_of(p, 0, S);
  const std::vector<risk_plan> plans = risk_plans_of(sp, indices);
  const std::int64_t n = static_cast<std::int64_t>(plans.size());
  std::vector<risk_figures> out(plans.size());
#pragma omp parallel
  {
    detail::row_buffers buffers;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t i = 0; i < n; ++i)
      out[i] = detail::risk_of_row(v, plans[i], p, draws.columns, S, buffers);
  }
  return out;
}

risk_samples risk_samples_cpu(const scenario& sc, const plan_space& sp,
                              const std::vector<std::uint64_t>& indices, std::uint64_t d0,
                              std::uint64_t d1, int threads) {
  risk_samples r;
  if (!sc.uncert) return r;
  const detail::omp_threads_guard guard(threads);
  const model_view v = make_model_view(sc);
  const std::uint64_t m = d1 - d0;
  const risk_params p = make_risk_params(*sc.uncert);
  const draw_store draws = draws_of(p, d0, d1);
  const std::vector<risk_plan> plans = risk_plans_of(sp, indices);
  const std::int64_t n = static_cast<std::int64_t>(plans.size());
  r.tco.resize(plans.size() * m);
  r.meets_target.assign(plans.size(), 0);
  r.meets_deadline.assign(plans.size(), 0);
  // The rows evaluate_risk_cpu sorts, over this share's draws, unsorted.
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t i = 0; i < n; ++i)
    detail::evaluate_row(v, plans[i], p, draws.columns, m, r.tco.data() + i * m, r.meets_target[i],
                         r.meets_deadline[i]);
  return r;
}

} // namespace dcplan
