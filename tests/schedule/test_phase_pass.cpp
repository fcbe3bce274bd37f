// MODEL.md "A phase": the CUDA backend's Thrust phase pass (detail/phase_pass.hpp), run here
// under thrust::omp::par, against the CPU's OpenMP loop on the goldens, the built-in build-out and
// random variations of them: the same counts by reason and the same candidates, bit for bit, in
// the same order, for any chunk, thread count and range of the phase space.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "dcplan/model/errors.hpp"
#include "dcplan/schedule/detail/phase_pass.hpp"
#include "dcplan/schedule/schedule.hpp"

using namespace dcplan;

namespace {

std::string golden(const std::string& name) {
  return std::string(DCPLAN_SOURCE_DIR) + "/tests/golden/" + name + ".yaml";
}

// The same phase, bit for bit: key, index and every figure (the figures are a plain struct of
// ints and doubles without padding between its doubles).
bool same_phase(const phase& a, const phase& b) {
  return a.index == b.index && a.key.d == b.key.d && a.key.site == b.key.site &&
         a.key.system == b.key.system && a.key.cooling == b.key.cooling &&
         a.key.fabric == b.key.fabric && a.key.sourcing == b.key.sourcing &&
         std::memcmp(&a.key.nodes, &b.key.nodes, sizeof(double)) == 0 &&
         std::memcmp(&a.fig, &b.fig, sizeof(phase_figures)) == 0;
}

void require_same(const phase_pass_result& a, const phase_pass_result& b) {
  REQUIRE(a.plans_evaluated == b.plans_evaluated);
  for (int k = 0; k < kReasonCount; ++k) REQUIRE(a.counts[k] == b.counts[k]);
  REQUIRE(a.candidates.size() == b.candidates.size());
  for (std::size_t i = 0; i < a.candidates.size(); ++i)
    REQUIRE(same_phase(a.candidates[i], b.candidates[i]));
}

// A variation of `sc`: other declines, discount rate, start year, lives and grids by year.
scenario vary(const scenario& base, std::mt19937_64& rng) {
  scenario sc = base;
  schedule_spec& s = *sc.schedule;
  const auto uni = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  s.price_decline = uni(0, 0.5);
  s.cloud_price_decline = uni(0, 0.5);
  s.start_year += std::uniform_int_distribution<int>(-3, 3)(rng);
  s.hardware_life_years = std::uniform_int_distribution<int>(1, 6)(rng);
  s.cloud_term_years = std::uniform_int_distribution<int>(1, s.years)(rng);
  sc.discount_rate = uni(0, 0.15);
  s.site_grid_mw_by_year.resize(sc.sites.size());
  for (std::size_t i = 0; i < sc.sites.size(); ++i) {
    std::vector<double>& by = s.site_grid_mw_by_year[i];
    by.clear();
    if (std::bernoulli_distribution(0.5)(rng))
      for (int y = 0; y < s.years; ++y) by.push_back(sc.sites[i].grid_mw * uni(0.2, 1.5));
  }
  return sc;
}

const std::vector<std::string> kGoldens = {"v2-schedule-small", "v2-schedule-budget",
                                           "v2-schedule-infeasible"};

} // namespace

TEST_CASE("the Thrust phase pass equals the CPU pass on the schedule goldens", "[phase-pass]") {
  for (const std::string& name : kGoldens) {
    INFO(name);
    const scenario sc = load_scenario(golden(name));
    const phase_pass_result cpu = run_phase_pass(sc, 2);
    // Every phase counted once, under one reason.
    std::uint64_t sum = 0;
    for (const std::uint64_t c : cpu.counts) sum += c;
    REQUIRE(cpu.plans_evaluated == phase_space_size(sc));
    REQUIRE(sum == cpu.plans_evaluated);
    REQUIRE(cpu.counts[feasible] == cpu.candidates.size());
    for (const std::uint64_t chunk : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{7}}) {
      phase_pass_options opt;
      opt.threads = 2;
      opt.chunk = chunk;
      require_same(detail::run_phase_pass_thrust(sc, opt), cpu);
    }
  }
}

