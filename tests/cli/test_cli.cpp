// The command line in-process: exit codes, outputs written whole or not at all, the JSON schema
// of MODEL.md "What a planning run reports", and `explain`.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli_capture.hpp"
#include "dcplan/cli/cli.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"
#include "helpers.hpp"
#include "portfolio_helpers.hpp"

using namespace dcplan;
namespace fs = std::filesystem;

namespace {

using result = test::cli_result;
using test::cli;

// One directory per process: CTest runs the test cases in parallel, and no_temp_files() must
// see only this case's outputs.
fs::path scratch() {
  // One directory per process: CTest runs test cases in parallel.
  const fs::path d = fs::temp_directory_path() / ("dcplan-test-cli-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

std::string write(const std::string& name, const std::string& text) {
  const fs::path p = scratch() / name;
  std::ofstream(p) << text;
  return p.string();
}

std::string slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool no_temp_files() {
  for (const auto& e : fs::directory_iterator(scratch()))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return false;
  return true;
}

} // namespace

TEST_CASE("plan writes the JSON report with MODEL.md's fields", "[cli][json]") {
  const std::string s = write("tiny.yaml", test::tiny_text());
  const std::string out = (scratch() / "r.json").string();
  const result r = cli({"plan", s, "--json", out, "--quiet"});
  REQUIRE(r.code == exit_ok);
  const auto j = nlohmann::json::parse(slurp(out));
  CHECK(j["model_version"] == 2);
  CHECK(j["backend"] == "cpu");
  CHECK(j["plans_evaluated"] == 8);
  CHECK(j["plans_feasible"] == 4);
  CHECK(j["required_effective_flops"] == 1e16);
  REQUIRE(j["plans"].size() == 4);
  const auto& p = j["plans"][0];
  for (const char* k :
       {"rank", "site", "system", "cooling", "fabric", "sourcing", "nodes", "accelerators", "racks",
        "tiers", "it_kw", "facility_kw", "capex_usd", "opex_usd_per_year", "tco_usd",
        "effective_flops", "ready_months", "tco2_per_year", "usd_per_pflop_day"})
    CHECK(p.contains(k));
  CHECK_FALSE(p.contains("job_days")); // not a training target
  CHECK(p["rank"] == 1);
  CHECK(p["cooling"] == "-");
  CHECK(p["sourcing"] == "cloud");
  CHECK(p["nodes"].is_number_integer());
  for (const char* k :
       {"year", "cooling", "rack", "fabric", "power", "target", "deadline", "budget"})
    CHECK(j["infeasible_by_reason"].contains(k));
  CHECK(j["infeasible_by_reason"]["target"] == 4);
  CHECK(j.contains("timing"));
  CHECK(no_temp_files());
}

TEST_CASE("a training target adds the job figures", "[cli][json]") {
  const std::string s =
      write("train.yaml",
            test::tiny_text({{"effective_flops: 1.0e16",
                              "training: {active_params: 1.0e9, tokens: 2.0e10, days: 10}"}}));
  const result r = cli({"plan", s, "--json", "-"});
  REQUIRE(r.code == exit_ok);
  const auto j = nlohmann::json::parse(r.out);
  for (const char* k :
       {"job_days", "accelerator_hours", "job_energy_mwh", "job_tco2", "job_cost_usd"})
    CHECK(j["plans"][0].contains(k));
}

TEST_CASE("bad input: exit 2, a located message, and no output file", "[cli][errors]") {
  const std::string s = write("bad.yaml", test::tiny_text({{"mfu: 0.5", "mfu: 2"}}));
  const std::string out = (scratch() / "never.json").string();
  fs::remove(out);
  const result r = cli({"plan", s, "--json", out});
  CHECK(r.code == exit_bad_input);
  CHECK_THAT(r.err, Catch::Contains("bad.yaml:9:"));
  CHECK_THAT(r.err, Catch::Contains("systems.box8.mfu"));
  CHECK_FALSE(fs::exists(out));
  // An existing output is left as it was.
  std::ofstream(out) << "previous";
  CHECK(cli({"plan", s, "--json", out}).code == exit_bad_input);
  CHECK(slurp(out) == "previous");
  CHECK(no_temp_files());
}

TEST_CASE("an output that cannot be written is reported before planning", "[cli][errors]") {
  const std::string s = write("tiny.yaml", test::tiny_text());
  const result r = cli({"plan", s, "--json", "/no/such/dir/out.json"});
  CHECK(r.code == exit_output);
  CHECK_THAT(r.err, Catch::Contains("/no/such/dir/out.json"));
}

TEST_CASE("an infeasible scenario writes its report and exits 3", "[cli]") {
  const std::string s =
      write("inf.yaml", test::tiny_text({{"effective_flops: 1.0e16", "effective_flops: 1.0e18"}}));
  const std::string out = (scratch() / "inf.json").string();
  const result r = cli({"plan", s, "--json", out, "--csv", (scratch() / "inf.csv").string()});
  CHECK(r.code == exit_infeasible);
  const auto j = nlohmann::json::parse(slurp(out));
  CHECK(j["plans_feasible"] == 0);
  CHECK(j["plans"].empty());
  CHECK(j["infeasible_by_reason"]["target"] == 8);
  CHECK(j["closest"]["nodes"] == 4);
  CHECK(j["closest"]["reason"] == "target");
  // The table names the closest plan too.
  const result t = cli({"plan", s});
  CHECK(t.code == exit_infeasible);
  CHECK_THAT(t.out, Catch::Contains("closest plan"));
}

TEST_CASE("a schedule search stopped by --schedule-work-limit is not proven", "[cli][schedule]") {
  const std::string s = std::string(DCPLAN_SOURCE_DIR) + "/tests/golden/v2-schedule-budget.yaml";
  const std::string out = (scratch() / "sched.json").string();
  // 100 nodes: a schedule is found, not the optimum. (A limit of 1 finds none, and the report
  // then writes lower_bound as null: see docs/schedules.md, "Known limits".)
  const result r = cli({"plan", s, "--json", out, "-q", "--schedule-work-limit", "100"});
  CHECK(r.code == exit_ok);
  const auto j = nlohmann::json::parse(slurp(out));
  CHECK(j["schedule"]["proven"] == false);
  CHECK(j["schedule"]["search_nodes"] == 100);
  // The optimum, from tests/golden/v2-schedule-budget.expected.json.
  const double z = 211291075.50138134;
  CHECK(j["schedule"]["lower_bound"].get<double>() <= z);
  CHECK(j["schedule"]["objective_value"].get<double>() >= z);
}

TEST_CASE("the table says which backend ran and how many plans it evaluated", "[cli][table]") {
  const std::string s = write("tiny.yaml", test::tiny_text());
  const result r = cli({"plan", s, "--backend", "cpu", "--threads", "2"});
  CHECK(r.code == exit_ok);
  CHECK_THAT(r.out, Catch::Contains("backend: cpu (2 threads)"));
  CHECK_THAT(r.out, Catch::Contains("8 plans evaluated"));
  CHECK_THAT(r.out, Catch::Contains("$/PFLOP-day"));
}

TEST_CASE("CSV: one row per plan with units in the header", "[cli][csv]") {
  const std::string s = write("tiny.yaml", test::tiny_text());
  const result r = cli({"plan", s, "--csv", "-"});
  REQUIRE(r.code == exit_ok);
  std::istringstream in(r.out);
  std::string head, line;
  std::getline(in, head);
  CHECK_THAT(head, Catch::Contains("tco_usd (USD)"));
  int rows = 0;
  while (std::getline(in, line)) ++rows;
  CHECK(rows == 4);
}

TEST_CASE("backend cuda without a usable device exits 4, and auto falls back", "[cli][backend]") {
  const std::string s = write("tiny.yaml", test::tiny_text());
  std::string why;
  if (cuda_device_available(&why)) {
    CHECK(cli({"plan", s, "--backend", "cuda", "--quiet"}).code == exit_ok);
  } else {
    const result r = cli({"plan", s, "--backend", "cuda"});
    CHECK(r.code == exit_resource);
    CHECK_THAT(r.err, Catch::Contains("cuda"));
    const result a = cli({"plan", s, "--backend", "auto"});
    CHECK(a.code == exit_ok);
    CHECK_THAT(a.out, Catch::Contains("running on the CPU"));
  }
}

TEST_CASE("explain: every figure, JSON record, and bad --plan values", "[cli][explain]") {
  const std::string s = write("tiny.yaml", test::tiny_text());
  const result r = cli({"explain", s, "--plan",
                        "site=here,system=box8,cooling=air,fabric=ib,sourcing=build,nodes=3"});
  REQUIRE(r.code == exit_ok);
  CHECK_THAT(r.out, Catch::Contains("tco_usd"));
  CHECK_THAT(r.out, Catch::Contains("feasible: passes every test"));
  const result j = cli({"explain", s, "--plan",
                        "site=here,system=box8,fabric=ib,sourcing=cloud,nodes=3", "--json", "-"});
  REQUIRE(j.code == exit_ok);
  const auto rec = nlohmann::json::parse(j.out);
  CHECK(rec["cooling"] == "-");
  CHECK(rec["feasible"] == true);
  CHECK(rec["reason"].is_null());
  CHECK(rec["tco_usd"].get<double>() == Approx(1332865.0228809514).epsilon(1e-12));
  // A plan outside the space is still explained, with its reason.
  const result big =
      cli({"explain", s, "--plan",
           "site=here,system=box8,cooling=air,fabric=ib,sourcing=build,nodes=9", "--json", "-"});
  CHECK(nlohmann::json::parse(big.out)["reason"] == "power");
  // per_rack 0: racks and what is built on them are null.
  const std::string norack =
      write("norack.yaml", test::tiny_text({{"max_rack_kw: 25", "max_rack_kw: 5"}}));
  const auto nr = nlohmann::json::parse(
      cli({"explain", norack, "--plan",
           "site=here,system=box8,cooling=air,fabric=ib,sourcing=build,nodes=1", "--json", "-"})
          .out);
  CHECK(nr["racks"].is_null());
  CHECK(nr["capex_usd"].is_null());
  CHECK(nr["reason"] == "rack");
  for (const char* bad :
       {"site=nowhere,system=box8,cooling=air,fabric=ib,sourcing=build,nodes=3",
        "site=here,system=box8,cooling=air,fabric=ib,sourcing=colo,nodes=3",
        "site=here,system=box8,cooling=air,fabric=ib,sourcing=cloud,nodes=3",
        "site=here,system=box8,cooling=air,fabric=ib,sourcing=build,nodes=0",
        "site=here,system=box8,cooling=air,fabric=ib,sourcing=build,nodes=2.5",
        "site=here,system=box8,cooling=air,fabric=ib,sourcing=build",
        "site=here,system=box8,cooling=air,fabric=ib,sourcing=build,nodes=3,color=red",
        "garbage"}) {
    INFO(bad);
    const result e = cli({"explain", s, "--plan", bad});
    CHECK(e.code == exit_bad_input);
    CHECK_THAT(e.err, Catch::Contains("--plan"));
  }
}

TEST_CASE("usage errors exit 2, and help exits 0", "[cli]") {
  CHECK(cli({}).code == exit_bad_input);
  CHECK(cli({"plan", "--top", "-3"}).code == exit_bad_input);
  CHECK(cli({"plan", "--backend", "tpu"}).code == exit_bad_input);
  CHECK(cli({"frobnicate"}).code == exit_bad_input);
  CHECK(cli({"plan", "--help"}).code == exit_ok);
  CHECK(cli({"validate", "/no/such.yaml"}).code == exit_bad_input);
}

TEST_CASE("plan takes every objective on the command line that a scenario file takes",
          "[cli][objective]") {
  // One table of names: the command line refuses none that the scenario file accepts.
  const std::string tiny = write("objective-tiny.yaml", test::tiny_text());
  for (const auto& o : kObjectiveNames) {
    CAPTURE(o.name);
    const result r = cli({"plan", tiny, "--objective", o.name, "--quiet"});
    CHECK(r.err.find("not in") == std::string::npos);
    if (o.value == objective::p90_tco || o.value == objective::cvar95_tco) {
      CHECK(r.code == exit_bad_input); // tiny.yaml has no uncertainty block
      CHECK_THAT(r.err, Catch::Contains("needs an uncertainty block"));
    } else {
      CHECK(r.code != exit_bad_input);
    }
  }
  const std::string risk =
      (fs::path(__FILE__).parent_path().parent_path() / "risk" / "realistic-risk.yaml").string();
  for (const char* o : {"p90_tco", "cvar95_tco"}) {
    const result r = cli({"plan", risk, "--objective", o, "--top", "5", "--json", "-"});
    REQUIRE(r.code == exit_ok);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["objective"] == o);
    CHECK(j["plans"].size() == 5);
    CHECK(j["plans"][0].contains("risk"));
  }
}

TEST_CASE("one mapping from an exception to the exit code and message", "[cli][errors]") {
  const auto mapped = [](auto e) {
    std::string message;
    const int code = exit_code_of(std::make_exception_ptr(e), &message);
    return std::make_pair(code, message);
  };
  CHECK(mapped(input_error("a.yaml", 3, 4, "x", "bad")) ==
        std::make_pair(int(exit_bad_input), std::string("a.yaml:3:4: error: x: bad")));
  CHECK(mapped(resource_error("no GPU")).first == exit_resource);
  CHECK(mapped(output_error("disk full")).first == exit_output);
  CHECK(mapped(interrupted_error("")).first == exit_interrupted);
  CHECK(mapped(std::bad_alloc()).first == exit_resource);
  CHECK(mapped(std::logic_error("oops")) ==
        std::make_pair(int(exit_internal), std::string("internal error: oops")));
  // A fault of the GPU while running is a bug of the GPU backend, never "no GPU".
  const auto [code, message] = mapped(cuda_error("cudaMemcpy failed: an illegal memory access"));
  CHECK(code == exit_internal);
  CHECK_THAT(message, Catch::Contains("internal error of the GPU backend"));
  CHECK_THAT(message, Catch::Contains("cudaMemcpy failed: an illegal memory access"));
  CHECK(exit_code_of(std::make_exception_ptr(42), nullptr) == exit_internal);
}

TEST_CASE("plan with --milp writes the portfolio problem as an LP file, and needs a portfolio run",
          "[cli][portfolio]") {
  const std::string s = write("milp.yaml", test::tiny_text());
  const std::string lp = (scratch() / "p.lp").string(), js = (scratch() / "p.json").string();
  fs::remove(lp);
  const result bad = cli({"plan", s, "--milp", lp});
  CHECK(bad.code == exit_bad_input);
  CHECK_THAT(bad.err, Catch::Contains("--portfolio"));
  CHECK_FALSE(fs::exists(lp));

  const result r = cli({"plan", s, "--portfolio", "--milp", lp, "--json", js});
  REQUIRE((r.code == exit_ok || r.code == exit_infeasible));
  const std::string text = slurp(lp);
  const auto j = nlohmann::json::parse(slurp(js));
  // One binary per pool candidate, the target row, a row per pool, and what each variable is.
  std::size_t binaries = 0, named = 0, pools = 0;
  std::istringstream in(text);
  std::string line, section;
  while (std::getline(in, line)) {
    if (line == "Binaries" || line == "End" || line == "Subject To")
      section = line;
    else if (section == "Binaries" && line.rfind(" x", 0) == 0)
      ++binaries;
    if (line.rfind(" pool_", 0) == 0) ++pools;
    if (line.rfind("\\ x", 0) == 0 && line.find("site=") != std::string::npos) ++named;
  }
  CHECK(binaries == j["portfolio"]["frontier_plans"].get<std::size_t>());
  CHECK(named == binaries);
  CHECK(pools >= 1);
  CHECK_THAT(text, Catch::Contains(" target:"));
  CHECK_THAT(text, Catch::Contains("Minimize"));
  CHECK(no_temp_files());
}

TEST_CASE("a cost-curve point stopped at --curve-work-limit is marked, with its best found and a "
          "lower bound",
          "[cli][portfolio]") {
  const std::string s = write("limit.yaml", test::random_portfolio_scenario(3));
  const std::string whole_js = (scratch() / "whole.json").string(),
                    cut_js = (scratch() / "cut.json").string();
  const result whole = cli({"plan", s, "--portfolio", "--json", whole_js});
  REQUIRE((whole.code == exit_ok || whole.code == exit_infeasible));
  const result cut = cli({"plan", s, "--portfolio", "--curve-work-limit", "1", "--json", cut_js});
  REQUIRE(cut.code == whole.code);
  const auto a = nlohmann::json::parse(slurp(whole_js))["portfolio"]["cost_curve"];
  const auto b = nlohmann::json::parse(slurp(cut_js))["portfolio"]["cost_curve"];
  REQUIRE(a.size() == 6);
  REQUIRE(b.size() == 6);
  int unproven = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("point " << i);
    // Without a limit every point is proven; the target's own point always is.
    CHECK(a[i]["proven"] == true);
    CHECK_FALSE(a[i].contains("lower_bound"));
    if (b[i]["fraction"] == 1.0) CHECK(b[i]["proven"] == true);
    if (b[i]["proven"] == true) {
      CHECK(b[i]["objective_value"] == a[i]["objective_value"]);
      continue;
    }
    ++unproven;
    // The bound is proven and the value a portfolio found: the optimum lies between them.
    REQUIRE(b[i]["lower_bound"].is_number());
    if (a[i]["objective_value"].is_null()) { // infeasible: nothing can be found
      CHECK(b[i]["objective_value"].is_null());
      continue;
    }
    const double opt = a[i]["objective_value"].get<double>();
    CHECK(b[i]["lower_bound"].get<double>() <= opt * (1 + 1e-12) + 1e-9);
    if (!b[i]["objective_value"].is_null()) CHECK(b[i]["objective_value"].get<double>() >= opt);
  }
  CHECK(unproven > 0);
  CHECK_THAT(cut.out, Catch::Contains("not proven"));
  CHECK_THAT(cut.out, Catch::Contains("--curve-work-limit"));
  CHECK_THAT(whole.out, !Catch::Contains("not proven"));
}
