// MODEL.md "A phase": every (plan, d) of the phase space evaluated on the CPU under OpenMP, in
// chunks; each chunk's candidates are appended in key order after the parallel loop, so the
// result is the same for any thread count. Also the backend choice of the pass, and the CUDA
// backend's Thrust pass (detail/phase_pass.hpp) under thrust::omp::par for the tests.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <vector>

#include <thrust/system/omp/execution_policy.h>

#include "dcplan/engine/detail/omp_threads.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/scenario/space.hpp"
#include "dcplan/schedule/detail/phase_pass.hpp"
#include "dcplan/schedule/schedule.hpp"

namespace dcplan {
namespace detail {

schedule_constants::schedule_constants(const scenario& sc) {
  const schedule_spec& s = *sc.schedule;
  const int Y = s.years;
  const double r = sc.discount_rate;
  for (int x = 0; x <= Y; ++x) df.push_back(std::pow(1 + r, -static_cast<double>(x)));
  for (std::size_t a = 0; a < sc.systems.size(); ++a) {
    const int avail = sc.accelerators[sc.systems[a].accelerator].available_year;
    const double pd = s.system_price_decline.size() > a && s.system_price_decline[a]
                          ? *s.system_price_decline[a]
                          : s.price_decline;
    const double cd = s.system_cloud_price_decline.size() > a && s.system_cloud_price_decline[a]
                          ? *s.system_cloud_price_decline[a]
                          : s.cloud_price_decline;
    for (int y = 0; y < Y; ++y) {
      // age(y) = max(0, start_year + y - max(start_year, accel.available_year))
      const int age = std::max(0, s.start_year + y - std::max(s.start_year, avail));
      price.push_back(std::pow(1 - pd, static_cast<double>(age)));
      cloud.push_back(std::pow(1 - cd, static_cast<double>(age)));
    }
  }
  grid_by_year.reset(new bool[sc.sites.size() + 1]);
  for (std::size_t i = 0; i < sc.sites.size(); ++i) {
    const std::vector<double>* by =
        s.site_grid_mw_by_year.size() > i ? &s.site_grid_mw_by_year[i] : nullptr;
    grid_by_year[i] = by && !by->empty();
    grid_max.push_back(grid_by_year[i] ? *std::max_element(by->begin(), by->end())
                                       : sc.sites[i].grid_mw);
  }
  view = {s.start_year,
          Y,
          s.hardware_life_years,
          s.cloud_term_years,
          df.data(),
          price.data(),
          cloud.data(),
          grid_max.data(),
          grid_by_year.get()};
}

plan_space phase_plan_space(const scenario& sc, const schedule_view& v) {
  // MODEL.md "A phase": n up to v1's n_hi with the largest grid_mw_by_year value.
  scenario wide = sc;
  for (std::size_t i = 0; i < wide.sites.size(); ++i) wide.sites[i].grid_mw = v.grid_max_mw[i];
  return build_space(wide);
}

phase_pass_result run_phase_pass_thrust(const scenario& sc, const phase_pass_options& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  const schedule_constants k(sc);
  const plan_space sp = phase_plan_space(sc, k.view);
  const phase_at at{make_model_view(sc), k.view, sp.view(), sp.total};
  const std::uint64_t total = sp.total * static_cast<std::uint64_t>(sc.schedule->years);
  const auto [b, e] = phase_range(opt, total);
  phase_pass_result out;
  out.plans_evaluated = e - b;
  const omp_threads_guard guard(opt.threads);
  out.threads = guard.count();
  const std::uint64_t chunk = opt.chunk ? opt.chunk : std::uint64_t{1} << 16;
  std::vector<phase> buf(static_cast<std::size_t>(std::min(chunk, e - b)));
  std::vector<phase> cand(buf.size());
  const auto fetch = [](const phase* src, std::size_t n, phase* dst) {
    std::copy(src, src + n, dst);
  };
  phase_chunks(thrust::omp::par, at, b, e, chunk, buf.data(), cand.data(), fetch, out);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

} // namespace detail

phase_pass_result run_phase_pass_cpu(const scenario& sc, const phase_pass_options& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  const detail::schedule_constants k(sc);
  const plan_space sp = detail::phase_plan_space(sc, k.view);
  const model_view mv = make_model_view(sc);
  const std::uint64_t total = sp.total * static_cast<std::uint64_t>(sc.schedule->years);
  const auto [first, last] = detail::phase_range(opt, total);
  phase_pass_result out;
  out.plans_evaluated = last - first;
  const detail::omp_threads_guard guard(opt.threads);
  out.threads = guard.count();
  const std::uint64_t chunk = opt.chunk ? opt.chunk : std::uint64_t{1} << 16;
  std::vector<phase> buf;
  for (std::uint64_t begin = first; begin < last; begin += chunk) {
    const std::uint64_t end = std::min(last, begin + chunk);
    buf.resize(end - begin);
    const auto count = static_cast<std::int64_t>(end - begin);
#pragma omp parallel for schedule(static)
    for (std::int64_t j = 0; j < count; ++j) {
      // Phase index i = d * plans + plan index: key order (d first, then the space's order).
      const std::uint64_t i = begin + static_cast<std::uint64_t>(j);
      const int d = static_cast<int>(i / sp.total);
      const plan_ref p = plan_of_index(sp, i % sp.total);
      phase& x = buf[static_cast<std::size_t>(j)];
      x.key = {d, p.site, p.system, p.cooling, p.fabric, p.sourcing, p.nodes};
      x.index = i;
      x.fig =
          evaluate_phase(mv, k.view, p.site, p.system, p.cooling, p.fabric, p.sourcing, p.nodes, d);
    }
    for (const phase& x : buf) {
      ++out.counts[x.fig.reason];
      if (x.fig.reason == feasible) out.candidates.push_back(x);
    }
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

std::uint64_t phase_space_size(const scenario& sc) {
  const detail::schedule_constants k(sc);
  return detail::phase_plan_space(sc, k.view).total * static_cast<std::uint64_t>(k.view.years);
}

phase_pass_result run_phase_pass(const scenario& sc, int threads) {
  phase_pass_options opt;
  opt.threads = threads;
  return run_phase_pass_cpu(sc, opt);
}

// README "Backends": the engine's choice (host/engine/engine.cpp) for the phase pass.
phase_pass_result run_phase_pass(const scenario& sc, backend_kind backend,
                                 const phase_pass_options& opt) {
  if (backend == backend_kind::cpu) return run_phase_pass_cpu(sc, opt);
  if (backend == backend_kind::cuda) return run_phase_pass_cuda(sc, opt);
  std::string why;
  if (cuda_device_available(&why)) {
    try {
      return run_phase_pass_cuda(sc, opt);
    } catch (const resource_error& e) {
      why = e.what();
    }
  }
  phase_pass_result r = run_phase_pass_cpu(sc, opt);
  r.notice = "no usable CUDA device (" + why + "); running on the CPU";
  return r;
}

} // namespace dcplan
