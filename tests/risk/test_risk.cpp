// MODEL.md "Risk": the Philox generator against its published answers, the draws' transforms,
// nearest-rank quantiles and CVaR by hand, closed forms within Monte Carlo error, the Thrust path
// against a plain host reference, thread counts and batches, the CPU's per-plan rows and radix
// sort against the Thrust path bit for bit on random scenarios, the risk objectives, bad
// `uncertainty` blocks, and the plan and sensitivity commands.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <cstring>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <thrust/system/omp/execution_policy.h>

#include "cli_capture.hpp"
#include "dcplan/cli/cli.hpp"
#include "dcplan/risk/detail/philox.hpp"
#include "dcplan/risk/detail/risk.hpp"
#include "dcplan/risk/detail/risk_rows.hpp"
#include "dcplan/engine/detail/omp_threads.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/risk/risk.hpp"
#include "dcplan/report/sensitivity.hpp"
#include "dcplan/scenario/space.hpp"
#include "helpers.hpp"
#include "random_scenario.hpp"

using namespace dcplan;
using dcplan::test::tiny;
using dcplan::test::tiny_text;

namespace {

// Phi(x), the standard normal CDF.
double norm_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

constexpr double kZ90 = 1.2815515655446004; // Phi^-1(0.9)
constexpr double kZ95 = 1.6448536269514722; // Phi^-1(0.95)

/// tiny with an uncertainty block (and other substitutions).
scenario tiny_risk(const std::string& block,
                   std::vector<std::pair<std::string, std::string>> subs = {}) {
  subs.insert(subs.begin(), {"target:\n", "uncertainty:\n" + block + "target:\n"});
  return tiny(subs);
}

/// The index in the space of plan (site, system, cooling, fabric, sourcing, nodes).
std::uint64_t index_of(const plan_space& sp, int site, int system, int cooling, int fabric,
                       sourcing m, double nodes) {
  for (std::size_t k = 0; k < sp.combos.size(); ++k) {
    const combo& c = sp.combos[k];
    if (c.site == site && c.system == system && c.cooling == cooling && c.fabric == fabric &&
        c.sourcing == static_cast<int>(m))
      return sp.starts[k] + static_cast<std::uint64_t>(nodes / sp.node_step) - 1;
  }
  throw std::logic_error("no such plan in the space");
}

/// A plain host reference of MODEL.md "Risk" for one plan: every draw in a loop, std::sort,
/// then the definitions as written.
risk_figures reference(const scenario& sc, const risk_plan& p) {
  const risk_params rp = make_risk_params(*sc.uncert);
  const model_view v = make_model_view(sc);
  const std::uint64_t S = sc.uncert->scenarios;
  std::vector<double> t(S);
  std::uint64_t target = 0, deadline = 0;
  for (std::uint64_t k = 0; k < S; ++k) {
    const plan_figures f = evaluate_under_draw(v, p, make_draw(rp, k));
    t[k] = f.tco;
    const bool meets = v.g.inference ? f.tokens_per_second >= v.g.inf_tokens_per_second
                                     : f.effective_flops >= v.g.required_effective_flops;
    target += meets ? 1 : 0;
    deadline += v.g.has_deadline && f.ready_months <= v.g.deadline_months ? 1 : 0;
  }
  std::sort(t.begin(), t.end());
  risk_figures r;
  double sum = 0;
  for (double x : t) sum += x;
  r.mean_tco = sum / static_cast<double>(S);
  r.p10_tco = t[static_cast<std::size_t>(std::ceil(0.1 * S)) - 1];
  r.p50_tco = t[static_cast<std::size_t>(std::ceil(0.5 * S)) - 1];
  r.p90_tco = t[static_cast<std::size_t>(std::ceil(0.9 * S)) - 1];
  const std::size_t m = static_cast<std::size_t>(std::ceil(0.05 * S));
  double tail = 0;
  for (std::size_t i = S - m; i < S; ++i) tail += t[i];
  r.cvar95_tco = tail / static_cast<double>(m);
  r.p_meets_target = static_cast<double>(target) / static_cast<double>(S);
  r.p_meets_deadline =
      v.g.has_deadline ? static_cast<double>(deadline) / static_cast<double>(S) : NAN;
  return r;
}

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

bool same(const risk_figures& a, const risk_figures& b) {
  return same(a.mean_tco, b.mean_tco) && same(a.p10_tco, b.p10_tco) && same(a.p50_tco, b.p50_tco) &&
         same(a.p90_tco, b.p90_tco) && same(a.cvar95_tco, b.cvar95_tco) &&
         same(a.p_meets_target, b.p_meets_target) && same(a.p_meets_deadline, b.p_meets_deadline);
}

std::vector<std::uint64_t> all_indices(const plan_space& sp) {
  std::vector<std::uint64_t> v(sp.total);
  for (std::uint64_t i = 0; i < sp.total; ++i) v[i] = i;
  return v;
}

const char* kAllFactors =
    "  scenarios: 3001\n  seed: 7\n  energy_price: {lognormal_sigma: 0.25}\n"
    "  node_price: {lognormal_sigma: 0.15}\n  cloud_price: {lognormal_sigma: 0.2}\n"
    "  mfu: {normal_sd: 0.05}\n  delay_months: {triangular: [0, 2, 12]}\n";

using result = test::cli_result;
using test::cli;

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string p = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(p) << text;
  return p;
}

} // namespace

TEST_CASE("Philox4x32-10 gives the Random123 known answers", "[risk][philox]") {
  using detail::philox4x32;
  struct kat {
    detail::philox_ctr ctr;
    detail::philox_key key;
    std::uint32_t want[4];
  };
  // Random123 kat_vectors, "philox4x32 10" lines: counter, key, expected output.
  const kat cases[] = {
      {{{0, 0, 0, 0}}, {{0, 0}}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}},
       {{0xffffffff, 0xffffffff}},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}},
       {{0xa4093822, 0x299f31d0}},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const kat& c : cases) {
    const detail::philox_ctr r = philox4x32(c.ctr, c.key);
    for (int i = 0; i < 4; ++i) CHECK(r.v[i] == c.want[i]);
  }
}

