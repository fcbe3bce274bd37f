// Published training runs reproduced through `dcplan explain` and `dcplan plan`
// (docs/validation.md), and the built-in catalog: every entry sourced.
#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <tuple>

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

namespace {

const std::string kPublic =
    std::string(DCPLAN_SOURCE_DIR) + "/configs/validation/public-figures.yaml";

// `dcplan explain` on configs/validation/public-figures.yaml, as JSON.
nlohmann::json explain_public(const std::string& plan) {
  const result r = cli({"explain", kPublic, "--plan", plan, "--json", "-"});
  REQUIRE(r.code == exit_ok);
  return nlohmann::json::parse(r.out);
}

// The entry `id` of the built-in catalog's list `list`.
nlohmann::json catalog_entry(const std::string& list, const std::string& id) {
  const result r = cli({"catalog", "--json", "-"});
  REQUIRE(r.code == exit_ok);
  const auto j = nlohmann::json::parse(r.out);
  for (const auto& e : j[list])
    if (e["id"] == id) return e;
  FAIL("no " << list << " entry " << id);
  return {};
}

// The fabric's share of hardware capex of a built plan (MODEL.md "Figures of a plan":
// hw_capex = nodes x node_price + acc x cost x tiers/2 + racks x rack_usd; rack_usd 30,000).
double fabric_share(const std::string& system, const std::string& fabric, int nodes, int tiers) {
  const auto j = explain_public("site=us-va,system=" + system + ",cooling=air,fabric=" + fabric +
                                ",sourcing=build,nodes=" + std::to_string(nodes));
  CHECK(j["feasible"] == true);
  CHECK(j["tiers"] == tiers);
  const double node_price = catalog_entry("systems", system)["node_price_usd"].get<double>();
  const double cost = catalog_entry("fabrics", fabric)["cost_usd_per_accel"].get<double>();
  const double fab = j["accelerators"].get<double>() * cost * j["tiers"].get<double>() / 2;
  const double hw = nodes * node_price + fab + j["racks"].get<double>() * 30000;
  return fab / hw;
}

// A cloud plan's price per accelerator-hour (MODEL.md: opex = acc x price x multiplier x 8760).
double cloud_price(const std::string& site) {
  const auto j = explain_public(
      "site=" + site + ",system=dgx-h100,cooling=-,fabric=ib-ndr,sourcing=cloud,nodes=256");
  return j["opex_usd_per_year"].get<double>() / (j["accelerators"].get<double>() * 8760);
}

} // namespace

TEST_CASE("the InfiniBand fabrics are 9-13% of hardware capex with 2 and with 3 tiers",
          "[validation][fabric]") {
  // Cottier et al., arXiv:2405.21015: cluster-level interconnect 9-13% of cost.
  for (const auto& [system, fabric, two, three] :
       {std::tuple{"dgx-h100", "ib-ndr", 256, 512}, std::tuple{"dgx-b300", "ib-xdr", 1024, 2048}}) {
    INFO(system << " on " << fabric);
    const double s2 = fabric_share(system, fabric, two, 2);
    const double s3 = fabric_share(system, fabric, three, 3);
    CHECK(s2 >= 0.09);
    CHECK(s2 <= 0.13);
    CHECK(s3 >= 0.09);
    CHECK(s3 <= 0.13);
    CHECK(s3 > s2);
  }
}

TEST_CASE("the Ethernet fabrics keep their discount: 3 tiers in 9-13%, 2 tiers just under",
          "[validation][fabric]") {
  for (const auto& [system, fabric, two, three] : {std::tuple{"dgx-h100", "roce-400", 1024, 2048},
                                                   std::tuple{"dgx-b300", "roce-800", 256, 512}}) {
    INFO(system << " on " << fabric);
    const double s2 = fabric_share(system, fabric, two, 2);
    const double s3 = fabric_share(system, fabric, three, 3);
    CHECK(s2 >= 0.075);
    CHECK(s2 < 0.09);
    CHECK(s3 >= 0.09);
    CHECK(s3 <= 0.13);
  }
}

