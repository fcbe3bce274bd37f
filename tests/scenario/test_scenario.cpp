// Reading scenarios: every class of bad input gets a located, actionable error; includes merge.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "dcplan/model/errors.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "helpers.hpp"

using namespace dcplan;
using dcplan::test::tiny_text;

namespace {

struct bad_case {
  const char* name;
  std::string text;
  const char* fragment; // part of the message
  int line;             // expected line, 0 = not checked
};

std::string tiny_with(const std::string& from, const std::string& to) {
  return tiny_text({{from, to}});
}

} // namespace

TEST_CASE("bad scenarios are rejected with file, line, column and what is valid",
          "[scenario][errors]") {
  const std::vector<bad_case> cases = {
      {"yaml syntax", "target: [1, 2\nfinance: 3\n", "YAML syntax error", 0},
      {"unknown top-level key", tiny_with("objective: tco", "objectve: tco"),
       "did you mean 'objective'", 1},
      {"unknown entry key", tiny_with("mfu: 0.5", "mfuu: 0.5"), "did you mean 'mfu'", 9},
      {"unknown colo key", tiny_with("lead_months: 1, pue", "lead_month: 1, pue"),
       "unknown field 'lead_month'", 22},
      {"wrong type", tiny_with("grid_mw: 0.06", "grid_mw: lots"), "expected a number, got 'lots'",
       16},
      {"list where number", tiny_with("grid_mw: 0.06", "grid_mw: [1]"),
       "expected a number, got a list", 16},
      {"missing field", tiny_with("tdp_w: 700, ", ""), "missing required field 'tdp_w'", 7},
      {"mfu out of range", tiny_with("mfu: 0.5", "mfu: 1.5"), "0 < mfu <= 1", 9},
      {"nan", tiny_with("mfu: 0.5", "mfu: .nan"), "finite", 9},
      {"infinity", tiny_with("grid_mw: 0.06", "grid_mw: .inf"), "finite", 16},
      {"negative price", tiny_with("node_price_usd: 250000", "node_price_usd: -1"), ">= 0", 9},
      {"fractional count", tiny_with("accelerators_per_node: 8,", "accelerators_per_node: 8.5,"),
       "whole number", 9},
      {"zero count", tiny_with("node_rack_units: 8", "node_rack_units: 0"), "whole number >= 1", 9},
      {"radix below 2", tiny_with("radix: 16", "radix: 1"), "whole number >= 2", 13},
      {"pue below 1", tiny_with("pue: 1.3", "pue: 0.9"), ">= 1", 11},
      {"cloud pue below 1", tiny_with("pue: 1.2}", "pue: 0.8}"), ">= 1", 22},
      {"pue_adjust below 1", tiny_with("pue_adjust: 0.0", "pue_adjust: -0.5"),
       "c.pue + pue_adjust >= 1", 19},
      {"utilization 0", tiny_with("utilization: 0.75", "utilization: 0"), "0 < utilization <= 1",
       4},
      {"negative discount", tiny_with("discount_rate: 0.1", "discount_rate: -0.1"), ">= 0", 4},
      {"zero horizon", tiny_with("horizon_years: 4", "horizon_years: 0"), "> 0", 4},
      // MODEL.md "Scenario file" (version 2): ranges that catch unit mistakes.
      {"discount rate in percent", tiny_with("discount_rate: 0.1", "discount_rate: 8"),
       "finance.discount_rate: 8 is out of range; valid: 0 <= discount_rate <= 1: a rate, 0.08 "
       "for 8%; did you mean 0.08?",
       4},
      {"energy price per MWh", tiny_with("energy_usd_per_kwh: 0.1", "energy_usd_per_kwh: 50"),
       "sites.here.energy_usd_per_kwh: 50 is out of range; valid: 0 <= energy_usd_per_kwh <= 1: "
       "USD per kWh, not per MWh; did you mean 0.05?",
       17},
      {"carbon in grams", tiny_with("carbon_kg_per_kwh: 0.4", "carbon_kg_per_kwh: 400"),
       "sites.here.carbon_kg_per_kwh: 400 is out of range; valid: 0 <= carbon_kg_per_kwh <= 2: kg "
       "per kWh, not g; did you mean 0.4?",
       18},
      {"negative build_fixed_usd",
       tiny_with("power_lead_months: 6\n", "power_lead_months: 6\n    build_fixed_usd: -1\n"),
       "sites.here.build_fixed_usd: -1 is out of range; valid: >= 0", 22},
      {"purchasable not bool",
       tiny_with("lead_time_months: 4,", "lead_time_months: 4, purchasable: 2,"), "true or false",
       9},
      {"reliability with an effective_flops target",
       tiny_with("finance:", "reliability: {accelerator_mtbf_hours: 5e4, checkpoint_minutes: 0.5, "
                             "restart_minutes: 10}\nfinance:"),
       "effective_flops target is sustained compute with failures already counted", 4},
      {"reliability field",
       tiny_with("  effective_flops: 1.0e16\n",
                 "  training: {active_params: 1e9, tokens: 1e11, days: 9}\nreliability: "
                 "{accelerator_mtbf_hours: 0, checkpoint_minutes: 0.5, restart_minutes: 10}\n"),
       "reliability.accelerator_mtbf_hours: 0 is out of range; valid: > 0", 4},
      {"dangling accelerator", tiny_with("accelerator: gpu", "accelerator: gpx"),
       "'gpx' is not a known accelerator id (valid: gpu)", 9},
      {"dangling cooling", tiny_with("min_cooling: air", "min_cooling: dlc"),
       "not a known cooling id", 9},
      {"duplicate id",
       tiny_with("fabrics:\n", "fabrics:\n  - {id: ib, radix: 8, cost_usd_per_accel: 1, "
                               "power_w_per_accel: 1, scaling_k: 0}\n"),
       "duplicate id 'ib'", 14},
      {"empty list",
       tiny_with("fabrics:\n  - {id: ib, radix: 16, cost_usd_per_accel: 10000, power_w_per_accel: "
                 "100, scaling_k: 0.02}",
                 "fabrics: []"),
       "the list is empty", 12},
      {"list is a mapping",
       tiny_with("fabrics:\n  - {id: ib, radix: 16, cost_usd_per_accel: 10000, power_w_per_accel: "
                 "100, scaling_k: 0.02}",
                 "fabrics: {id: ib}"),
       "expected a list", 12},
      {"missing list",
       tiny_with("fabrics:\n  - {id: ib, radix: 16, cost_usd_per_accel: 10000, power_w_per_accel: "
                 "100, scaling_k: 0.02}\n",
                 ""),
       "missing required list 'fabrics'", 1},
      {"duplicate key", tiny_with("objective: tco", "objective: tco\nobjective: capex"),
       "duplicate key 'objective'", 2},
      {"bad objective", tiny_with("objective: tco", "objective: cheapest"),
       "valid: tco, capex, ready_months, carbon, effective_flops", 1},
      {"bad precision", tiny_with("objective: tco", "objective: tco\nprecision: fp16"),
       "valid: bf16, fp8", 2},
      {"missing target", tiny_with("target:\n  effective_flops: 1.0e16\n", ""),
       "missing required section 'target'", 1},
      {"no target", tiny_with("  effective_flops: 1.0e16\n", "  deadline_months: 3\n"),
       "missing target", 0},
      {"two targets",
       tiny_with("effective_flops: 1.0e16",
                 "effective_flops: 1.0e16\n  training: {active_params: 1, tokens: 1, days: 1}"),
       "not both", 0},
      {"training field",
       tiny_with("effective_flops: 1.0e16", "training: {active_params: 1, tokens: 0, days: 1}"),
       "> 0", 3},
      {"portfolio objective",
       tiny_with("effective_flops: 1.0e16",
                 "effective_flops: 1.0e16\n  portfolio: true\n  deadline_months: 24")
           .replace(0, 14, "objective: ready_months"),
       "portfolio", 4},
      {"portfolio not bool",
       tiny_with("effective_flops: 1.0e16", "effective_flops: 1.0e16\n  portfolio: maybe"),
       "true or false", 4},
      {"missing finance",
       tiny_with("finance: {horizon_years: 4, discount_rate: 0.1, utilization: 0.75, "
                 "maintenance_rate: 0.02, staff_usd_per_mw_year: 200000}\n",
                 ""),
       "missing required section 'finance'", 0},
      {"year not integer", tiny_with("available_year: 2024", "available_year: 2024.5"),
       "whole number", 7},
      {"root is a list", "- 1\n- 2\n", "must be a YAML mapping", 1},
      {"empty file", "", "the file is empty", 0},
      {"comment only", "# nothing here\n", "the file is empty", 0},
      {"binary", std::string("objective: tco\n\0\x01\x02", 18), "binary file", 0},
      {"not utf-8", "objective: tco\n\xff\xfe\n", "not UTF-8", 2},
      {"deep nesting", "target: " + std::string(100, '[') + std::string(100, ']') + "\n", "nesting",
       0},
      {"missing include", "include: [no/such/file.yaml]\n" + tiny_text(),
       "cannot find 'no/such/file.yaml'", 1},
      {"node_step 0", tiny_with("objective: tco", "objective: tco\nsearch: {node_step: 0}"),
       "whole number >= 1", 2},
      {"hex number", tiny_with("grid_mw: 0.06", "grid_mw: 0x10"), "expected a number", 16},
      {"null value", tiny_with("grid_mw: 0.06", "grid_mw:"), "got nothing (null)", 16},
      {"unknown search key", tiny_with("objective: tco", "objective: tco\nsearch: {max_node: 3}"),
       "did you mean 'max_nodes'", 2},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      try {
        load_scenario_text(c.text, "bad.yaml", ".");
        FAIL("accepted: " << c.name);
      } catch (const input_error& e) {
        INFO(e.what());
        CHECK(e.file() == "bad.yaml");
        CHECK_THAT(e.what(), Catch::Contains(c.fragment));
        CHECK_THAT(e.what(), Catch::StartsWith("bad.yaml"));
        if (c.line > 0) {
          CHECK(e.line() == c.line);
          CHECK(e.column() >= 1);
        }
      }
    }
  }
}