TEST_CASE("uniforms stay inside (0, 1) and draws are pure functions of (seed, k)",
          "[risk][draws]") {
  CHECK(detail::uniform_open01(0, 0) > 0.0);
  CHECK(detail::uniform_open01(0xffffffff, 0xffffffff) < 1.0);
  CHECK(detail::uniform_open01(0, 0) == 1.0 / 9007199254740992.0); // 2^-53
  CHECK(detail::uniform_open01(0xffffffff, 0xffffffff) == 1.0 - 1.0 / 9007199254740992.0);
  CHECK(detail::uniform_open01(0x80000000, 0) == 0.5 + 1.0 / 9007199254740992.0);

  uncertainty u;
  u.seed = 42;
  u.energy_sigma = u.node_sigma = u.cloud_sigma = 0.2;
  u.mfu_sd = 0.05;
  u.has_delay = true;
  u.delay_low = 0, u.delay_mode = 2, u.delay_high = 12;
  const risk_params p = make_risk_params(u);
  const risk_draw a = make_draw(p, 12345), b = make_draw(p, 12345), c = make_draw(p, 12346);
  CHECK(a.energy_factor == b.energy_factor);
  CHECK(a.delay_months == b.delay_months);
  CHECK(a.energy_factor != c.energy_factor);
  // Each factor reads its own stream: equal sigmas, different factors.
  CHECK(a.energy_factor != a.node_factor);
  CHECK(a.node_factor != a.cloud_factor);
  u.seed = 43;
  CHECK(make_draw(make_risk_params(u), 12345).energy_factor != a.energy_factor);
  // An absent factor does not vary.
  const risk_draw none = make_draw(make_risk_params(uncertainty{}), 5);
  CHECK(none.energy_factor == 1.0);
  CHECK(none.mfu_noise == 0.0);
  CHECK(none.delay_months == 0.0);
}

TEST_CASE("Box-Muller normals and triangular delays have their moments", "[risk][draws]") {
  uncertainty u;
  u.seed = 1;
  u.mfu_sd = 1.0; // mfu_noise is then a standard normal
  u.has_delay = true;
  u.delay_low = 0, u.delay_mode = 2, u.delay_high = 12;
  const risk_params p = make_risk_params(u);
  const int n = 200000;
  double s1 = 0, s2 = 0, d1 = 0;
  int below = 0;
  for (int k = 0; k < n; ++k) {
    const risk_draw d = make_draw(p, static_cast<std::uint64_t>(k));
    s1 += d.mfu_noise;
    s2 += d.mfu_noise * d.mfu_noise;
    d1 += d.delay_months;
    below += d.mfu_noise < -kZ90 ? 1 : 0;
  }
  // Monte Carlo error: 4 standard errors.
  CHECK(std::fabs(s1 / n) < 4 / std::sqrt(n));
  CHECK(std::fabs(s2 / n - 1) < 4 * std::sqrt(2.0 / n));
  CHECK(std::fabs(static_cast<double>(below) / n - 0.1) < 4 * std::sqrt(0.09 / n));
  // Triangular (0, 2, 12): mean 14/3, variance (a^2+b^2+c^2-ab-ac-bc)/18 = (4+144-24)/18.
  CHECK(std::fabs(d1 / n - 14.0 / 3) < 4 * std::sqrt(124.0 / 18 / n));
  // Its inverse CDF by hand: F(2) = 2/12, so u = 1/6 maps to the mode; u = 0.1 -> sqrt(2.4).
  CHECK(triangular_quantile(0, 2, 12, 1.0 / 6) == Approx(2.0).epsilon(1e-15));
  CHECK(triangular_quantile(0, 2, 12, 0.1) == std::sqrt(0.1 * 12 * 2));
  CHECK(triangular_quantile(0, 2, 12, 0.9) == 12 - std::sqrt((1 - 0.9) * 12 * 10));
  CHECK(triangular_quantile(3, 3, 3, 0.7) == 3.0);
}

TEST_CASE("nearest-rank quantiles and CVaR95 on hand-made samples", "[risk][quantile]") {
  risk_figures r;
  const double seven[] = {2, 3, 5, 7, 11, 13, 17};
  summarize_sorted(seven, 7, r);
  CHECK(r.p10_tco == 2);     // ceil(0.7) = 1 -> v[0]
  CHECK(r.p50_tco == 7);     // ceil(3.5) = 4 -> v[3]
  CHECK(r.p90_tco == 17);    // ceil(6.3) = 7 -> v[6]
  CHECK(r.cvar95_tco == 17); // ceil(0.35) = 1 value
  CHECK(r.mean_tco == 58.0 / 7);

  std::vector<double> forty(40);
  for (int i = 0; i < 40; ++i) forty[i] = i + 1;
  summarize_sorted(forty.data(), 40, r);
  CHECK(r.p10_tco == 4); // ceil(4) = 4 -> v[3]
  CHECK(r.p50_tco == 20);
  CHECK(r.p90_tco == 36);
  CHECK(r.cvar95_tco == 39.5); // the largest ceil(2) = 2 values: 39 and 40
  CHECK(r.mean_tco == 20.5);

  const double one[] = {5};
  summarize_sorted(one, 1, r);
  CHECK(r.p10_tco == 5);
  CHECK(r.p90_tco == 5);
  CHECK(r.cvar95_tco == 5);
}

