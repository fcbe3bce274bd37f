// The cost frontier of the CPU backend against a brute-force host reference on random small
// scenarios: every chunk size and thread count gives exactly the reference's points. The pruned
// path's frontier (detail/frontier_prune.hpp) against the every-plan sweep's on random scenarios
// of every kind, and its pieces (the galloping look-ups, the walk over one range) alone.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "dcplan/engine/detail/cost_frontier.hpp"
#include "dcplan/engine/detail/frontier_prune.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/scenario/space.hpp"
#include "helpers.hpp"
#include "random_scenario.hpp"

using namespace dcplan;

namespace {

/// `got` and `want` hold the same points, in the same order, with the same doubles.
void check_same_frontier(const std::vector<frontier_point>& got,
                         const std::vector<frontier_point>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CHECK(got[i].index == want[i].index);
    CHECK(got[i].tco == want[i].tco);
    CHECK(got[i].eff == want[i].eff);
    CHECK(got[i].capex == want[i].capex);
  }
}

// Every near-feasible plan that no other near-feasible plan covers, by comparing all pairs.
std::vector<frontier_point> brute_force(const scenario& sc, const plan_space& sp) {
  const model_view v = make_model_view(sc);
  std::vector<frontier_point> near;
  for (std::uint64_t i = 0; i < sp.total; ++i) {
    const plan_figures f = evaluate_index(v, sp.view(), i);
    if (f.near_feasible) near.push_back({i, f.tco, f.effective_flops, f.capex});
  }
  std::vector<frontier_point> front;
  for (const frontier_point& q : near) {
    bool covered = false;
    for (const frontier_point& p : near) {
      if (p.index != q.index && p.tco <= q.tco && p.eff >= q.eff &&
          (p.tco < q.tco || p.eff > q.eff || p.index < q.index)) {
        covered = true;
        break;
      }
    }
    if (!covered) front.push_back(q);
  }
  std::sort(front.begin(), front.end(),
            [](const frontier_point& a, const frontier_point& b) { return a.tco < b.tco; });
  return front;
}

// A random scenario of a few hundred to a few thousand plans. Systems and fabrics are sometimes
// duplicated under another id, so that plans tie exactly on TCO and effective FLOP/s.
std::string random_scenario(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto uni = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  const auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::string t;
  const char* objectives[] = {"tco", "capex", "ready_months", "carbon", "effective_flops"};
  const std::string obj = objectives[pick(0, 4)];
  t += fmt::format("objective: {}\n", obj);
  std::string target;
  if (obj != "effective_flops") target += fmt::format("  effective_flops: {}\n", uni(2e15, 6e16));
  if (pick(0, 1)) target += fmt::format("  deadline_months: {}\n", pick(6, 30));
  if (pick(0, 1)) target += "  year: 2025\n";
  t += target.empty() ? "target: {}\n" : "target:\n" + target;
  if (pick(0, 2)) {
    std::string budget;
    if (pick(0, 1)) budget += fmt::format("  capex_usd: {}\n", uni(5e6, 6e7));
    if (pick(0, 1)) budget += fmt::format("  tco_usd: {}\n", uni(1e7, 1e8));
    if (!budget.empty()) t += "budget:\n" + budget;
  }
  t += fmt::format(
      "finance: {{horizon_years: {}, discount_rate: {}, utilization: 0.8, maintenance_rate: 0.03, "
      "staff_usd_per_mw_year: 150000}}\n",
      pick(3, 7), pick(0, 1) ? 0.0 : 0.08);
  t += "facility: {build_usd_per_mw_it: 1.1e7, construction_months: 12, facility_life_years: 20, "
       "rack_usd: 30000, rack_units: 42}\n";
  t += "accelerators:\n"
       "  - {id: g1, peak_bf16_flops: 1.0e15, peak_fp8_flops: 2.0e15, hbm_gb: 80, hbm_tbps: 3, "
       "tdp_w: 700, available_year: 2024}\n"
       "  - {id: g2, peak_bf16_flops: 2.2e15, peak_fp8_flops: 4.4e15, hbm_gb: 180, hbm_tbps: 8, "
       "tdp_w: 1000, available_year: 2026}\n";
  t += "systems:\n";
  const int nsys = pick(1, 3);
  std::string last;
  for (int k = 0; k < nsys; ++k) {
    std::string body = fmt::format(
        "accelerator: g{}, accelerators_per_node: {}, scale_up_domain: 8, node_power_kw: {}, "
        "node_price_usd: {}, node_rack_units: {}, min_cooling: {}, mfu: {}, lead_time_months: {}",
        pick(1, 2), pick(0, 1) ? 8 : 4, uni(5, 15), uni(1e5, 5e5), pick(0, 1) ? 8 : 4,
        pick(0, 1) ? "air" : "liquid", uni(0.3, 0.5), pick(2, 9));
    if (pick(0, 1)) body += fmt::format(", cloud_usd_per_accel_hour: {}", uni(1.5, 4));
    if (k > 0 && pick(0, 2) == 0) body = last; // an exact duplicate under another id
    t += fmt::format("  - {{id: s{}, {}}}\n", k, body);
    last = body;
  }
  t += "cooling:\n"
       "  - {id: air, rank: 0, pue: 1.3, max_rack_kw: 40, capex_usd_per_kw: 1500}\n"
       "  - {id: liquid, rank: 2, pue: 1.12, max_rack_kw: 120, capex_usd_per_kw: 2500}\n";
  t += "fabrics:\n  - {id: f0, radix: 32, cost_usd_per_accel: 9000, power_w_per_accel: 100, "
       "scaling_k: 0.02}\n";
  if (pick(0, 1))
    t += pick(0, 1) ? "  - {id: f1, radix: 32, cost_usd_per_accel: 9000, power_w_per_accel: 100, "
                      "scaling_k: 0.02}\n"
                    : "  - {id: f1, radix: 16, cost_usd_per_accel: 6000, power_w_per_accel: 80, "
                      "scaling_k: 0.03}\n";
  t += "sites:\n";
  const int nsites = pick(1, 2);
  for (int k = 0; k < nsites; ++k) {
    t += fmt::format(
        "  - {{id: site{}, grid_mw: {}, energy_usd_per_kwh: {}, carbon_kg_per_kwh: 0.3, "
        "pue_adjust: 0.0, build_cost_multiplier: 1.0, power_lead_months: {}",
        k, uni(0.3, 1.5), uni(0.04, 0.1), pick(6, 24));
    if (pick(0, 1))
      t += fmt::format(", colo: {{usd_per_kw_month: {}, available_mw: {}, lead_months: {}}}",
                       uni(100, 200), uni(0.2, 1.0), pick(2, 9));
    if (pick(0, 1))
      t += fmt::format(", cloud: {{max_accelerators: {}, price_multiplier: 1.0, lead_months: 1, "
                       "pue: 1.2}}",
                       pick(100, 600));
    t += "}\n";
  }
  t += fmt::format("search: {{max_nodes: {}, node_step: {}}}\n", pick(20, 240), pick(1, 3));
  return t;
}

} // namespace

