// Published figures reproduced with the version 2 extensions (docs/validation.md, "Goodput and
// serving"): Llama 3.1 405B GPU-hours with goodput from Meta's interruption rate, the largest
// useful single job, and MLPerf Inference Llama 2 70B Offline throughput.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_capture.hpp"
#include "dcplan/cli/cli.hpp"
#include "dcplan/model/errors.hpp"

using namespace dcplan;

namespace {

using result = test::cli_result;
using test::cli;

std::string validation(const char* name) {
  return std::string(DCPLAN_SOURCE_DIR) + "/configs/validation/" + name;
}

} // namespace

TEST_CASE("Llama 3.1 405B GPU-hours with goodput from Meta's interruption rate", "[validation]") {
  const result r = cli({"explain", validation("llama3-405b-goodput.yaml"), "--plan",
                        "site=us-h100-rental,system=dgx-h100,fabric=roce-400,sourcing=cloud,"
                        "nodes=2048",
                        "--json", "-"});
  REQUIRE(r.code == exit_ok);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["accelerators"] == 16384);
  // MODEL.md "Goodput": M = 50677 * 60 / 16384 = 185.58 min; Daly's interval 4.163 min for a
  // 0.0474-minute checkpoint; with a 2.5-minute restart the goodput is 0.9645 (by hand).
  CHECK(j["goodput"].get<double>() == Approx(0.9645).epsilon(0.0005));
  CHECK(j["checkpoint_interval_minutes"].get<double>() == Approx(4.163).epsilon(0.001));
  // The Llama 3.1 model card: 30.84M H100 GPU-hours. The stated tolerance is 10%.
  const double hours = j["accelerator_hours"].get<double>();
  CHECK(std::fabs(hours / 30.84e6 - 1) < 0.10);
  CHECK(hours == Approx(29.05e6).epsilon(0.002));
}

TEST_CASE("the largest useful single job: effective FLOP/s peaks, then falls", "[validation]") {
  struct expected {
    const char* file;
    const char* system;
    double nodes;
    double per_node;
  };
  // MODEL.md "Goodput" with catalog/reliability.yaml: the peak sits near 1.08M accelerators
  // whatever the chip, since M = mtbf * 60 / acc (docs/validation.md).
  for (const expected& e : {expected{"largest-cluster-h100.yaml", "dgx-h100", 135003, 8},
                            expected{"largest-cluster-gb200.yaml", "gb200-nvl72", 14993, 72}}) {
    INFO(e.system);
    const result r = cli({"plan", validation(e.file), "--top", "3", "--json", "-"});
    REQUIRE(r.code == exit_ok);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["plans"].size() == 3);
    const auto& best = j["plans"][0];
    CHECK(best["system"] == e.system);
    CHECK(best["nodes"].get<double>() == e.nodes);
    CHECK(best["accelerators"].get<double>() == e.nodes * e.per_node);
    CHECK(best["goodput"].get<double>() == Approx(0.3405).epsilon(0.002));
    // The next two are its neighbours, one node either side, each with less effective FLOP/s.
    double neighbours = 0;
    for (int i = 1; i < 3; ++i) {
      const auto& p = j["plans"][i];
      CHECK(std::fabs(p["nodes"].get<double>() - e.nodes) == 1);
      CHECK(p["effective_flops"].get<double>() < best["effective_flops"].get<double>());
      neighbours += p["nodes"].get<double>();
    }
    CHECK(neighbours == 2 * e.nodes);
  }
}

TEST_CASE("MLPerf Inference Llama 2 70B Offline on 8-GPU nodes: tokens/s against published",
          "[validation][inference]") {
  const result r =
      cli({"plan", validation("mlperf-llama2-70b.yaml"), "--top", "12", "--json", "-"});
  REQUIRE(r.code == exit_ok);
  const auto j = nlohmann::json::parse(r.out);
  struct expected {
    const char* system;
    double published; // tokens/s, mlperf_log_summary.txt of the submission (docs/validation.md)
    double ratio;     // dcplan / published, docs/validation.md's table
  };
  const expected cases[] = {
      {"dgx-h100", 24524.9, 0.821}, {"dgx-h200", 31302.7, 0.679}, {"dgx-b200", 98858, 0.440}};
  for (const expected& e : cases) {
    INFO(e.system);
    bool found = false;
    for (const auto& p : j["plans"]) {
      if (p["system"] != e.system) continue;
      found = true;
      CHECK(p["accelerators"] == 8);
      const double ratio = p["tokens_per_second"].get<double>() / e.published;
      CHECK(ratio == Approx(e.ratio).epsilon(0.005));
      // The stated band: Hopper at most 40% pessimistic and never optimistic; B200 (its
      // submission runs a format narrower than the scenario's FP8) below 0.5.
      if (std::string(e.system) == "dgx-b200")
        CHECK(ratio < 0.5);
      else
        CHECK((ratio >= 0.6 && ratio <= 1.0));
    }
    CHECK(found);
  }
}