TEST_CASE("a cloud plan's TCO under a lognormal price factor has lognormal quantiles",
          "[risk][closed-form]") {
  const double sigma = 0.2;
  const scenario sc =
      tiny_risk("  scenarios: 20000\n  seed: 11\n  cloud_price: {lognormal_sigma: 0.2}\n");
  const plan_space sp = build_space(sc);
  const std::uint64_t idx = index_of(sp, 0, 0, -1, 0, sourcing::cloud, 3);
  const double tco0 = evaluate_plan(make_model_view(sc), 0, 0, -1, 0, 2, 3).tco;
  const risk_figures r = evaluate_risk_cpu(sc, sp, {idx}, 0)[0];
  const double S = 20000;
  // The sample q-quantile's standard error, in z units: sqrt(q(1-q)/S) / phi(z_q); the TCO is
  // tco0 * exp(sigma * z), so 4 standard errors in log space are 4 * sigma * that.
  const auto phi = [](double z) { return std::exp(-z * z / 2) / std::sqrt(2 * M_PI); };
  const auto tol = [&](double q, double z) {
    return 4 * sigma * std::sqrt(q * (1 - q) / S) / phi(z);
  };
  CHECK(std::fabs(std::log(r.p10_tco / tco0) - sigma * -kZ90) < tol(0.1, kZ90));
  CHECK(std::fabs(std::log(r.p50_tco / tco0)) < tol(0.5, 0));
  CHECK(std::fabs(std::log(r.p90_tco / tco0) - sigma * kZ90) < tol(0.9, kZ90));
  const double mean = std::exp(sigma * sigma / 2);
  const double sd = std::sqrt((std::exp(sigma * sigma) - 1) * std::exp(sigma * sigma));
  CHECK(std::fabs(r.mean_tco / tco0 - mean) < 4 * sd / std::sqrt(S));
  // E[X | X >= x_0.95] of a lognormal: exp(sigma^2 / 2) * Phi(sigma - z_0.95) / 0.05.
  const double cvar = mean * norm_cdf(sigma - kZ95) / 0.05;
  CHECK(r.cvar95_tco / tco0 == Approx(cvar).epsilon(0.01));
  // Nothing else varies: the target and deadline tests always pass for this plan.
  CHECK(r.p_meets_target == 1.0);
  CHECK(std::isnan(r.p_meets_deadline));
}

TEST_CASE("P(meets target) under normal MFU noise is a normal tail; P(deadline) a triangular CDF",
          "[risk][closed-form]") {
  const scenario sc =
      tiny_risk("  scenarios: 20000\n  seed: 3\n  mfu: {normal_sd: 0.05}\n  delay_months: "
                "{triangular: [0, 1, 4]}\n",
                {{"effective_flops: 1.0e16", "effective_flops: 1.0e16\n  deadline_months: 3"}});
  const plan_space sp = build_space(sc);
  const std::uint64_t idx = index_of(sp, 0, 0, -1, 0, sourcing::cloud, 3);
  const plan_figures f = evaluate_plan(make_model_view(sc), 0, 0, -1, 0, 2, 3);
  const risk_figures r = evaluate_risk_cpu(sc, sp, {idx}, 0)[0];
  const double S = 20000;
  // effective = peak * mfu * efficiency >= 1e16  <=>  mfu >= 1e16 / (peak * efficiency).
  const double need = 1.0e16 / (f.peak_flops * f.efficiency);
  const double p = 1 - norm_cdf((need - 0.5) / 0.05);
  REQUIRE(p > 0.5);
  REQUIRE(p < 0.99);
  CHECK(std::fabs(r.p_meets_target - p) < 4 * std::sqrt(p * (1 - p) / S));
  // Cloud lead 1 month, deadline 3: the delay must be <= 2; triangular (0, 1, 4):
  // F(2) = 1 - (4 - 2)^2 / ((4 - 0) * (4 - 1)) = 2/3.
  const double pd = 2.0 / 3;
  CHECK(std::fabs(r.p_meets_deadline - pd) < 4 * std::sqrt(pd * (1 - pd) / S));
  // MFU and delay do not move a cloud plan's TCO.
  CHECK(r.p10_tco == f.tco);
  CHECK(r.p90_tco == f.tco);
}

TEST_CASE("the Thrust path equals a plain host reference, on 1 and 2 threads and any batching",
          "[risk][backends]") {
  const scenario sc = tiny_risk(
      kAllFactors, {{"effective_flops: 1.0e16", "effective_flops: 1.0e16\n  deadline_months: 12"}});
  const plan_space sp = build_space(sc);
  REQUIRE(sp.total >= 4);
  const std::vector<std::uint64_t> idx = all_indices(sp);
  const std::vector<risk_plan> plans = risk_plans_of(sp, idx);
  const auto one = evaluate_risk_cpu(sc, sp, idx, 1);
  const auto two = evaluate_risk_cpu(sc, sp, idx, 2);
  const auto small = evaluate_risk_cpu(sc, sp, idx, 2, 3001 * 2 + 5); // batches of 2 plans
  const auto tiny_batches = evaluate_risk_cpu(sc, sp, idx, 2, 1);     // one plan per batch
  REQUIRE(one.size() == idx.size());
  for (std::size_t i = 0; i < idx.size(); ++i) {
    INFO("plan " << i);
    const risk_figures ref = reference(sc, plans[i]);
    CHECK(same(one[i], ref));
    CHECK(same(two[i], one[i]));
    CHECK(same(small[i], one[i]));
    CHECK(same(tiny_batches[i], one[i]));
    CHECK(one[i].p10_tco <= one[i].p50_tco);
    CHECK(one[i].p50_tco <= one[i].p90_tco);
    CHECK(one[i].p90_tco <= one[i].cvar95_tco);
    CHECK(!std::isnan(one[i].p_meets_deadline));
  }
}

TEST_CASE("common random numbers: a plan's figures do not depend on the other plans",
          "[risk][draws]") {
  const scenario sc = tiny_risk(kAllFactors);
  const plan_space sp = build_space(sc);
  const std::vector<std::uint64_t> idx = all_indices(sp);
  const auto all = evaluate_risk_cpu(sc, sp, idx, 2);
  const auto last = evaluate_risk_cpu(sc, sp, {idx.back()}, 2);
  CHECK(same(all.back(), last[0]));
}

namespace {

/// Bit for bit: a == b as doubles and as bits (so -0.0 differs from +0.0), NaN equal to NaN.
bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}