TEST_CASE("the frontier equals the brute-force reference on random scenarios", "[frontier]") {
  int nonempty = 0, with_ties = 0, sampled = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const std::string text = random_scenario(seed);
    INFO("seed " << seed << "\n" << text);
    const scenario sc = load_scenario_text(text, "random.yaml", ".");
    const plan_space sp = build_space(sc);
    const std::vector<frontier_point> want = brute_force(sc, sp);
    nonempty += !want.empty();
    sampled += sp.total >= 1024; // chunks large enough for the strided sample pass
    for (int path : {0, 1, 2}) { // pruned, every-plan sweep, Thrust chunks
      for (int threads : {1, 2}) {
        for (std::uint64_t chunk : {std::uint64_t{7}, std::uint64_t{1024}, std::uint64_t{0}}) {
          engine_options opt;
          opt.threads = threads;
          opt.chunk_plans = chunk;
          opt.want_frontier = true;
          opt.reference = path > 0;
          opt.thrust = path == 2;
          INFO("path " << path << " threads " << threads << " chunk " << chunk);
          const engine_result r = evaluate_plans_cpu(sc, sp, opt);
          check_same_frontier(r.frontier, want);
        }
      }
    }
    // Count scenarios where some near-feasible plan ties a frontier point exactly.
    const model_view v = make_model_view(sc);
    for (std::uint64_t i = 0; i < sp.total; ++i) {
      const plan_figures f = evaluate_index(v, sp.view(), i);
      bool tie = false;
      for (const frontier_point& p : want)
        tie = tie ||
              (f.near_feasible && p.index != i && p.tco == f.tco && p.eff == f.effective_flops);
      if (tie) {
        ++with_ties;
        break;
      }
    }
  }
  // The generator must exercise the cases that matter.
  CHECK(nonempty >= 20);
  CHECK(sampled >= 5);
  CHECK(with_ties >= 3);
}

TEST_CASE("frontier points rise in both TCO and effective FLOP/s", "[frontier]") {
  const scenario sc = load_scenario_text(random_scenario(7), "random.yaml", ".");
  const plan_space sp = build_space(sc);
  engine_options opt;
  opt.want_frontier = true;
  const engine_result r = evaluate_plans_cpu(sc, sp, opt);
  REQUIRE(r.frontier.size() >= 2);
  for (std::size_t i = 1; i < r.frontier.size(); ++i) {
    CHECK(r.frontier[i - 1].tco < r.frontier[i].tco);
    CHECK(r.frontier[i - 1].eff < r.frontier[i].eff);
  }
  // Without the flag the engine computes no frontier.
  opt.want_frontier = false;
  CHECK(evaluate_plans_cpu(sc, sp, opt).frontier.empty());
}

