// The command line in-process: exit codes, outputs written whole or not at all, the JSON schema
// of MODEL.md "What a planning run reports", and `explain`.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
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
  // 2,000 nodes: a schedule is found, not the optimum (about 4,300 nodes prove it). (A limit of
  // 100 finds none: the run then reports its bound and exits 3, docs/schedules.md "Known
  // limits".)
  const result r = cli({"plan", s, "--json", out, "-q", "--schedule-work-limit", "2000"});
  CHECK(r.code == exit_ok);
  const auto j = nlohmann::json::parse(slurp(out));
  CHECK(j["schedule"]["proven"] == false);
  CHECK(j["schedule"]["search_nodes"] == 2000);
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
    // The note is about the run, not its answer: standard error, never the table.
    CHECK_THAT(a.err, Catch::Contains("running on the CPU"));
    CHECK(a.out.find("CUDA") == std::string::npos);
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

namespace {

nlohmann::json json_of(const result& r) {
  INFO(r.err);
  return nlohmann::json::parse(r.out);
}

// tiny with build plans only: a budget then binds (cloud plans have no capex).
const std::pair<std::string, std::string> kBuildOnly = {"sites:",
                                                        "search: {sourcing: [build]}\nsites:"};

} // namespace

TEST_CASE("money, FLOP/s and counts take k/M/B/T suffixes; ranges read as words", "[cli][units]") {
  const std::string s = write("suffix.yaml", test::tiny_text({kBuildOnly}));
  // The 3-node build plan's capex is $1,386,400 (hw 750,000 + 240,000 + 40,000; facility
  // 32.4 kW: 324,000 + 32,400): $1.39M admits it alone, $1.38M nothing.
  CHECK(json_of(cli({"plan", s, "--budget-capex", "1.39M", "--json", "-"}))["plans_feasible"] == 1);
  CHECK(cli({"plan", s, "--budget-capex", "1.38m", "--quiet"}).code == exit_infeasible);
  CHECK(json_of(cli({"plan", s, "--budget-capex", "1390k", "--json", "-"}))["plans_feasible"] == 1);
  // --target-flops 11.6P = 1.16e16: only the 3- and 4-node plans (1.163e16, 1.538e16) reach it.
  CHECK(json_of(cli({"plan", s, "--target-flops", "11.6P", "--json", "-"}))["plans_feasible"] == 2);
  CHECK(json_of(cli({"plan", s, "--target-flops", "15.4P", "--json", "-"}))["plans_feasible"] == 0);
  const result bad = cli({"plan", s, "--budget-capex", "5X"});
  CHECK(bad.code == exit_bad_input);
  CHECK_THAT(bad.err, Catch::Contains("--budget-capex"));
  CHECK_THAT(bad.err, Catch::Contains("not a number"));
  CHECK(bad.err.find("e+") == std::string::npos);
  CHECK(cli({"plan", s, "--budget-capex", "-1M"}).code == exit_bad_input);
  CHECK(cli({"plan", s, "--train-days", "0"}).code == exit_bad_input);
  const result help = cli({"plan", "--help"});
  CHECK(help.code == exit_ok);
  CHECK(help.out.find("1e+300") == std::string::npos);
  CHECK_THAT(help.out, Catch::Contains("suffix k/M/B/T"));
  CHECK_THAT(help.out, Catch::Contains("--distinct"));
  CHECK_THAT(help.out, Catch::Contains("(site, system, sourcing)"));
}

TEST_CASE("plan --distinct: the best plan of each (site, system, sourcing)", "[cli][distinct]") {
  const std::string s = write("distinct.yaml", test::tiny_text());
  const auto all = json_of(cli({"plan", s, "--json", "-"}));
  const auto one = json_of(cli({"plan", s, "--distinct", "--json", "-"}));
  REQUIRE(all["plans"].size() == 4);
  CHECK_FALSE(all.contains("distinct"));
  CHECK(one["distinct"] == true);
  CHECK(one["plans_feasible"] == all["plans_feasible"]); // counts cover every plan
  // Two groups, (here, box8, cloud) and (here, box8, build), each its best plan, in rank order.
  REQUIRE(one["plans"].size() == 2);
  CHECK(one["plans"][0]["sourcing"] == "cloud");
  CHECK(one["plans"][0]["nodes"] == 3);
  CHECK(one["plans"][1]["sourcing"] == "build");
  CHECK(one["plans"][1]["nodes"] == 3);
  CHECK(one["plans"][0]["rank"] == 1);
  CHECK(one["plans"][1]["rank"] == 2);
  const result csv = cli({"plan", s, "--distinct", "--csv", "-"});
  CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 3); // header and two rows
  CHECK_THAT(cli({"plan", s, "--distinct"}).out, Catch::Contains("--distinct"));
}