bool same_bits(const risk_figures& a, const risk_figures& b) {
  return same_bits(a.mean_tco, b.mean_tco) && same_bits(a.p10_tco, b.p10_tco) &&
         same_bits(a.p50_tco, b.p50_tco) && same_bits(a.p90_tco, b.p90_tco) &&
         same_bits(a.cvar95_tco, b.cvar95_tco) && same_bits(a.p_meets_target, b.p_meets_target) &&
         same_bits(a.p_meets_deadline, b.p_meets_deadline);
}

} // namespace

TEST_CASE("the row radix sort gives std::stable_sort's row, zeros' signs in input order",
          "[risk][sort]") {
  std::mt19937_64 rng(20261130);
  detail::row_sort_buffers buffers;
  const double specials[] = {0.0,   -0.0,   1e-310,   -1e-310,   1.0, -1.0,
                             1e300, -1e300, INFINITY, -INFINITY, 5e9, 5e9};
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 3000)(rng);
    std::vector<double> row(n);
    const int kind = trial % 4;
    for (double& x : row) {
      if (kind == 0) x = std::exp(std::normal_distribution<double>(21, 0.3)(rng)); // TCOs
      if (kind == 1) x = std::normal_distribution<double>(0, 1e3)(rng);
      if (kind == 2) x = specials[std::uniform_int_distribution<int>(0, 11)(rng)];
      if (kind == 3) x = static_cast<double>(std::uniform_int_distribution<int>(-3, 3)(rng));
      if (kind == 3 && x == 0 && rng() % 2 == 0) x = -0.0;
    }
    std::vector<double> want = row;
    std::stable_sort(want.begin(), want.end());
    detail::radix_sort_row(row.data(), n, buffers);
    INFO("trial " << trial << ", n " << n);
    REQUIRE(row.size() == want.size());
    CHECK(std::memcmp(row.data(), want.data(), n * sizeof(double)) == 0);
  }
  // A hand-made row: the zeros keep their order, -0.0 is not moved before +0.0.
  std::vector<double> row = {2.0, 0.0, -1.0, -0.0, 0.0, -0.0};
  detail::radix_sort_row(row.data(), row.size(), buffers);
  CHECK(row[0] == -1.0);
  CHECK(!std::signbit(row[1]));
  CHECK(std::signbit(row[2]));
  CHECK(!std::signbit(row[3]));
  CHECK(std::signbit(row[4]));
  CHECK(row[5] == 2.0);
}

TEST_CASE("random scenarios: the per-plan CPU rows equal the Thrust risk_batch bit for bit",
          "[risk][backends][random]") {
  std::mt19937_64 rng(20261202);
  int checked = 0;
  for (int trial = 0; trial < 120 && checked < 36; ++trial) {
    const bool reliability = trial % 3 == 1, inference = trial % 3 == 2;
    auto u = [&](double lo, double hi) {
      return std::uniform_real_distribution<double>(lo, hi)(rng);
    };
    std::string text = test::random_scenario(rng, reliability, inference);
    const std::uint64_t S = 1 + rng() % 700;
    text += fmt::format("uncertainty:\n  scenarios: {}\n  seed: {}\n", S, rng() % 1000);
    if (rng() % 4 != 0) text += fmt::format("  energy_price: {{lognormal_sigma: {}}}\n", u(0, 1));
    if (rng() % 4 != 0) text += fmt::format("  node_price: {{lognormal_sigma: {}}}\n", u(0, 1));
    if (rng() % 4 != 0) text += fmt::format("  cloud_price: {{lognormal_sigma: {}}}\n", u(0, 1));
    if (rng() % 4 != 0) text += fmt::format("  mfu: {{normal_sd: {}}}\n", u(0, 0.3));
    if (rng() % 4 != 0) {
      const double lo = u(0, 6), mode = lo + u(0, 6);
      text +=
          fmt::format("  delay_months: {{triangular: [{}, {}, {}]}}\n", lo, mode, mode + u(0, 12));
    }
    if (reliability && rng() % 2 != 0)
      text += fmt::format("  accelerator_mtbf_hours: {{lognormal_sigma: {}}}\n", u(0, 1));
    scenario sc;
    plan_space sp;
    if (!test::load_random(text, sc, sp)) continue; // e.g. an empty space
    if (sp.total == 0) continue;
    INFO(text);
    ++checked;
    // Plans anywhere in the space, feasible or not, and the engine's top plans.
    std::vector<std::uint64_t> idx;
    for (int i = 0; i < 12; ++i) idx.push_back(rng() % sp.total);
    engine_options opt;
    opt.top_k = 5;
    opt.threads = 2;
    for (const rank_key& k : evaluate_plans_cpu(sc, sp, opt).top) idx.push_back(k.index);
    const std::vector<risk_plan> plans = risk_plans_of(sp, idx);
    const model_view v = make_model_view(sc);
    std::vector<risk_draw> draws(S);
    for (std::uint64_t k = 0; k < S; ++k) draws[k] = make_draw(make_risk_params(*sc.uncert), k);
    for (int threads : {1, 2}) {
      INFO(threads << " threads");
      std::vector<risk_figures> old(plans.size());
      std::vector<double> tco(plans.size() * S);
      std::vector<std::uint32_t> plan_of(plans.size() * S);
      std::vector<std::uint8_t> flags(plans.size() * S);
      {
        const detail::omp_threads_guard guard(threads);
        detail::risk_batch(thrust::omp::par, v, plans.data(), plans.size(), draws.data(), S,
                           tco.data(), plan_of.data(), flags.data(), old.data());
      }
      const std::vector<risk_figures> now = evaluate_risk_cpu(sc, sp, idx, threads);
      REQUIRE(now.size() == old.size());
      for (std::size_t p = 0; p < plans.size(); ++p) {
        INFO("plan " << idx[p]);
        CHECK(same_bits(now[p], old[p]));
      }
      // The unsorted samples of a share of the draws: evaluate_pair's TCOs and flags.
      const std::uint64_t d0 = S / 3, d1 = S;
      const risk_samples rs = risk_samples_cpu(sc, sp, idx, d0, d1, threads);
      const std::uint64_t m = d1 - d0;
      std::vector<double> pair_tco(plans.size() * m);
      std::vector<std::uint8_t> pair_flags(plans.size() * m);
      const detail::evaluate_pair pair{v,
                                       plans.data(),
                                       draws.data() + d0,
                                       m,
                                       pair_tco.data(),
                                       plan_of.data(),
                                       pair_flags.data()};
      for (std::uint64_t j = 0; j < plans.size() * m; ++j) pair(j);
      REQUIRE(rs.tco.size() == pair_tco.size());
      CHECK(std::memcmp(rs.tco.data(), pair_tco.data(), pair_tco.size() * sizeof(double)) == 0);
      for (std::size_t p = 0; p < plans.size(); ++p) {
        std::uint64_t target = 0, deadline = 0;
        for (std::uint64_t k = 0; k < m; ++k) {
          target += (pair_flags[p * m + k] & detail::kMeetsTarget) ? 1 : 0;
          deadline += (pair_flags[p * m + k] & detail::kMeetsDeadline) ? 1 : 0;
        }
        CHECK(rs.meets_target[p] == target);
        CHECK(rs.meets_deadline[p] == deadline);
      }
    }
  }
  CHECK(checked >= 24);
}