TEST_CASE("an exact tie keeps the plan with the lower index", "[frontier]") {
  // Two identical fabrics: every plan on f1 ties its twin on f0, which comes first in the space.
  const scenario sc =
      test::tiny({{"fabrics:\n", "fabrics:\n  - {id: twin, radix: 16, cost_usd_per_accel: 10000, "
                                 "power_w_per_accel: 100, scaling_k: 0.02}\n"}});
  const plan_space sp = build_space(sc);
  engine_options opt;
  opt.want_frontier = true;
  const engine_result r = evaluate_plans_cpu(sc, sp, opt);
  REQUIRE_FALSE(r.frontier.empty());
  for (const frontier_point& p : r.frontier) CHECK(plan_of_index(sp, p.index).fabric == 0);
  CHECK(r.frontier.size() == brute_force(sc, sp).size());
}

TEST_CASE("merge_frontier keeps the points that rise above every earlier one", "[frontier]") {
  std::vector<frontier_point> front = {{0, 1.0, 1.0, 0}, {1, 2.0, 3.0, 0}, {2, 4.0, 5.0, 0}};
  detail::merge_frontier(
      front, {{9, 1.5, 3.0, 0}, {10, 2.0, 3.0, 0}, {11, 5.0, 5.0, 0}, {12, 6.0, 7.0, 0}});
  // 9 covers 1 (cheaper, same eff); 10 ties 1 but comes later; 11 is covered by 2.
  std::vector<std::uint64_t> idx;
  idx.reserve(front.size());
  for (const auto& p : front) idx.push_back(p.index);
  CHECK(idx == std::vector<std::uint64_t>{0, 9, 2, 12});
  const detail::frontier_view view{front.data(), front.size()};
  CHECK(detail::frontier_view_covers(view, {20, 1.5, 2.0, 0}));
  CHECK_FALSE(detail::frontier_view_covers(view, {20, 1.4, 2.0, 0}));
  CHECK(detail::frontier_view_covers(view, {20, 1.5, 3.0, 0}));      // tie, later index
  CHECK_FALSE(detail::frontier_view_covers(view, {5, 1.5, 3.0, 0})); // tie, earlier index
  CHECK_FALSE(detail::frontier_view_covers(view, {20, 100.0, 8.0, 0}));
}

TEST_CASE("gallop_first finds the first true index from any hint", "[frontier]") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 2000; ++trial) {
    const std::uint64_t n = std::uniform_int_distribution<std::uint64_t>(0, 70)(rng);
    const std::uint64_t t = std::uniform_int_distribution<std::uint64_t>(0, n)(rng); // answer
    const std::uint64_t hint = std::uniform_int_distribution<std::uint64_t>(0, n + 2)(rng);
    INFO("n " << n << " answer " << t << " hint " << hint);
    CHECK(detail::gallop_first(n, hint, [t](std::uint64_t i) { return i >= t; }) == t);
  }
}

TEST_CASE("frontier_cursor answers as the plain look-ups do, in any order of queries",
          "[frontier]") {
  std::mt19937_64 rng(11);
  const auto uni = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  for (int trial = 0; trial < 200; ++trial) {
    // A frontier on a coarse grid, so that queries often tie a point's figures.
    std::vector<frontier_point> front;
    double tco = 0, eff = 0;
    const int n = std::uniform_int_distribution<int>(0, 40)(rng);
    for (int i = 0; i < n; ++i) {
      tco += std::floor(uni(1, 4));
      eff += std::floor(uni(1, 4));
      front.push_back({static_cast<std::uint64_t>(100 + i), tco, eff, 0});
    }
    const detail::frontier_view view{front.data(), front.size()};
    detail::frontier_cursor cur{view};
    for (int q = 0; q < 50; ++q) {
      const frontier_point p{static_cast<std::uint64_t>(uni(0, 200)), std::floor(uni(0, tco + 3)),
                             std::floor(uni(0, eff + 3)), 0};
      CHECK(cur.covers(p) == detail::frontier_view_covers(view, p));
      // The box check: some point with TCO below p's and eff at least p's.
      bool any = false;
      for (const frontier_point& f : front) any = any || (f.tco < p.tco && f.eff >= p.eff);
      CHECK(cur.covers_box(p.tco, p.eff) == any);
    }
  }
}