TEST_CASE("plan --distinct finds a group ranked below thousands of plans of another",
          "[cli][distinct]") {
  // Maximum compute, one accelerator per node, radix 64: site 'here' has 23,000 node counts
  // that all out-rank the single plan of site 'small', so the longest top list the command
  // asks for holds one group and it finds the other by one run per group.
  const std::string s = write(
      "distinct-deep.yaml",
      test::tiny_text({{"objective: tco", "objective: effective_flops"},
                       {"accelerators_per_node: 8, scale_up_domain: 8",
                        "accelerators_per_node: 1, scale_up_domain: 1"},
                       {"radix: 16", "radix: 64"},
                       {"grid_mw: 0.06", "grid_mw: 300"},
                       {"    cloud: {max_accelerators: 32, price_multiplier: 1.0, lead_months: 1, "
                        "pue: 1.2}\n",
                        "  - {id: small, grid_mw: 0.02, energy_usd_per_kwh: 0.1, "
                        "carbon_kg_per_kwh: 0.4, pue_adjust: 0.0, build_cost_multiplier: 1.0, "
                        "power_lead_months: 6}\n"}}));
  const auto j = json_of(cli({"plan", s, "--distinct", "--top", "5", "--json", "-"}));
  REQUIRE(j["plans"].size() == 2);
  CHECK(j["plans"][0]["site"] == "here");
  CHECK(j["plans"][1]["site"] == "small");
  CHECK(j["plans"][1]["nodes"] == 1); // floor(20 kW / (10 kW x 1.3)) = 1 node
  // The same best plan of 'here' as the plain run's first.
  const auto plain = json_of(cli({"plan", s, "--top", "1", "--json", "-"}));
  CHECK(j["plans"][0]["nodes"] == plain["plans"][0]["nodes"]);
}

TEST_CASE("the table fits 120 columns when standard output is not a terminal", "[cli][table]") {
  const result r = cli({"plan", "--train-params", "405B", "--train-tokens", "15.6T", "--train-days",
                        "60", "--deadline-months", "36"});
  REQUIRE(r.code == exit_ok);
  // Every line but the first (the question, in words) fits; the heading and 10 rows.
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);
  int rows = 0;
  while (std::getline(in, line)) {
    CAPTURE(line);
    CHECK(line.size() <= 120);
    if (line.rfind(" #", 0) == 0 || (line.size() > 2 && std::isdigit(line[1]) && line[2] == ' ') ||
        line.rfind("10 ", 0) == 0)
      ++rows;
  }
  CHECK(rows == 11);
  CHECK_THAT(r.out, Catch::Contains("left out to fit 120 columns"));
  CHECK_THAT(r.out, Catch::Contains("job cost"));
}

TEST_CASE("search.sites restricts the sites; an unknown id says what it may have meant",
          "[cli][search]") {
  const std::string two_sites =
      test::tiny_text({{"    cloud: {max_accelerators: 32, price_multiplier: 1.0, lead_months: 1, "
                        "pue: 1.2}\n",
                        "    cloud: {max_accelerators: 32, price_multiplier: 1.0, lead_months: 1, "
                        "pue: 1.2}\n  - {id: there, grid_mw: 0.06, energy_usd_per_kwh: 0.2, "
                        "carbon_kg_per_kwh: 0.4, pue_adjust: 0.0, build_cost_multiplier: 1.0, "
                        "power_lead_months: 6}\n"}});
  const std::string both = write("sites-both.yaml", two_sites);
  const std::string only = write("sites-only.yaml", two_sites + "search: {sites: [there]}\n");
  const auto a = json_of(cli({"plan", both, "--json", "-"}));
  const auto b = json_of(cli({"plan", only, "--json", "-"}));
  CHECK(a["plans_evaluated"] == 12); // here: 4 build + 4 cloud; there: 4 build
  CHECK(b["plans_evaluated"] == 4);
  for (const auto& p : b["plans"]) CHECK(p["site"] == "there");
  const std::string typo = write("sites-typo.yaml", two_sites + "search: {sites: [thre]}\n");
  const result e = cli({"validate", typo});
  CHECK(e.code == exit_bad_input);
  CHECK_THAT(e.err, Catch::Contains("sites-typo.yaml:"));
  CHECK_THAT(e.err, Catch::Contains("search.sites"));
  CHECK_THAT(e.err, Catch::Contains("did you mean 'there'?"));
}

