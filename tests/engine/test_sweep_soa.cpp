// The host's blocked every-plan loop (detail::sweep_nodes with stride 1, which runs
// sweep_nodes_blocked) against the plain loop one plan at a time (sweep_nodes_strided, the CUDA
// threads' loop) on random scenarios of every kind: the same counts by reason and the same sink
// calls in the same order, each plan index and every figure bit for bit (NaN as NaN), over whole
// combinations, empty pieces and pieces whose bounds are not multiples of the block size.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "dcplan/engine/detail/sweep.hpp"
#include "dcplan/model/model.hpp"
#include "dcplan/scenario/space.hpp"
#include "random_scenario.hpp"

using namespace dcplan;

namespace {

// The doubles of plan_figures lie first, `nodes` to `usd_per_million_tokens`, then `reason`.
constexpr std::size_t kFigureDoubles = offsetof(plan_figures, reason) / sizeof(double);
static_assert(offsetof(plan_figures, nodes) == 0, "plan_figures starts with its doubles");
static_assert(offsetof(plan_figures, usd_per_million_tokens) ==
                  (kFigureDoubles - 1) * sizeof(double),
              "plan_figures' doubles end with usd_per_million_tokens");

struct sink_call {
  plan_figures p;
  std::uint64_t index;
};

struct recording_sink {
  std::vector<sink_call> calls;
  void operator()(const plan_figures& p, std::uint64_t index) { calls.push_back({p, index}); }
};

double figure(const plan_figures& p, std::size_t i) {
  double d;
  std::memcpy(&d, reinterpret_cast<const unsigned char*>(&p) + i * sizeof(double), sizeof d);
  return d;
}

// Bit for bit, but any NaN equals any NaN.
bool same_double(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  std::uint64_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x == y;
}

// The first figure (its place among the doubles, then reason, failed, near_feasible) that
// differs between `a` and `b`; -1 when none does.
int first_difference(const plan_figures& a, const plan_figures& b) {
  for (std::size_t f = 0; f < kFigureDoubles; ++f)
    if (!same_double(figure(a, f), figure(b, f))) return static_cast<int>(f);
  if (a.reason != b.reason) return static_cast<int>(kFigureDoubles);
  if (a.failed != b.failed) return static_cast<int>(kFigureDoubles) + 1;
  if (a.near_feasible != b.near_feasible) return static_cast<int>(kFigureDoubles) + 2;
  return -1;
}

struct tally {
  int pieces = 0;      // pieces compared
  int long_pieces = 0; // pieces of more than one block
  std::uint64_t plans = 0;
  std::uint64_t calls = 0;   // sink calls compared
  std::uint64_t figured = 0; // plans past test 5 (sink calls or not)
};

// One piece [b, e) of combination `c`: both loops, compared.
void compare_piece(const model_view& v, const space_view& s, int c, std::uint64_t b,
                   std::uint64_t e, tally& t) {
  const combo& cb = s.combos[c];
  const combo_figures k =
      combo_figures_of(v, cb.site, cb.system, cb.cooling, cb.fabric, cb.sourcing);
  std::uint64_t blocked[kReasonCount] = {}, plain[kReasonCount] = {};
  recording_sink blocked_sink, plain_sink;
  detail::sweep_nodes(v, k, s.node_step, s.starts[c], b, e, 1, blocked, blocked_sink);
  detail::sweep_nodes_strided(v, k, s.node_step, s.starts[c], b, e, 1, plain, plain_sink);
  INFO("combination " << c << ", piece [" << b << ", " << e << ")");
  for (int r = 0; r < kReasonCount; ++r) REQUIRE(blocked[r] == plain[r]);
  REQUIRE(blocked_sink.calls.size() == plain_sink.calls.size());
  for (std::size_t i = 0; i < plain_sink.calls.size(); ++i) {
    const sink_call& x = blocked_sink.calls[i];
    const sink_call& y = plain_sink.calls[i];
    REQUIRE(x.index == y.index);
    INFO("plan " << y.index);
    REQUIRE(first_difference(x.p, y.p) == -1);
  }
  ++t.pieces;
  if (e > b + detail::kSweepBlock) ++t.long_pieces;
  t.plans += e > b ? e - b : 0;
  t.calls += plain_sink.calls.size();
  for (int r = 0; r < kReasonCount; ++r)
    if (r == feasible || r >= reason_target) t.figured += plain[r]; // past tests 1-5
}

// Every combination of a scenario whole, empty, and cut at random bounds.
void compare_scenario(const scenario& sc, const plan_space& sp, std::mt19937_64& rng, tally& t) {
  const model_view v = make_model_view(sc);
  const space_view s = sp.view();
  for (int c = 0; c < s.n; ++c) {
    const std::uint64_t count = s.combos[c].count;
    compare_piece(v, s, c, 0, count, t);
    compare_piece(v, s, c, 0, 0, t);
    compare_piece(v, s, c, count, count, t);
    for (int cut = 0; cut < 3 && count > 0; ++cut) {
      std::uniform_int_distribution<std::uint64_t> at(0, count);
      std::uint64_t b = at(rng), e = at(rng);
      if (b > e) std::swap(b, e);
      compare_piece(v, s, c, b, e, t);
    }
    // Bounds one off either side of a block boundary.
    const std::uint64_t block = detail::kSweepBlock;
    if (count > block + 1) {
      compare_piece(v, s, c, 1, block + 1, t);
      compare_piece(v, s, c, block - 1, count, t);
    }
  }
}

void run_random(bool reliability, bool inference, std::uint64_t seed, int trials) {
  std::mt19937_64 rng(seed);
  tally t;
  int scenarios = 0;
  for (int trial = 0; trial < trials; ++trial) {
    const std::string text = test::random_scenario(rng, reliability, inference);
    scenario sc;
    plan_space sp;
    if (!test::load_random(text, sc, sp)) continue;
    if (sp.total > 2000000) continue;
    INFO(text);
    compare_scenario(sc, sp, rng, t);
    ++scenarios;
  }
  // Refuse to pass vacuously: scenarios, long pieces and plans past test 5 actually compared.
  CHECK(scenarios >= trials / 3);
  CHECK(t.long_pieces >= 1000);
  CHECK(t.figured >= 500000);
  CHECK(t.calls >= 100000);
}

} // namespace

TEST_CASE("blocked sweep equals the plain loop on random scenarios", "[engine][sweep]") {
  run_random(false, false, 20261201, 120);
}

TEST_CASE("blocked sweep equals the plain loop on random goodput scenarios",
          "[engine][sweep][goodput]") {
  run_random(true, false, 20261202, 80);
}

TEST_CASE("blocked sweep equals the plain loop on random inference scenarios",
          "[engine][sweep][inference]") {
  run_random(false, true, 20261203, 80);
}