namespace {

// The sorted indices of a frontier's points.
std::vector<std::uint64_t> indices(const std::vector<frontier_point>& pts) {
  std::vector<std::uint64_t> out;
  out.reserve(pts.size());
  for (const frontier_point& p : pts) out.push_back(p.index);
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

TEST_CASE("one range's walk hands on exactly the frontier's plans it holds", "[frontier]") {
  // Against the whole frontier, a range's walk may skip every plan but the frontier's own
  // (no frontier plan is covered); against an empty one it must hand on every near-feasible plan.
  int ranges = 0, skipped = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const scenario sc = load_scenario_text(random_scenario(seed), "random.yaml", ".");
    const plan_space sp = build_space(sc);
    engine_options opt;
    opt.want_frontier = true;
    opt.reference = true; // the every-plan sweep, checked against brute force above
    const std::vector<frontier_point> want = evaluate_plans_cpu(sc, sp, opt).frontier;
    const detail::frontier_view full{want.data(), want.size()}, none{nullptr, 0};
    const model_view v = make_model_view(sc);
    const space_view s = sp.view();
    for (std::size_t k = 0; k < sp.combos.size(); ++k) {
      const std::uint64_t count = sp.combos[k].count, base = sp.starts[k];
      for (const auto& [lo, hi] : {std::pair<std::uint64_t, std::uint64_t>{0, count},
                                   {count / 3, count},
                                   {count / 5, count / 2}}) {
        INFO("seed " << seed << " combination " << k << " [" << lo << ", " << hi << ")");
        std::vector<frontier_point> got, all;
        detail::frontier_in_range(v, s, static_cast<int>(k), lo, hi, full,
                                  [&](const frontier_point& q) { got.push_back(q); });
        detail::frontier_in_range(v, s, static_cast<int>(k), lo, hi, none,
                                  [&](const frontier_point& q) { all.push_back(q); });
        std::vector<frontier_point> in_range, near;
        for (const frontier_point& p : want)
          if (p.index >= base + lo && p.index < base + hi) in_range.push_back(p);
        for (std::uint64_t j = lo; j < hi; ++j) {
          const plan_figures f = evaluate_index(v, s, base + j);
          if (f.near_feasible) near.push_back(detail::frontier_point_of(f, base + j));
        }
        CHECK(indices(got) == indices(in_range));
        CHECK(indices(all) == indices(near));
        ++ranges;
        skipped += near.size() > got.size();
      }
    }
  }
  CHECK(ranges > 100);
  CHECK(skipped > 20);
}

TEST_CASE("the pruned path's frontier, counts and top K equal the every-plan sweep's on random "
          "scenarios",
          "[frontier][random]") {
  // Training targets with and without goodput (whose combinations the pruned path evaluates plan
  // by plan) and inference targets (whose replica test fails on a prefix), every thread count,
  // a share of the space (docs/distributed.md) that cuts combinations in two, and batches of a
  // few pieces (the plans evaluated one by one are left for after each batch, beside the walk).
  std::mt19937_64 rng(20261130);
  int checked = 0, nonempty = 0;
  for (int trial = 0; trial < 120; ++trial) {
    const int kind = trial % 3; // plain, goodput, inference
    const std::string text = test::random_scenario(rng, kind == 1, kind == 2);
    scenario sc;
    plan_space sp;
    if (!test::load_random(text, sc, sp)) continue; // e.g. an empty space
    if (sp.total > 1000000) continue;
    INFO(text);
    for (const auto& [b, e] : {std::pair<std::uint64_t, std::uint64_t>{0, sp.total},
                               {sp.total / 3, sp.total - sp.total / 4}}) {
      engine_options ref;
      ref.want_frontier = true;
      ref.reference = true;
      ref.range_begin = b;
      ref.range_end = e;
      const engine_result every = evaluate_plans_cpu(sc, sp, ref);
      const std::vector<frontier_point>& want = every.frontier;
      nonempty += !want.empty();
      for (const auto& [threads, batch] :
           {std::pair<int, std::uint64_t>{1, 0}, {2, 0}, {2, 1000}}) {
        engine_options opt = ref;
        opt.reference = false;
        opt.threads = threads;
        opt.chunk_plans = batch;
        INFO("range [" << b << ", " << e << ") threads " << threads << " batch " << batch);
        const engine_result r = evaluate_plans_cpu(sc, sp, opt);
        for (int k = 0; k < kReasonCount; ++k) CHECK(r.counts[k] == every.counts[k]);
        REQUIRE(r.top.size() == every.top.size());
        for (std::size_t i = 0; i < r.top.size(); ++i) CHECK(r.top[i].index == every.top[i].index);
        REQUIRE(r.has_frontier);
        check_same_frontier(r.frontier, want);
      }
    }
    ++checked;
  }
  CHECK(checked >= 60);
  CHECK(nonempty >= 40);
}