TEST_CASE("unreadable paths are errors naming the path", "[scenario][errors]") {
  CHECK_THROWS_WITH(load_scenario("/no/such/scenario.yaml"),
                    Catch::Contains("cannot read the file"));
  CHECK_THROWS_WITH(load_scenario("/tmp"), Catch::Contains("is a directory"));
}

TEST_CASE("includes: catalog entries merged by id, fields overridden, cycles caught",
          "[scenario][include]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "dcplan-test-include";
  fs::create_directories(dir);
  {
    std::ofstream(dir / "fabrics.yaml")
        << "fabrics:\n  - {id: ib, radix: 16, cost_usd_per_accel: 10000, power_w_per_accel: 100, "
           "scaling_k: 0.02, source: test}\n"
           "  - {id: eth, radix: 64, cost_usd_per_accel: 5000, power_w_per_accel: 50, scaling_k: "
           "0.03}\n";
    std::string text =
        tiny_text({{"fabrics:\n  - {id: ib, radix: 16, cost_usd_per_accel: 10000, "
                    "power_w_per_accel: 100, scaling_k: 0.02}",
                    "fabrics:\n  - {id: eth, scaling_k: 0.05}\n  - {id: new, radix: 8, "
                    "cost_usd_per_accel: 1, power_w_per_accel: 1, scaling_k: 0}"}});
    std::ofstream(dir / "s.yaml") << "include: [fabrics.yaml]\n" << text;
    std::ofstream(dir / "a.yaml") << "include: b.yaml\n";
    std::ofstream(dir / "b.yaml") << "include: [a.yaml]\n";
    std::ofstream(dir / "cyc.yaml") << "include: [a.yaml]\n" << tiny_text();
    std::ofstream(dir / "badinc.yaml") << "fabrics:\n  - {id: x, radix: 1, cost_usd_per_accel: 1, "
                                          "power_w_per_accel: 1, scaling_k: 0}\n";
    std::ofstream(dir / "s2.yaml") << "include: [badinc.yaml]\n" << tiny_text();
  }
  const scenario sc = load_scenario((dir / "s.yaml").string());
  REQUIRE(sc.fabrics.size() == 3);
  CHECK(sc.fabric_meta[0].id == "ib");
  CHECK(sc.fabric_meta[0].source == "test");
  CHECK(sc.fabric_meta[1].id == "eth");
  CHECK(sc.fabrics[1].scaling_k == 0.05); // overridden
  CHECK(sc.fabrics[1].radix == 64);       // kept
  CHECK(sc.fabric_meta[2].id == "new");
  CHECK_THROWS_WITH(load_scenario((dir / "cyc.yaml").string()),
                    Catch::Contains("circular include"));
  try {
    load_scenario((dir / "s2.yaml").string());
    FAIL("accepted a bad included entry");
  } catch (const input_error& e) {
    CHECK_THAT(e.file(), Catch::EndsWith("badinc.yaml"));
    CHECK(e.line() == 2);
  }
}