TEST_CASE("long rows: the sort's first pass fused into the evaluation gives risk_batch's figures",
          "[risk][backends][sort]") {
  // Rows of at least detail::kFusedRow draws are spread into key ranges as they are evaluated,
  // from the range of their first draws' keys. Wide factors put many keys outside that range (the
  // first and last buckets), fixed prices give every draw the same TCO (one key), and a plain
  // block every case between; each must equal the Thrust path bit for bit.
  const char* blocks[] = {
      "  energy_price: {lognormal_sigma: 0.25}\n  node_price: {lognormal_sigma: 0.15}\n"
      "  cloud_price: {lognormal_sigma: 0.2}\n  mfu: {normal_sd: 0.05}\n"
      "  delay_months: {triangular: [0, 2, 12]}\n",
      "  energy_price: {lognormal_sigma: 1.5}\n  node_price: {lognormal_sigma: 1.2}\n"
      "  cloud_price: {lognormal_sigma: 1.0}\n",
      "  mfu: {normal_sd: 0.05}\n  delay_months: {triangular: [0, 2, 12]}\n",
  };
  const std::uint64_t S = detail::kFusedRow + 4097;
  std::mt19937_64 rng(20261130);
  for (const char* block : blocks) {
    INFO(block);
    const scenario sc = tiny_risk(fmt::format("  scenarios: {}\n  seed: 11\n{}", S, block));
    const plan_space sp = build_space(sc);
    std::vector<std::uint64_t> idx = all_indices(sp);
    std::shuffle(idx.begin(), idx.end(), rng);
    idx.resize(std::min<std::size_t>(idx.size(), 6));
    const std::vector<risk_plan> plans = risk_plans_of(sp, idx);
    const model_view v = make_model_view(sc);
    std::vector<risk_draw> draws(S);
    for (std::uint64_t k = 0; k < S; ++k) draws[k] = make_draw(make_risk_params(*sc.uncert), k);
    std::vector<risk_figures> old(plans.size());
    std::vector<double> tco(plans.size() * S);
    std::vector<std::uint32_t> plan_of(plans.size() * S);
    std::vector<std::uint8_t> flags(plans.size() * S);
    detail::risk_batch(thrust::omp::par, v, plans.data(), plans.size(), draws.data(), S, tco.data(),
                       plan_of.data(), flags.data(), old.data());
    for (int threads : {1, 2}) {
      const std::vector<risk_figures> now = evaluate_risk_cpu(sc, sp, idx, threads);
      REQUIRE(now.size() == old.size());
      for (std::size_t p = 0; p < plans.size(); ++p) {
        INFO("plan " << idx[p] << ", " << threads << " threads");
        CHECK(same_bits(now[p], old[p]));
      }
    }
  }
}

TEST_CASE("risk objectives re-rank the top plans by p90 or CVaR, ties by the deterministic rank",
          "[risk][objective]") {
  for (const char* obj : {"p90_tco", "cvar95_tco"}) {
    DYNAMIC_SECTION(obj) {
      const scenario sc =
          tiny_risk(kAllFactors, {{"objective: tco\n", std::string("objective: ") + obj + "\n"}});
      const plan_space sp = build_space(sc);
      engine_options opt;
      opt.top_k = risk_top_k(sc, 3);
      engine_result det = evaluate_plans_cpu(sc, sp, opt);
      REQUIRE(det.top.size() >= 2);
      engine_result r = det;
      const auto fig = apply_risk(sc, sp, r, 100, 2);
      REQUIRE(fig.size() == det.top.size());
      // The same plans, ordered by the risk figure.
      std::vector<std::uint64_t> a, b;
      for (const auto& k : det.top) a.push_back(k.index);
      for (const auto& k : r.top) b.push_back(k.index);
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      CHECK(a == b);
      for (std::size_t i = 1; i < fig.size(); ++i) {
        const bool p90 = std::string(obj) == "p90_tco";
        CHECK((p90 ? fig[i - 1].p90_tco <= fig[i].p90_tco
                   : fig[i - 1].cvar95_tco <= fig[i].cvar95_tco));
      }
      // The figures follow their plans.
      const auto direct = evaluate_risk_cpu(sc, sp, {r.top[0].index}, 1);
      CHECK(same(direct[0], fig[0]));
    }
  }
  SECTION("a risk figure that ties everywhere keeps the deterministic order") {
    // MFU noise leaves every TCO unchanged, so p90 = TCO and the order is the tco ranking.
    const scenario sc = tiny_risk("  scenarios: 50\n  seed: 1\n  mfu: {normal_sd: 0.1}\n",
                                  {{"objective: tco\n", "objective: p90_tco\n"}});
    const plan_space sp = build_space(sc);
    engine_options opt;
    opt.top_k = 100;
    engine_result det = evaluate_plans_cpu(sc, sp, opt);
    engine_result r = det;
    apply_risk(sc, sp, r, 2, 1);
    REQUIRE(r.top.size() == std::min<std::size_t>(2, det.top.size()));
    for (std::size_t i = 0; i < r.top.size(); ++i) CHECK(r.top[i].index == det.top[i].index);
  }
  SECTION("plans past uncertainty.plans keep their deterministic places") {
    const scenario sc = tiny_risk(std::string(kAllFactors) + "  plans: 1\n");
    const plan_space sp = build_space(sc);
    engine_options opt;
    opt.top_k = risk_top_k(sc, 5);
    CHECK(opt.top_k == 5);
    engine_result det = evaluate_plans_cpu(sc, sp, opt);
    engine_result r = det;
    const auto fig = apply_risk(sc, sp, r, 5, 1);
    CHECK(fig.size() == 1);
    CHECK(r.top.size() == det.top.size());
  }
}

