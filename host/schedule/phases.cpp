// MODEL.md "A phase": every (plan, d) of the phase space evaluated on the CPU under OpenMP, in
// chunks; each chunk's candidates are appended in key order after the parallel loop, so the
// result is the same for any thread count.
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "dcplan/engine/detail/omp_threads.hpp"
#include "dcplan/scenario/space.hpp"
#include "dcplan/schedule/schedule.hpp"

namespace dcplan {
namespace {

// The schedule's constants (MODEL.md "A phase"), every power with C pow on the host.
struct schedule_constants {
  std::vector<double> df, price, cloud, grid_max;
  std::unique_ptr<bool[]> grid_by_year;
  schedule_view view{};

  explicit schedule_constants(const scenario& sc) {
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
};

// MODEL.md "A phase": n up to v1's n_hi with the largest grid_mw_by_year value.
scenario with_largest_grid(const scenario& sc, const schedule_view& v) {
  scenario out = sc;
  for (std::size_t i = 0; i < out.sites.size(); ++i) out.sites[i].grid_mw = v.grid_max_mw[i];
  return out;
}

} // namespace

phase_pass_result run_phase_pass(const scenario& sc, int threads) {
  const schedule_constants k(sc);
  const scenario wide = with_largest_grid(sc, k.view);
  const plan_space sp = build_space(wide);
  const model_view mv = make_model_view(sc);
  const int Y = sc.schedule->years;
  phase_pass_result out;
  out.plans_evaluated = sp.total * static_cast<std::uint64_t>(Y);
  const detail::omp_threads_guard guard(threads);
  out.threads = guard.count();
  constexpr std::uint64_t kChunk = 1 << 16;
  std::vector<phase> buf;
  for (std::uint64_t begin = 0; begin < out.plans_evaluated; begin += kChunk) {
    const std::uint64_t end = std::min(out.plans_evaluated, begin + kChunk);
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
  return out;
}

} // namespace dcplan