TEST_CASE("a reliability block from an included file, fields overridden by the scenario's",
          "[scenario][include][goodput]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "dcplan-test-include-reliability";
  fs::create_directories(dir);
  const std::string training =
      tiny_text({{"effective_flops: 1.0e16", "training: {active_params: 1e9, tokens: 1e11, "
                                             "days: 9}"}});
  {
    std::ofstream(dir / "rel.yaml") << "reliability:\n  accelerator_mtbf_hours: 40000\n"
                                       "  checkpoint_minutes: 0.5\n  restart_minutes: 10\n"
                                       "  status: estimate\n  source: test\n";
    std::ofstream(dir / "bad.yaml") << "reliability:\n  accelerator_mtbf_hours: 40000\n"
                                       "  checkpoint_minutes: -1\n  restart_minutes: 10\n";
    std::ofstream(dir / "s.yaml") << "include: [rel.yaml]\n" << training;
    std::ofstream(dir / "over.yaml") << "include: [rel.yaml]\nreliability: {restart_minutes: 3}\n"
                                     << training;
    std::ofstream(dir / "s-bad.yaml") << "include: [bad.yaml]\n" << training;
    std::ofstream(dir / "s-flops.yaml") << "include: [rel.yaml]\n" << tiny_text();
  }
  const scenario sc = load_scenario((dir / "s.yaml").string());
  REQUIRE(sc.reliab);
  CHECK(sc.reliab->accelerator_mtbf_hours == 40000);
  CHECK(sc.reliab->checkpoint_minutes == 0.5);
  CHECK(sc.reliab->restart_minutes == 10);
  const scenario over = load_scenario((dir / "over.yaml").string());
  REQUIRE(over.reliab);
  CHECK(over.reliab->restart_minutes == 3);            // the scenario's own field wins
  CHECK(over.reliab->accelerator_mtbf_hours == 40000); // the others come from the include
  try {
    load_scenario((dir / "s-bad.yaml").string());
    FAIL("accepted a bad included reliability field");
  } catch (const input_error& e) {
    CHECK_THAT(e.file(), Catch::EndsWith("bad.yaml"));
    CHECK(e.line() == 3);
    CHECK_THAT(e.what(), Catch::Contains("reliability.checkpoint_minutes"));
  }
  // An included block obeys the same rule as the scenario's own: training targets only.
  CHECK_THROWS_WITH(load_scenario((dir / "s-flops.yaml").string()),
                    Catch::Contains("applies to training targets only"));
  // The built-in catalog's block (configs/catalog/reliability.yaml).
  const scenario builtin = load_scenario_text("include: [catalog/reliability.yaml]\n" + training,
                                              "builtin.yaml", dir.string());
  REQUIRE(builtin.reliab);
  CHECK(builtin.reliab->accelerator_mtbf_hours == 50677);
  CHECK(builtin.reliab->checkpoint_minutes == 0.0474);
  CHECK(builtin.reliab->restart_minutes == 2.5);
}