TEST_CASE("bad uncertainty blocks get located errors", "[risk][errors]") {
  struct bad {
    const char* name;
    std::string block;
    const char* field;
    const char* fragment;
    int line; // line in the file: the block starts on line 2
  };
  const std::vector<bad> cases = {
      {"zero draws", "  scenarios: 0\n  seed: 1\n", "uncertainty.scenarios", "whole number >= 1",
       3},
      {"too many draws", "  scenarios: 2000000\n  seed: 1\n", "uncertainty.scenarios",
       "1 to 1000000", 3},
      {"fractional draws", "  scenarios: 10.5\n  seed: 1\n", "uncertainty.scenarios",
       "whole number", 3},
      {"too many plans", "  scenarios: 10\n  seed: 1\n  plans: 20000\n", "uncertainty.plans",
       "1 to 10000", 5},
      {"negative seed", "  scenarios: 10\n  seed: -1\n", "uncertainty.seed", "whole number >= 0",
       4},
      {"missing seed", "  scenarios: 10\n", "uncertainty.seed", "missing required field 'seed'", 3},
      {"negative sigma", "  scenarios: 10\n  seed: 1\n  energy_price: {lognormal_sigma: -0.1}\n",
       "uncertainty.energy_price.lognormal_sigma", ">= 0", 5},
      {"negative sd", "  scenarios: 10\n  seed: 1\n  mfu: {normal_sd: -0.01}\n",
       "uncertainty.mfu.normal_sd", ">= 0", 5},
      {"unordered triangle",
       "  scenarios: 10\n  seed: 1\n  delay_months: {triangular: [3, 1, 5]}\n",
       "uncertainty.delay_months.triangular", "low <= mode <= high", 5},
      {"two numbers", "  scenarios: 10\n  seed: 1\n  delay_months: {triangular: [1, 2]}\n",
       "uncertainty.delay_months.triangular", "[low, mode, high]", 5},
      {"unknown factor", "  scenarios: 10\n  seed: 1\n  energy: {lognormal_sigma: 0.1}\n",
       "uncertainty.energy", "unknown field 'energy'", 5},
      {"unknown factor field", "  scenarios: 10\n  seed: 1\n  mfu: {sd: 0.1}\n",
       "uncertainty.mfu.sd", "unknown field 'sd'", 5},
      {"sigma not a number", "  scenarios: 10\n  seed: 1\n  cloud_price: {lognormal_sigma: high}\n",
       "uncertainty.cloud_price.lognormal_sigma", "expected a number", 5},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const std::string text =
          tiny_text({{"objective: tco\n", "objective: tco\nuncertainty:\n" + c.block}});
      try {
        load_scenario_text(text, "risk.yaml", ".");
        FAIL("accepted");
      } catch (const input_error& e) {
        CHECK(e.file() == "risk.yaml");
        CHECK(e.field() == c.field);
        CHECK_THAT(e.message(), Catch::Contains(c.fragment));
        CHECK(e.line() == c.line);
        CHECK(e.column() > 0);
      }
    }
  }
  SECTION("a risk objective without an uncertainty block") {
    try {
      load_scenario_text(tiny_text({{"objective: tco", "objective: p90_tco"}}), "risk.yaml", ".");
      FAIL("accepted");
    } catch (const input_error& e) {
      CHECK(e.field() == "objective");
      CHECK(e.line() == 1);
      CHECK_THAT(e.message(), Catch::Contains("needs an uncertainty block"));
    }
  }
  SECTION("a valid block is read whole") {
    const scenario sc = tiny_risk(std::string(kAllFactors) + "  plans: 7\n");
    REQUIRE(sc.uncert);
    CHECK(sc.uncert->scenarios == 3001);
    CHECK(sc.uncert->seed == 7);
    CHECK(sc.uncert->plans == 7);
    CHECK(sc.uncert->energy_sigma == 0.25);
    CHECK(sc.uncert->node_sigma == 0.15);
    CHECK(sc.uncert->cloud_sigma == 0.2);
    CHECK(sc.uncert->mfu_sd == 0.05);
    CHECK(sc.uncert->has_delay);
    CHECK(sc.uncert->delay_high == 12);
    CHECK(!tiny().uncert);
  }
}