TEST_CASE("the small golden's phase space: 30 phases, 26 candidates", "[phase-pass]") {
  // The counts its header gives: 3 periods of 10 plans; the four build phases decided in 2028
  // would serve from 2029, after the horizon (deadline); every other phase is a candidate.
  const scenario sc = load_scenario(golden("v2-schedule-small"));
  phase_pass_options opt;
  opt.threads = 1;
  const phase_pass_result r = detail::run_phase_pass_thrust(sc, opt);
  REQUIRE(r.plans_evaluated == 30);
  REQUIRE(r.counts[feasible] == 26);
  REQUIRE(r.counts[reason_deadline] == 4);
  for (std::size_t i = 1; i < r.candidates.size(); ++i)
    REQUIRE(r.candidates[i - 1].index < r.candidates[i].index);
}

TEST_CASE("the Thrust phase pass equals the CPU pass on the build-out and random variations",
          "[phase-pass]") {
  std::mt19937_64 rng(11);
  std::vector<scenario> bases;
  for (const std::string& name : kGoldens) bases.push_back(load_scenario(golden(name)));
  const scenario buildout = load_builtin_scenario("buildout.yaml");
  {
    phase_pass_options opt;
    opt.threads = 2;
    require_same(detail::run_phase_pass_thrust(buildout, opt), run_phase_pass(buildout, 2));
  }
  for (int trial = 0; trial < 40; ++trial) {
    const scenario sc = vary(bases[static_cast<std::size_t>(trial) % bases.size()], rng);
    INFO("trial " << trial);
    phase_pass_options opt;
    opt.threads = 1 + trial % 2;
    opt.chunk = std::uniform_int_distribution<std::uint64_t>(1, 40)(rng);
    require_same(detail::run_phase_pass_thrust(sc, opt), run_phase_pass(sc, 2));
  }
}

TEST_CASE("a range of the phase space gives its share of the counts and candidates",
          "[phase-pass]") {
  std::mt19937_64 rng(5);
  const scenario buildout = load_builtin_scenario("buildout.yaml");
  for (const std::string& name : kGoldens) {
    const scenario sc = vary(load_scenario(golden(name)), rng);
    INFO(name);
    const phase_pass_result whole = run_phase_pass(sc, 1);
    const std::uint64_t total = whole.plans_evaluated;
    for (int trial = 0; trial < 10; ++trial) {
      std::uint64_t a = std::uniform_int_distribution<std::uint64_t>(0, total)(rng);
      std::uint64_t b = std::uniform_int_distribution<std::uint64_t>(0, total)(rng);
      if (a > b) std::swap(a, b);
      // Three ranges, some empty, that cover the phase space once.
      phase_pass_result sum;
      for (const auto& [lo, hi] :
           {std::pair{std::uint64_t{0}, a}, std::pair{a, b}, std::pair{b, total + 5}}) {
        phase_pass_options opt;
        opt.threads = 2;
        opt.range_begin = lo;
        opt.range_end = hi;
        const phase_pass_result cpu = run_phase_pass_cpu(sc, opt);
        require_same(detail::run_phase_pass_thrust(sc, opt), cpu);
        REQUIRE(cpu.plans_evaluated == std::min(hi, total) - lo);
        for (const phase& p : cpu.candidates) REQUIRE((p.index >= lo && p.index < hi));
        sum.plans_evaluated += cpu.plans_evaluated;
        for (int k = 0; k < kReasonCount; ++k) sum.counts[k] += cpu.counts[k];
        sum.candidates.insert(sum.candidates.end(), cpu.candidates.begin(), cpu.candidates.end());
      }
      require_same(sum, whole);
    }
  }
}

TEST_CASE("a schedule run on the CUDA backend without a device fails, auto falls back",
          "[phase-pass]") {
  const scenario sc = load_scenario(golden("v2-schedule-small"));
  if (cuda_device_available()) return; // the CUDA tests compare the backends there
  phase_pass_options opt;
  REQUIRE_THROWS_AS(run_phase_pass_cuda(sc, opt), resource_error);
  const phase_pass_result r = run_phase_pass(sc, backend_kind::automatic, opt);
  REQUIRE(r.backend == backend_kind::cpu);
  REQUIRE_THAT(r.notice, Catch::Contains("no usable CUDA device"));
  require_same(r, run_phase_pass(sc, 1));
}
