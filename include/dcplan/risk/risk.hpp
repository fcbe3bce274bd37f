#pragma once
// MODEL.md "Risk": Monte Carlo figures of the top plans under the `uncertainty` block. Draw k is
// a pure function of (seed, k): each factor reads its own Philox counter stream, so every plan,
// backend and thread count sees the same draws (common random numbers). The figures of a plan
// under a draw come from the one dcplan::evaluate_plan, fed copies of its records with the
// draw's factors applied.
//
// Bit-exactness: Philox, the uniforms, sqrt, division and the triangular transform are exact
// IEEE operations, identical on host and device. log, cos and exp (Box-Muller and the lognormal
// factor) come from the host's libm and CUDA's, which may differ in the last bit; figures of the
// CPU and CUDA backends therefore agree to 1e-12 relative rather than bit for bit. Every thread
// count of the CPU backend gives identical figures.
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dcplan/risk/detail/philox.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/model/macros.hpp"
#include "dcplan/model/model.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan {

/// The risk figures of one plan (MODEL.md "Risk"); p_meets_deadline is NaN without a deadline.
struct risk_figures {
  double mean_tco;
  double p10_tco;
  double p50_tco;
  double p90_tco;
  double cvar95_tco;
  double p_meets_target;
  double p_meets_deadline;
};

/// The uncertainty block as a plain record for the device.
struct risk_params {
  std::uint32_t seed_lo, seed_hi;
  double energy_sigma, node_sigma, cloud_sigma, mfu_sd;
  bool has_delay;
  double delay_low, delay_mode, delay_high;
  double mtbf_sigma; // extension (docs/goodput.md): lognormal sigma on accelerator_mtbf_hours
};

/// One future: the factors of MODEL.md "Risk" that scenario k applies to every plan.
struct risk_draw {
  double energy_factor; // on every site's energy_usd_per_kwh
  double node_factor;   // on node_price_usd and cost_usd_per_accel
  double cloud_factor;  // on cloud_usd_per_accel_hour
  double mfu_noise;     // added to every system's mfu, then clipped to [0.01, 1]
  double delay_months;  // added to ready_months
  double mtbf_factor;   // on accelerator_mtbf_hours (an extension, docs/goodput.md)
};

/// Counter streams: word 2 of the counter names the factor, so factors never share bits.
enum risk_stream : std::uint32_t {
  stream_energy = 0,
  stream_node = 1,
  stream_cloud = 2,
  stream_mfu = 3,
  stream_delay = 4,
  stream_mtbf = 5,
};

/// The two uniforms in (0, 1) of draw k of one factor's stream.
DCPLAN_HD void risk_uniforms(const risk_params& p, std::uint64_t k, std::uint32_t stream,
                             double& u1, double& u2) {
  const detail::philox_ctr c{
      {static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32), stream, 0u}};
  const detail::philox_key key{{p.seed_lo, p.seed_hi}};
  const detail::philox_ctr r = detail::philox4x32(c, key);
  u1 = detail::uniform_open01(r.v[0], r.v[1]);
  u2 = detail::uniform_open01(r.v[2], r.v[3]);
}