TEST_CASE("dcplan plan reports risk figures in JSON and the table", "[risk][cli]") {
  const std::string path =
      write_temp("dcplan-risk-plan.yaml",
                 tiny_text({{"objective: tco\n",
                             std::string("objective: tco\nuncertainty:\n") + kAllFactors}}));
  const result r = cli({"plan", path, "--backend", "cpu", "--json", "-", "--top", "3"});
  REQUIRE(r.code == exit_ok);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(!j["plans"].empty());
  for (const auto& p : j["plans"]) {
    REQUIRE(p.contains("risk"));
    for (const char* k :
         {"mean_tco", "p10_tco", "p50_tco", "p90_tco", "cvar95_tco", "p_meets_target"})
      CHECK(p["risk"][k].is_number());
    CHECK(p["risk"]["p_meets_deadline"].is_null()); // no deadline in this scenario
    CHECK(p["risk"]["p10_tco"].get<double>() <= p["risk"]["p90_tco"].get<double>());
  }
  const result t = cli({"plan", path, "--backend", "cpu", "--top", "3"});
  CHECK(t.code == exit_ok);
  CHECK_THAT(t.out, Catch::Contains("p10 TCO") && Catch::Contains("P(target)") &&
                        Catch::Contains("3001 draws"));

  // Without an uncertainty block there is no risk.
  const std::string plain = write_temp("dcplan-risk-none.yaml", tiny_text());
  const auto j0 =
      nlohmann::json::parse(cli({"plan", plain, "--backend", "cpu", "--json", "-"}).out);
  CHECK(!j0["plans"][0].contains("risk"));
}

TEST_CASE("sensitivity moves one input to its p10 and p90 and sorts by effect",
          "[risk][sensitivity]") {
  // Only cloud and energy prices vary; the best plan's TCO scales with its own price factor.
  const scenario sc =
      tiny_risk("  scenarios: 10\n  seed: 1\n  cloud_price: {lognormal_sigma: 0.3}\n"
                "  energy_price: {lognormal_sigma: 0.01}\n");
  engine_options opt;
  opt.threads = 1;
  const sensitivity_result r = run_sensitivity(sc, backend_kind::cpu, opt, nullptr);
  REQUIRE(r.feasible);
  REQUIRE(r.rows.size() == 2);
  for (std::size_t i = 1; i < r.rows.size(); ++i)
    CHECK(r.rows[i - 1].effect_usd >= r.rows[i].effect_usd);
  for (const auto& row : r.rows) {
    const double sigma = row.input == risk_input::cloud_price ? 0.3 : 0.01;
    CHECK(row.low.value == std::exp(sigma * -kZ90));
    CHECK(row.high.value == std::exp(sigma * kZ90));
    CHECK(row.effect_usd == std::fabs(row.high.best_tco - row.low.best_tco));
  }
  // Each point is the search re-run on the scenario with that input fixed.
  const sensitivity_row& top = r.rows[0];
  engine_options o1;
  o1.top_k = 1;
  const scenario moved = apply_draw_to_scenario(sc, quantile_draw(*sc.uncert, top.input, 0.9));
  const plan_space sp = build_space(moved);
  const engine_result er = evaluate_plans_cpu(moved, sp, o1);
  const risk_plan best = risk_plans_of(sp, {er.top[0].index})[0];
  CHECK(top.high.best_tco == evaluate_plan(make_model_view(moved), best.site, best.system,
                                           best.cooling, best.fabric, best.sourcing, best.nodes)
                                 .tco);

  const std::string path = write_temp(
      "dcplan-risk-sens.yaml",
      tiny_text({{"objective: tco\n",
                  "objective: tco\nuncertainty:\n  scenarios: 10\n  seed: 1\n  cloud_price: "
                  "{lognormal_sigma: 0.3}\n  delay_months: {triangular: [0, 1, 3]}\n"}}));
  const result c = cli({"sensitivity", path, "--backend", "cpu", "--json", "-"});
  REQUIRE(c.code == exit_ok);
  const auto j = nlohmann::json::parse(c.out);
  REQUIRE(j["inputs"].size() == 2);
  CHECK(j["inputs"][0]["p10"]["quantile"] == 0.1);
  CHECK(j["inputs"][0]["p90"].contains("best_plan_changes"));
  CHECK(j["baseline"]["tco_usd"].is_number());
  const result t = cli({"sensitivity", path, "--backend", "cpu"});
  CHECK(t.code == exit_ok);
  CHECK_THAT(t.out, Catch::Contains("TCO at p90") && Catch::Contains("delay_months"));

  const std::string plain = write_temp("dcplan-risk-sens-none.yaml", tiny_text());
  const result bad = cli({"sensitivity", plain, "--backend", "cpu"});
  CHECK(bad.code == exit_bad_input);
  CHECK_THAT(bad.err, Catch::Contains("uncertainty"));
}

namespace {
// MODEL.md "Inference targets" under "Risk": Llama 3.1 405B in fp8 on GB200 trays (the
// v2-inference golden's winner), whose 82-tray plan serves 101,128 tokens/s against 1e5.
const char* kInferenceRisk = R"(precision: fp8
uncertainty: {scenarios: 600, seed: 11, mfu: {normal_sd: 0.05}}
target:
  inference: {total_params: 405.0e9, active_params: 405.0e9, tokens_per_second: 1.0e5,
              input_tokens: 2048, output_tokens: 512, kv_bytes_per_token: 258048,
              max_ms_per_token: 50, max_batch: 128, tp_scaling_k: 0.02, mbu: 0.6SERVING}
finance: {horizon_years: 4, discount_rate: 0.08, utilization: 0.7, maintenance_rate: 0.03, staff_usd_per_mw_year: 150000}
facility: {build_usd_per_mw_it: 1.1e7, construction_months: 18, facility_life_years: 20, rack_usd: 30000, rack_units: 42}
accelerators:
  - {id: b200, peak_bf16_flops: 2250.0e12, peak_fp8_flops: 4500.0e12, hbm_gb: 180, hbm_tbps: 8.0, tdp_w: 1000, available_year: 2025}
systems:
  - {id: gb200-tray, accelerator: b200, accelerators_per_node: 4, scale_up_domain: 72, node_power_kw: 7.3, node_price_usd: 217000, node_rack_units: 2, min_cooling: liquid, mfu: 0.40, lead_time_months: 9}
cooling:
  - {id: liquid, rank: 2, pue: 1.12, max_rack_kw: 140, capex_usd_per_kw: 2600}
fabrics:
  - {id: roce-400g, radix: 64, cost_usd_per_accel: 6000, power_w_per_accel: 60, scaling_k: 0.01}
sites:
  - id: us-va
    grid_mw: 20
    energy_usd_per_kwh: 0.085
    carbon_kg_per_kwh: 0.33
    pue_adjust: 0.05
    build_cost_multiplier: 1.0
    power_lead_months: 24
    colo: {usd_per_kw_month: 190, available_mw: 0.64, lead_months: 6}
)";
} // namespace