TEST_CASE("xAI Colossus: 100,000 H100 draw about 150 MW and cost $3-4B in servers",
          "[validation][colossus]") {
  const auto j = explain_public(
      "site=memphis,system=dgx-h100,cooling=liquid,fabric=roce-400,sourcing=build,nodes=12500");
  CHECK(j["accelerators"] == 100000);
  CHECK(j["tiers"] == 3);
  // 150 MW from MLGW/TVA for phase 1 (Greater Memphis Chamber via Tom's Hardware), within 15%.
  CHECK(j["facility_kw"].get<double>() / 1000 == Approx(150).epsilon(0.15));
  // Servers: 100,000 x $20-40k per GPU plus hosts; press estimates $3-4B.
  const double servers =
      12500 * catalog_entry("systems", "dgx-h100")["node_price_usd"].get<double>();
  CHECK(servers >= 3.0e9);
  CHECK(servers <= 4.0e9);
}

TEST_CASE("cloud prices are the named providers' prices", "[validation][cloud]") {
  // AWS p5.48xlarge on-demand $55.04/h / 8 (us-east-1 and us-west-2, as of 2026-11).
  CHECK(cloud_price("us-va") == Approx(6.88).epsilon(0.01));
  CHECK(cloud_price("us-or") == Approx(6.88).epsilon(0.01));
  // AWS EC2 Capacity Blocks p5.48xlarge $39.33/h / 8 in US East (Ohio), as of 2024-12.
  CHECK(cloud_price("us-oh") == Approx(4.916).epsilon(0.01));
  // Lambda's on-demand list in its Plano region, as of 2026-03.
  CHECK(cloud_price("us-tx") == Approx(2.99).epsilon(0.001));
}

TEST_CASE("catalog power is maximum power and carbon has one basis", "[validation][catalog]") {
  // The NVL72 racks at their power shelves' output, not the ~120 kW typical draw.
  CHECK(catalog_entry("systems", "gb200-nvl72")["node_power_kw"].get<double>() >= 132);
  CHECK(catalog_entry("systems", "gb300-nvl72")["node_power_kw"].get<double>() >= 132);
  // Location-based, direct emissions: Quebec's hydro grid below 1 g/kWh (lifecycle: ~30 g);
  // Virginia at EPA eGRID2022 SRVC.
  CHECK(catalog_entry("sites", "ca-qc")["carbon_kg_per_kwh"].get<double>() < 0.001);
  CHECK(catalog_entry("sites", "us-va")["carbon_kg_per_kwh"].get<double>() ==
        Approx(0.284).epsilon(0.001));
}

namespace {

std::string slurp_catalog(const std::string& name) {
  std::ifstream in(std::string(DCPLAN_SOURCE_DIR) + "/configs/catalog/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

TEST_CASE("every catalog price and lead time is dated, every source can be opened",
          "[validation][catalog]") {
  const std::regex dated_key("^\\s*(node_price_usd|cloud_usd_per_accel_hour|lead_time_months|"
                             "cost_usd_per_accel|capex_usd_per_kw|energy_usd_per_kwh|"
                             "power_lead_months|colo|cloud):");
  const std::regex openable("https?://|arXiv:\\d|\\b[a-z0-9-]+\\.(com|org|net|ai|io|gov|de|ie|"
                            "xyz|pk|news|eu|jp|uk|ae|id|dev|app|info|blog|co)\\b",
                            std::regex::icase);
  for (const char* name :
       {"accelerators.yaml", "systems.yaml", "cooling.yaml", "fabrics.yaml", "sites.yaml"}) {
    std::istringstream lines(slurp_catalog(name));
    std::string line;
    int n = 0, sources = 0;
    while (std::getline(lines, line)) {
      ++n;
      INFO(name << ":" << n << ": " << line);
      if (std::regex_search(line, dated_key)) CHECK(line.find("as of ") != std::string::npos);
      if (line.find("    source:") == 0) {
        ++sources;
        CHECK(std::regex_search(line, openable));
      }
    }
    CHECK(sources >= 3);
  }
}