/// A standard normal from two uniforms (Box-Muller, cosine branch).
DCPLAN_HD double box_muller(double u1, double u2) {
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/// The quantile u of the triangular distribution (low, mode, high), by its inverse CDF.
DCPLAN_HD double triangular_quantile(double low, double mode, double high, double u) {
  const double w = high - low;
  if (!(w > 0)) return low;
  if (u * w < mode - low) return low + sqrt(u * w * (mode - low));
  return high - sqrt((1 - u) * w * (high - mode));
}

/// The lognormal factor exp(sigma * N) of draw k from stream `stream` (1.0 when sigma is 0).
DCPLAN_HD double lognormal_factor(const risk_params& p, std::uint64_t k, std::uint32_t stream,
                                  double sigma) {
  if (!(sigma > 0)) return 1.0;
  double u1, u2;
  risk_uniforms(p, k, stream, u1, u2);
  return exp(sigma * box_muller(u1, u2));
}

/// Draw k of MODEL.md "Risk": a pure function of (seed, k). A factor that does not vary takes its
/// neutral value without reading its stream (each factor has a stream of its own, so skipping
/// one changes no other).
DCPLAN_HD risk_draw make_draw(const risk_params& p, std::uint64_t k) {
  double u1, u2;
  risk_draw d;
  d.energy_factor = lognormal_factor(p, k, stream_energy, p.energy_sigma);
  d.node_factor = lognormal_factor(p, k, stream_node, p.node_sigma);
  d.cloud_factor = lognormal_factor(p, k, stream_cloud, p.cloud_sigma);
  d.mfu_noise = 0.0;
  if (p.mfu_sd > 0) {
    risk_uniforms(p, k, stream_mfu, u1, u2);
    d.mfu_noise = p.mfu_sd * box_muller(u1, u2);
  }
  d.delay_months = 0.0;
  if (p.has_delay) {
    risk_uniforms(p, k, stream_delay, u1, u2);
    d.delay_months = triangular_quantile(p.delay_low, p.delay_mode, p.delay_high, u1);
  }
  d.mtbf_factor = lognormal_factor(p, k, stream_mtbf, p.mtbf_sigma);
  return d;
}

/// The draw's factors on one site (energy price; delay on its lead times).
DCPLAN_HD void apply_draw(site_rec& s, const risk_draw& d) {
  s.energy_usd_per_kwh = s.energy_usd_per_kwh * d.energy_factor;
  // ready_months is a max of lead times (MODEL.md "Figures of a plan"); adding the delay to each
  // adds it to the max exactly, since rounded addition is monotone.
  s.power_lead_months = s.power_lead_months + d.delay_months;
  s.colo_lead_months = s.colo_lead_months + d.delay_months;
  s.cloud_lead_months = s.cloud_lead_months + d.delay_months;
}

/// The draw's factors on one system (node price, cloud price, mfu, lead time).
DCPLAN_HD void apply_draw(system_rec& a, const risk_draw& d) {
  a.node_price_usd = a.node_price_usd * d.node_factor;
  a.cloud_usd_per_accel_hour = a.cloud_usd_per_accel_hour * d.cloud_factor;
  a.mfu = detail::dmin(1.0, detail::dmax(0.01, a.mfu + d.mfu_noise));
  a.lead_time_months = a.lead_time_months + d.delay_months;
}

/// The draw's factor on one fabric (its cost per accelerator moves with node prices).
DCPLAN_HD void apply_draw(fabric_rec& f, const risk_draw& d) {
  f.cost_usd_per_accel = f.cost_usd_per_accel * d.node_factor;
}

/// The draw's delay on the scenario-wide construction time, its mfu term on an inference
/// target's serving_mfu (MODEL.md "Inference targets": added to m, clipped as for mfu; without
/// serving_mfu, m is the system's mfu, which the system's draw moves), and its factor on the
/// reliability block's accelerator_mtbf_hours (MODEL.md "Goodput"; an extension,
/// docs/goodput.md).
DCPLAN_HD void apply_draw(globals_rec& g, const risk_draw& d) {
  g.construction_months = g.construction_months + d.delay_months;
  if (g.has_reliability) g.accelerator_mtbf_hours = g.accelerator_mtbf_hours * d.mtbf_factor;
  if (g.inference && g.inf_has_serving_mfu)
    g.inf_serving_mfu = detail::dmin(1.0, detail::dmax(0.01, g.inf_serving_mfu + d.mfu_noise));
}

/// A plan as its tuple of list positions, for the device (cooling -1 for cloud).
struct risk_plan {
  int site, system, cooling, fabric, sourcing;
  double nodes;
};

/// The figures of `plan` under draw `d`: evaluate_plan on copies of its records with the draw
/// applied; every other record is read unchanged.
DCPLAN_HD plan_figures evaluate_under_draw(const model_view& v, const risk_plan& plan,
                                           const risk_draw& d) {
  site_rec site = v.sites[plan.site];
  system_rec sys = v.systems[plan.system];
  fabric_rec fab = v.fabrics[plan.fabric];
  apply_draw(site, d);
  apply_draw(sys, d);
  apply_draw(fab, d);
  model_view w = v;
  apply_draw(w.g, d);
  w.sites = &site;
  w.systems = &sys;
  w.fabrics = &fab;
  return evaluate_plan(w, 0, 0, plan.cooling, 0, plan.sourcing, plan.nodes);
}

/// MODEL.md "Risk": the position ceil(q * S) - 1 of the nearest-rank quantile q of S sorted values.
DCPLAN_HD std::uint64_t nearest_rank_index(std::uint64_t n, double q) {
  double r = ceil(q * static_cast<double>(n));
  if (r < 1) r = 1;
  return static_cast<std::uint64_t>(r) - 1;
}

/// MODEL.md "Risk": the nearest-rank quantile q of S sorted values, v[ceil(q * S) - 1].
DCPLAN_HD double nearest_rank(const double* sorted, std::uint64_t n, double q) {
  return sorted[nearest_rank_index(n, q)];
}

/// MODEL.md "Risk": how many of S values CVaR95 averages, ceil(0.05 * S).
DCPLAN_HD std::uint64_t cvar95_count(std::uint64_t n) {
  return static_cast<std::uint64_t>(ceil(0.05 * static_cast<double>(n)));
}

/// MODEL.md "Risk": the mean of the largest ceil(0.05 * S) of S sorted values.
DCPLAN_HD double cvar95(const double* sorted, std::uint64_t n) {
  const std::uint64_t m = cvar95_count(n);
  double sum = 0;
  for (std::uint64_t i = n - m; i < n; ++i) sum += sorted[i];
  return sum / static_cast<double>(m);
}

/// The TCO figures of MODEL.md "Risk" from one plan's S sorted TCOs; sums run in ascending
/// order, so the result does not depend on how the work was split.
DCPLAN_HD void summarize_sorted(const double* sorted, std::uint64_t n, risk_figures& out) {
  double sum = 0;
  for (std::uint64_t i = 0; i < n; ++i) sum += sorted[i];
  out.mean_tco = sum / static_cast<double>(n);
  out.p10_tco = nearest_rank(sorted, n, 0.1);
  out.p50_tco = nearest_rank(sorted, n, 0.5);
  out.p90_tco = nearest_rank(sorted, n, 0.9);
  out.cvar95_tco = cvar95(sorted, n);
}

/// The device record of a scenario's uncertainty block.
risk_params make_risk_params(const uncertainty& u);

/// The plans of the space at `indices`, as device records.
std::vector<risk_plan> risk_plans_of(const plan_space& sp,
                                     const std::vector<std::uint64_t>& indices);

/// Risk figures of the plans at `indices` (one each, in order) on the CPU backend (`threads`
/// OpenMP threads, 0 = every core), in batches of at most `max_pairs` (plan, draw) pairs (0 = the
/// default, 2^22; a batch holds at least one plan). The scenario must have an uncertainty block.
std::vector<risk_figures> evaluate_risk_cpu(const scenario& sc, const plan_space& sp,
                                            const std::vector<std::uint64_t>& indices, int threads,
                                            std::uint64_t max_pairs = 0);
/// The (plan, draw) samples of MODEL.md "Risk" for a share of the draws (an MPI rank's,
/// docs/distributed.md): the plans at `indices` under draws [d0, d1) of the run, on the CPU.
struct risk_samples {
  std::vector<double> tco;                   // plan p under draw d0 + k at p * (d1 - d0) + k
  std::vector<std::uint64_t> meets_target;   // per plan: draws that pass test 6 (the target)
  std::vector<std::uint64_t> meets_deadline; // per plan: draws that pass test 7 (the deadline)
};
/// The samples of the plans at `indices` under draws [d0, d1) on `threads` OpenMP threads (0 =
/// every core); every TCO is the one evaluate_risk_cpu sorts. Needs an uncertainty block.
risk_samples risk_samples_cpu(const scenario& sc, const plan_space& sp,
                              const std::vector<std::uint64_t>& indices, std::uint64_t d0,
                              std::uint64_t d1, int threads);
/// The same on the CUDA backend; throws resource_error when no usable device exists or device
/// memory is short, cuda_error on a fault of the GPU while running.
std::vector<risk_figures> evaluate_risk_cuda(const scenario& sc, const plan_space& sp,
                                             const std::vector<std::uint64_t>& indices);

/// MODEL.md "Risk" for a planning run whose engine kept at least the top `plans` plans: their
/// risk figures on the backend that ran `r`; under p90_tco or cvar95_tco those plans are
/// re-ranked by that figure (ties by the deterministic rank). `r.top` is then cut to `top`; the
/// result holds the figures of its first min(top, plans) plans. `evaluate`, when given,
/// computes the figures instead of the backend (the MPI ranks, docs/distributed.md).
using risk_evaluator = std::function<std::vector<risk_figures>(const std::vector<std::uint64_t>&)>;
std::vector<risk_figures> apply_risk(const scenario& sc, const plan_space& sp, engine_result& r,
                                     std::size_t top, int threads,
                                     const risk_evaluator* evaluate = nullptr);

/// The engine's top_k for a run reporting `top` plans: enough for the risk figures too.
std::size_t risk_top_k(const scenario& sc, std::size_t top);

} // namespace dcplan