TEST_CASE("an override of a mistyped catalog id names the closest id", "[cli][override]") {
  const std::string s =
      write("override-typo.yaml",
            "include: [catalog/sites.yaml]\n" +
                test::tiny_text({{"    cloud: {max_accelerators: 32, price_multiplier: 1.0, "
                                  "lead_months: 1, pue: 1.2}\n",
                                  "    cloud: {max_accelerators: 32, price_multiplier: 1.0, "
                                  "lead_months: 1, pue: 1.2}\n  - {id: us-tz, grid_mw: 500}\n"}}));
  const result e = cli({"validate", s});
  CHECK(e.code == exit_bad_input);
  CHECK_THAT(e.err, Catch::Contains("no entry named 'us-tz'"));
  CHECK_THAT(e.err, Catch::Contains("did you mean 'us-tx'?"));
  CHECK_THAT(e.err, Catch::Contains("override-typo.yaml:"));
}

TEST_CASE("an infeasible run names single changes that pass, each checked by a run",
          "[cli][relax]") {
  // Target 1e17 FLOP/s: the closest plans (4 nodes, build and cloud) reach 32 x 1e15 x 0.5 /
  // (1 + 0.02 x log2(4)) = 1.538e16, so the target to 1.53e16 admits those two. At 8x the grid
  // the 28-node build plan is the smallest to reach 1e17 (27 nodes: 9.86e16): it_kw 280 + 224 x
  // 0.1 x 3/2 = 313.6, facility 407.68 kW, so a grid of 408 kW admits it alone (29 nodes: 422 kW).
  const std::string s = write(
      "relax.yaml", test::tiny_text({{"effective_flops: 1.0e16", "effective_flops: 1.0e17"}}));
  const result r = cli({"plan", s, "--json", "-"});
  REQUIRE(r.code == exit_infeasible);
  const auto j = json_of(r);
  REQUIRE(j.contains("relaxations"));
  const auto& rel = j["relaxations"];
  REQUIRE(rel.size() == 2);
  CHECK(rel[0]["field"] == "target.effective_flops");
  CHECK(rel[0]["to"].get<double>() == 1.53e16);
  CHECK(rel[0]["plans_feasible"] == 2);
  CHECK(rel[1]["field"] == "sites.here.grid_mw");
  CHECK(rel[1]["from"].get<double>() == 0.06);
  CHECK(rel[1]["to"].get<double>() == Approx(0.408).epsilon(1e-12));
  CHECK(rel[1]["plans_feasible"] == 1);
  CHECK_THAT(r.err, Catch::Contains("site here's grid to 408 kW (from 60 kW)"));
  // The keys MODEL.md lists stay, timing last.
  CHECK(j.contains("infeasible_by_reason"));
  const auto ordered = nlohmann::ordered_json::parse(r.out);
  CHECK(std::prev(ordered.end()).key() == "timing");
  // Each change, applied by hand, passes.
  CHECK(cli({"plan", s, "--target-flops", "15.3P", "--quiet"}).code == exit_ok);
  // The table says it too.
  const result t = cli({"plan", s});
  CHECK_THAT(t.out, Catch::Contains("the target to 15.3 PFLOP/s (from 100 PFLOP/s): 2 plans pass"));

  // Deadline 0.5 months: the cloud plans are ready in 1 month.
  const std::string d = write("relax-deadline.yaml", test::tiny_text());
  const result dr = cli({"plan", d, "--deadline-months", "0.5", "--json", "-"});
  REQUIRE(dr.code == exit_infeasible);
  const auto dj = json_of(dr);
  const auto& drel = dj["relaxations"];
  REQUIRE(drel.size() >= 1);
  CHECK(drel[0]["field"] == "target.deadline_months");
  CHECK(drel[0]["to"].get<double>() == 1);
  CHECK(drel[0]["plans_feasible"] == 2);

  // Capex budget $1M on build plans: the least capex that passes is $1,386,400 -> $1.39M.
  const std::string b = write("relax-budget.yaml", test::tiny_text({kBuildOnly}));
  const result br = cli({"plan", b, "--budget-capex", "1M", "--json", "-"});
  REQUIRE(br.code == exit_infeasible);
  const auto bj = json_of(br);
  const auto& brel = bj["relaxations"];
  REQUIRE(brel.size() == 2);
  CHECK(brel[0]["field"] == "budget.capex_usd");
  CHECK(brel[0]["to"].get<double>() == 1.39e6);
  CHECK(brel[0]["text"] == "the capex budget to $1.39M (from $1M)");
  CHECK(brel[0]["plans_feasible"] == 1);
  // The TCO budget alone: the least TCO of the plans that pass every other test (the first plan
  // under the tco objective), rounded up to three significant digits.
  const double least_tco = json_of(cli({"plan", b, "--json", "-"}))["plans"][0]["tco_usd"];
  const result tr = cli({"plan", b, "--budget-tco", "1M", "--json", "-"});
  REQUIRE(tr.code == exit_infeasible);
  const auto tj = json_of(tr);
  REQUIRE(tj["relaxations"].size() >= 1);
  const auto& tco = tj["relaxations"][0];
  CHECK(tco["field"] == "budget.tco_usd");
  CHECK(tco["to"].get<double>() >= least_tco);
  CHECK(tco["to"].get<double>() <= least_tco * 1.01);
  CHECK(tco["plans_feasible"] == 1);
  // Or the target down to what the 2-node plan (capex $828,800) reaches: 16 x 1e15 x 0.5 / 1.02.
  CHECK(brel[1]["field"] == "target.effective_flops");
  CHECK(brel[1]["to"].get<double>() == 7.84e15);
  CHECK(brel[1]["plans_feasible"] == 1);
}