TEST_CASE("inference: the draw's mfu term moves the serving m, and P(target) is on tokens/s",
          "[risk][inference]") {
  for (const bool serving : {false, true}) {
    INFO("serving_mfu " << serving);
    std::string text = kInferenceRisk;
    text.replace(text.find("SERVING"), 7, serving ? ", serving_mfu: 0.42" : "");
    const scenario sc = load_scenario_text(text, "inference-risk.yaml", ".");
    const plan_space sp = build_space(sc);
    const std::uint64_t idx = index_of(sp, 0, 0, 0, 0, sourcing::colo, 82);
    const risk_figures r = evaluate_risk_cpu(sc, sp, {idx}, 0)[0];
    // An independent count: per draw, the scenario with m moved by the draw's term and clipped
    // to [0.01, 1], evaluated as a plain plan.
    const risk_params rp = make_risk_params(*sc.uncert);
    std::uint64_t meets = 0, flops_meets = 0;
    for (std::uint64_t k = 0; k < sc.uncert->scenarios; ++k) {
      const risk_draw d = make_draw(rp, k);
      scenario moved = sc;
      double& m = serving ? *moved.inference->serving_mfu : moved.systems[0].mfu;
      m = std::min(1.0, std::max(0.01, m + d.mfu_noise));
      const plan_figures f = evaluate_ref(moved, plan_ref{0, 0, 0, 0, 1, 82});
      meets += f.tokens_per_second >= 1e5 ? 1 : 0;
      flops_meets += f.effective_flops > 0 ? 1 : 0;
    }
    const double p = static_cast<double>(meets) / static_cast<double>(sc.uncert->scenarios);
    CHECK(r.p_meets_target == p);
    // The plan is close to the target, so the draws fall on both sides; an effective-FLOP/s
    // test (0 required under an inference target) would pass every draw.
    CHECK(p > 0.05);
    CHECK(p < 0.95);
    CHECK(flops_meets == sc.uncert->scenarios);
    // The Thrust path on 2 threads and the plain host reference agree.
    CHECK(same(evaluate_risk_cpu(sc, sp, {idx}, 2)[0], r));
  }
}

TEST_CASE("an uncertain failure rate: a lognormal factor on accelerator_mtbf_hours moves goodput",
          "[risk][goodput]") {
  // An extension (docs/goodput.md): uncertainty.accelerator_mtbf_hours {lognormal_sigma} scales
  // the reliability block's failure rate in each draw. Goodput rises with the MTBF, so a plan
  // meets its training target exactly when the draw's factor is at least f*, the factor at which
  // its effective FLOP/s equals the requirement: P(target) = 1 - Phi(ln(f*) / sigma).
  const auto training = [](const std::string& block) {
    return tiny_risk(
        block,
        {{"effective_flops: 1.0e16", "training: {active_params: 1e9, tokens: 1e11, days: 0.62}"},
         {"finance:", "reliability: {accelerator_mtbf_hours: 1000, "
                      "checkpoint_minutes: 1, restart_minutes: 10}\nfinance:"}});
  };
  const double sigma = 0.5;
  const scenario sc = training(
      "  scenarios: 20000\n  seed: 11\n  accelerator_mtbf_hours: {lognormal_sigma: 0.5}\n");
  REQUIRE(sc.uncert->has_mtbf);
  const plan_space sp = build_space(sc);
  const std::uint64_t idx = index_of(sp, 0, 0, -1, 0, sourcing::cloud, 3);
  const auto eff_at = [&](double factor) {
    scenario s = sc;
    s.reliab->accelerator_mtbf_hours *= factor;
    return evaluate_plan(make_model_view(s), 0, 0, -1, 0, 2, 3).effective_flops;
  };
  const double need = sc.globals().required_effective_flops;
  double lo = 0.01, hi = 100; // eff_at(lo) < need <= eff_at(hi)
  REQUIRE(eff_at(lo) < need);
  REQUIRE(eff_at(hi) >= need);
  for (int i = 0; i < 200; ++i) {
    const double mid = std::sqrt(lo * hi);
    (eff_at(mid) >= need ? hi : lo) = mid;
  }
  const double p = 1 - norm_cdf(std::log(hi) / sigma);
  REQUIRE(p > 0.3);
  REQUIRE(p < 0.9);
  const risk_figures r = evaluate_risk_cpu(sc, sp, {idx}, 0)[0];
  CHECK(std::fabs(r.p_meets_target - p) < 4 * std::sqrt(p * (1 - p) / 20000));
  // Common random numbers: the factor is its own stream, so adding it leaves the other
  // factors' draws as they were.
  const risk_draw d = make_draw(make_risk_params(*sc.uncert), 7);
  CHECK(d.mtbf_factor != 1.0);
  CHECK(d.energy_factor == 1.0);
  // sigma 0 is the deterministic figure.
  const scenario flat = training("  scenarios: 50\n  seed: 1\n  accelerator_mtbf_hours: "
                                 "{lognormal_sigma: 0}\n");
  const risk_figures f = evaluate_risk_cpu(flat, sp, {idx}, 0)[0];
  CHECK(f.p_meets_target == (eff_at(1) >= need ? 1.0 : 0.0));
  // The factor needs a reliability block.
  try {
    tiny_risk("  scenarios: 10\n  seed: 1\n  accelerator_mtbf_hours: {lognormal_sigma: 0.3}\n");
    FAIL("accepted an mtbf factor without a reliability block");
  } catch (const input_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("uncertainty.accelerator_mtbf_hours"));
    CHECK_THAT(e.what(), Catch::Contains("no reliability block"));
    CHECK(e.line() == 5);
  }
}
