// Published training runs reproduced through `dcplan explain` and `dcplan plan`
// (docs/validation.md), and the built-in catalog: every entry sourced.
#include <catch2/catch.hpp>

#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_capture.hpp"
#include "dcplan/cli/cli.hpp"
#include "dcplan/model/errors.hpp"

using namespace dcplan;

namespace {

using result = test::cli_result;
using test::cli;

const std::string kDeepSeek =
    std::string(DCPLAN_SOURCE_DIR) + "/configs/validation/deepseek-v3.yaml";

} // namespace

TEST_CASE("DeepSeek-V3 pre-training through explain: GPU-hours, days and cost", "[validation]") {
  const result r = cli({"explain", kDeepSeek, "--plan",
                        "site=h800-rental,system=hgx-h800,fabric=ib-ndr,sourcing=cloud,nodes=256",
                        "--json", "-"});
  REQUIRE(r.code == exit_ok);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["accelerators"] == 2048);
  // Table 1: 2,664K H800 GPU-hours (rounded to thousands) and $5.328M at $2 per GPU-hour.
  CHECK(j["accelerator_hours"].get<double>() == Approx(2664000).epsilon(0.0005));
  CHECK(j["job_cost_usd"].get<double>() == Approx(5328000).epsilon(0.0005));
  // 2.664M / 2048 / 24 = 54.2 days ("less than two months").
  CHECK(j["job_days"].get<double>() == Approx(54.2).epsilon(0.001));
  // With the paper's 124K GPU-hours of context extension and post-training, $5.576M in all.
  const double total_hours = j["accelerator_hours"].get<double>() + 119000 + 5000;
  CHECK(total_hours == Approx(2788000).epsilon(0.0005));
  CHECK(total_hours * 2.0 == Approx(5576000).epsilon(0.0005));
}

TEST_CASE("DeepSeek-V3 through plan with a training target on the command line", "[validation]") {
  const result r = cli({"plan", kDeepSeek, "--train-params", "37e9", "--train-tokens", "14.8e12",
                        "--train-days", "60", "--top", "2000", "--json", "-"});
  REQUIRE(r.code == exit_ok);
  const auto j = nlohmann::json::parse(r.out);
  bool found = false;
  for (const auto& p : j["plans"]) {
    if (p["fabric"] == "ib-ndr" && p["nodes"] == 256) {
      found = true;
      CHECK(p["accelerator_hours"].get<double>() == Approx(2664000).epsilon(0.0005));
      CHECK(p["job_cost_usd"].get<double>() == Approx(5328000).epsilon(0.0005));
    }
  }
  CHECK(found);
}

TEST_CASE(
    "the built-in catalog: at least 12 accelerators, 10 systems, 12 sites, every entry sourced",
    "[catalog]") {
  const result r = cli({"catalog", "--json", "-"});
  REQUIRE(r.code == exit_ok);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["accelerators"].size() >= 12);
  CHECK(j["systems"].size() >= 10);
  CHECK(j["sites"].size() >= 12);
  CHECK(j["cooling"].size() >= 3);
  CHECK(j["fabrics"].size() >= 3);
  for (const auto& [list, entries] : j.items())
    for (const auto& e : entries) {
      INFO(list << " " << e["id"]);
      CHECK_FALSE(e["source"].get<std::string>().empty());
      CHECK_FALSE(e["status"].get<std::string>().empty());
    }
  const result one = cli({"catalog", "sites"});
  CHECK(one.code == exit_ok);
  CHECK_THAT(one.out, Catch::Contains("us-va"));
}