TEST_CASE("explain: the broken limit with both sides and units; no raw doubles", "[cli][explain]") {
  const std::string s = write("explain-limit.yaml", test::tiny_text());
  // 9 nodes: it_kw 90 + 72 x 0.1 x 2/2 = 97.2, facility 97.2 x 1.3 = 126.36 kW > 60 kW.
  const result r = cli({"explain", s, "--plan",
                        "site=here,system=box8,cooling=air,fabric=ib,sourcing=build,nodes=9"});
  REQUIRE(r.code == exit_ok);
  CHECK_THAT(r.out, Catch::Contains("first fails test 5 (power): facility 126 kW > 60 kW grid of "
                                    "site here"));
  const std::string q =
      write("explain-pue.yaml",
            test::tiny_text({{"pue: 1.3", "pue: 1.1"}, {"pue_adjust: 0.0", "pue_adjust: 0.02"}}));
  const result p = cli({"explain", q, "--plan",
                        "site=here,system=box8,cooling=air,fabric=ib,sourcing=build,nodes=3"});
  REQUIRE(p.code == exit_ok);
  CHECK(p.out.find("99999") == std::string::npos);
  CHECK(p.out.find("00000000") == std::string::npos);
  CHECK_THAT(p.out, Catch::Contains("1.12"));
  CHECK_THAT(p.out, Catch::Contains("$1.39M")); // capex in $k/$M/$B
  CHECK_THAT(p.out, Catch::Contains(" kW "));   // power in kW/MW/GW
}

TEST_CASE("dcplan plan --buildout answers the built-in build-out year by year", "[cli][schedule]") {
  const std::string out = (scratch() / "buildout.json").string();
  const result r = cli({"plan", "--buildout", "--json", out});
  REQUIRE(r.code == exit_ok);
  // The table: every year of the build-out, what is decided in it.
  for (const char* year : {"\n2026  demand", "\n2027  demand", "\n2030  demand"})
    CHECK_THAT(r.out, Catch::Contains(year));
  CHECK_THAT(r.out, Catch::Contains("decide"));
  const auto j = nlohmann::json::parse(slurp(out));
  const auto& s = j["schedule"];
  REQUIRE(s["feasible"] == true);
  REQUIRE(s["periods"].size() == 5);
  // configs/buildout.yaml: demand 10 -> 60 EFLOP/s, capex budgets $4B then $6B a year.
  const double budget[] = {4e9, 6e9, 6e9, 6e9, 6e9};
  for (std::size_t t = 0; t < 5; ++t) {
    const auto& p = s["periods"][t];
    CHECK(p["year"] == 2026 + static_cast<int>(t));
    CHECK(p["effective_flops"].get<double>() >= p["demand_effective_flops"].get<double>());
    CHECK(p["capex_usd"].get<double>() <= budget[t]);
  }
  CHECK(s["periods"][4]["demand_effective_flops"].get<double>() == 6.0e19);
  // The announced hardware is in its catalog, and the default scenario's catalog has none of it.
  bool announced = false;
  for (const auto& p : s["phases"])
    announced = announced || p["system"] == "vr-nvl144" || p["system"] == "helios-mi455x";
  CHECK(announced);
  const result c = cli({"catalog", "systems"});
  CHECK(c.code == exit_ok);
  CHECK_THAT(c.out, !Catch::Contains("vr-nvl144"));
  // The search stops after 100,000 nodes unless told otherwise; the bound stays below the
  // schedule found.
  CHECK(s["search_nodes"].get<double>() <= 100000);
  CHECK(s["lower_bound"].get<double>() <= s["objective_value"].get<double>());
}