TEST_CASE("the built-in default scenario and catalog load", "[scenario][catalog]") {
  const scenario sc = load_default_scenario();
  CHECK(sc.accelerators.size() >= 12);
  CHECK(sc.systems.size() >= 10);
  CHECK(sc.sites.size() >= 12);
  CHECK(sc.cooling.size() >= 3);
  CHECK(sc.fabrics.size() >= 3);
  for (const auto* list :
       {&sc.accelerator_meta, &sc.system_meta, &sc.site_meta, &sc.cooling_meta, &sc.fabric_meta})
    for (const auto& m : *list) {
      INFO(m.id);
      CHECK_FALSE(m.source.empty());
      CHECK_FALSE(m.status.empty());
    }
}

TEST_CASE("implausible values are run, with a located warning", "[scenario][warnings]") {
  CHECK(dcplan::test::tiny().warnings.empty());
  const auto one = [](const std::string& from, const std::string& to, const char* field,
                      const char* fragment) {
    INFO(field);
    const scenario sc = load_scenario_text(tiny_with(from, to), "w.yaml", ".");
    REQUIRE(sc.warnings.size() == 1);
    CHECK(sc.warnings[0].field == field);
    CHECK_THAT(sc.warnings[0].message, Catch::StartsWith("w.yaml:") && Catch::Contains(fragment));
  };
  one("grid_mw: 0.06", "grid_mw: 6000", "sites.here.grid_mw", "over 5 GW");
  one("  effective_flops: 1.0e16\n", "  effective_flops: 1.0e16\n  deadline_months: 121\n",
      "target.deadline_months", "over 10 years");
  one("node_price_usd: 250000", "node_price_usd: 999", "systems.box8.node_price_usd",
      "under $1,000");
  // The limits themselves are plausible.
  CHECK(load_scenario_text(tiny_with("grid_mw: 0.06", "grid_mw: 5000"), "w.yaml", ".")
            .warnings.empty());
  CHECK(
      load_scenario_text(tiny_with("node_price_usd: 250000", "node_price_usd: 1000"), "w.yaml", ".")
          .warnings.empty());
}
