// Property test on random scenarios: the pruned CPU path, the Thrust path (the CUDA backend's
// code under the OpenMP policy) and a plain one-plan-at-a-time reference agree exactly on the
// counts by reason, the top K and the closest plan.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/scenario/space.hpp"
#include "random_scenario.hpp"

using namespace dcplan;


TEST_CASE("random scenarios: pruned, Thrust and one-by-one paths agree exactly", "[engine][random]") {
  std::mt19937_64 rng(20261129);
  int checked = 0, with_feasible = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const std::string text = test::random_scenario(rng);
    scenario sc;
    plan_space sp;
    try {
      sc = load_scenario_text(text, "random.yaml", ".");
      sp = build_space(sc);
    } catch (const input_error&) {
      continue;  // e.g. an empty space
    }
    if (sp.total > 3000000) continue;
    INFO(text);
    // One plan at a time.
    const model_view v = make_model_view(sc);
    std::uint64_t counts[kReasonCount] = {};
    std::vector<rank_key> ranked;
    double best = -1;
    std::uint64_t best_i = 0;
    for (std::uint64_t i = 0; i < sp.total; ++i) {
      const plan_figures f = evaluate_index(v, sp.view(), i);
      ++counts[f.reason];
      if (f.reason == feasible) ranked.push_back(make_rank_key(f, v.g.obj, i));
      if (f.near_feasible && f.effective_flops > best) {
        best = f.effective_flops;
        best_i = i;
      }
    }
    std::sort(ranked.begin(), ranked.end(), rank_less);
    for (bool reference : {false, true}) {
      for (int threads : {1, 2}) {
        engine_options opt;
        opt.top_k = 12;
        opt.threads = threads;
        opt.reference = reference;
        const engine_result r = evaluate_plans_cpu(sc, sp, opt);
        for (int k = 0; k < kReasonCount; ++k) REQUIRE(r.counts[k] == counts[k]);
        REQUIRE(r.top.size() == std::min<std::size_t>(12, ranked.size()));
        for (std::size_t i = 0; i < r.top.size(); ++i) REQUIRE(r.top[i].index == ranked[i].index);
        if (counts[feasible] == 0) {
          REQUIRE(r.has_closest == (best >= 0));
          if (best >= 0) REQUIRE(r.closest_index == best_i);
        }
      }
    }
    ++checked;
    if (counts[feasible] > 0) ++with_feasible;
  }
  CHECK(checked >= 150);
  CHECK(with_feasible >= 30);
}
