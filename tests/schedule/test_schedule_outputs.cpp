// The outputs of a schedule run through the command (MODEL.md "What a schedule run reports";
// docs/schedules.md "Outputs"): the phases and periods CSV files, the HTML report's charts and
// their series, and the MILP of --milp, each checked against the run's own JSON report and the
// figures of tests/golden/v2-schedule-small.yaml worked out in its comment.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_capture.hpp"
#include "dcplan/model/errors.hpp"

using namespace dcplan;
namespace fs = std::filesystem;

namespace {

const std::string kGolden = std::string(DCPLAN_SOURCE_DIR) + "/tests/golden/";

fs::path scratch() {
  const fs::path d =
      fs::temp_directory_path() / ("dcplan-test-schedule-out-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(slurp(p));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> row;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) row.push_back(cell);
    if (!line.empty() && line.back() == ',') row.emplace_back();
    rows.push_back(row);
  }
  return rows;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The data-v values of the elements of `cls` in document order.
std::vector<double> values_of(const std::string& html, const std::string& cls) {
  std::vector<double> out;
  const std::regex re("class=\"" + cls + "\"[^>]*data-v=\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator();
       ++it)
    out.push_back(std::stod((*it)[1].str()));
  return out;
}

// The run's JSON report and the given extra arguments' outputs.
nlohmann::json run(const std::string& scenario, std::vector<std::string> extra) {
  const fs::path js = scratch() / "s.json";
  std::vector<std::string> args = {"plan", scenario, "--json", js.string(), "-q"};
  args.insert(args.end(), extra.begin(), extra.end());
  const test::cli_result r = test::cli(args);
  REQUIRE(r.code == exit_ok);
  return nlohmann::json::parse(slurp(js));
}

} // namespace

TEST_CASE("the schedule CSV files: one row per phase and one per year", "[schedule][csv]") {
  const fs::path prefix = scratch() / "small";
  const nlohmann::json j =
      run(kGolden + "v2-schedule-small.yaml", {"--schedule-csv", prefix.string()});
  const auto phases = read_csv(prefix.string() + "-phases.csv");
  const auto periods = read_csv(prefix.string() + "-periods.csv");
  const auto& s = j["schedule"];
  // The optimum of the golden's comment: build, colo and three cloud contracts.
  REQUIRE(phases.size() == 1 + 5);
  CHECK(phases[0][0] == "decision_year");
  CHECK(phases[0][12] == "effective_flops (FLOP/s)");
  CHECK(phases[1] == std::vector<std::string>{"2026", "2027", "2028", "campus", "dgx-h100", "air",
                                              "ib-ndr", "build", "32", "256", phases[1][10],
                                              phases[1][11], phases[1][12], "14808000",
                                              phases[1][14], phases[1][15]});
  CHECK(phases[5][7] == "cloud");
  CHECK(phases[5][8] == "64");
  for (std::size_t i = 0; i < 5; ++i) {
    // Every figure reads back as the JSON report's number.
    CHECK(std::stod(phases[i + 1][12]) == s["phases"][i]["effective_flops"].get<double>());
    CHECK(std::stod(phases[i + 1][14]) == s["phases"][i]["npv_cost_usd"].get<double>());
  }
  REQUIRE(periods.size() == 1 + 3);
  CHECK(periods[0][4] == "capex_budget_usd (USD)");
  CHECK(periods[1][0] == "2026");
  CHECK(periods[1][3] == "25568000"); // 14,808,000 + 10,760,000 decided in 2026
  CHECK(periods[2][3] == "0");
  CHECK(periods[1][4].empty()); // no budget set
  CHECK(periods[3][6] == "3");
  for (std::size_t t = 0; t < 3; ++t) {
    CHECK(std::stod(periods[t + 1][1]) == s["periods"][t]["demand_effective_flops"].get<double>());
    CHECK(std::stod(periods[t + 1][2]) == s["periods"][t]["effective_flops"].get<double>());
    CHECK(std::stod(periods[t + 1][5]) == s["periods"][t]["cost_usd"].get<double>());
  }
}

TEST_CASE("the periods CSV carries the year's capex budget", "[schedule][csv]") {
  const fs::path prefix = scratch() / "budget";
  run(kGolden + "v2-schedule-budget.yaml", {"--schedule-csv", prefix.string()});
  const auto periods = read_csv(prefix.string() + "-periods.csv");
  REQUIRE(periods.size() == 1 + 4);
  CHECK(periods[1][4] == "60000000");
  CHECK(periods[4][4] == "200000000");
  for (std::size_t t = 1; t < periods.size(); ++t)
    CHECK(std::stod(periods[t][3]) <= std::stod(periods[t][4]));
}

TEST_CASE("the schedule report draws capacity by phase, capex and a Gantt chart",
          "[schedule][html]") {
  const fs::path html_path = scratch() / "small.html";
  const nlohmann::json j =
      run(kGolden + "v2-schedule-small.yaml", {"--report", html_path.string()});
  const std::string h = slurp(html_path);
  const auto& s = j["schedule"];
  CHECK(count(h, "<svg") == 3);
  CHECK(count(h, "<script") == 0);
  CHECK(count(h, "http") == 0);
  // Capacity: one segment per phase and year served (2 + 3 + 3), summing to each year's
  // capacity; the demand line's points are the demands.
  const std::vector<double> cap = values_of(h, "cap");
  REQUIRE(cap.size() == 8);
  double first_year = 0;
  const std::regex y2026(
      "class=\"cap\" data-phase=\"\\d+\" data-year=\"2026\" data-v=\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(h.begin(), h.end(), y2026); it != std::sregex_iterator();
       ++it)
    first_year += std::stod((*it)[1].str());
  CHECK(first_year == Approx(s["periods"][0]["effective_flops"].get<double>()).epsilon(1e-12));
  CHECK(values_of(h, "demand-point") == std::vector<double>{1.0e17, 2.0e17, 3.5e17});
  CHECK(count(h, "class=\"demand\"") == 1);
  // Capex per year, no budget marks without a budget.
  CHECK(values_of(h, "capex") == std::vector<double>{25568000, 0, 0});
  CHECK(count(h, "class=\"budget\"") == 0);
  // Gantt: every phase decided and serving; only the build waits a year before serving.
  CHECK(count(h, "class=\"decided\"") == 5);
  CHECK(count(h, "class=\"serving\"") == 5);
  CHECK(count(h, "class=\"building\"") == 1);
  CHECK(count(h, "class=\"building\" data-phase=\"0\" data-from=\"2026\" data-to=\"2026\"") == 1);
}

TEST_CASE("the schedule report marks each year's budget", "[schedule][html]") {
  const fs::path html_path = scratch() / "budget.html";
  run(kGolden + "v2-schedule-budget.yaml", {"--report", html_path.string()});
  const std::string h = slurp(html_path);
  CHECK(values_of(h, "budget") == std::vector<double>{6.0e7, 1.5e8, 2.0e8, 2.0e8});
  CHECK(values_of(h, "capex").size() == 4);
}

TEST_CASE("a schedule run's MILP: the schedule problem over the reduced candidates",
          "[schedule][milp]") {
  const fs::path lp = scratch() / "small.lp";
  const nlohmann::json j = run(kGolden + "v2-schedule-small.yaml", {"--milp", lp.string()});
  const std::string t = slurp(lp);
  const std::size_t kept = j["schedule"]["candidates_kept"].get<std::size_t>();
  const std::size_t binaries = t.find("Binaries\n"), end = t.find("End\n");
  REQUIRE(binaries != std::string::npos);
  REQUIRE(end != std::string::npos);
  CHECK(static_cast<std::size_t>(count(t.substr(binaries, end - binaries), "\n x")) == kept);
  for (const char* row :
       {" demand_2026:", " demand_2027:", " demand_2028:", " grid_campus_2027:",
        " colo_campus_2026:", " cloud_cloud_east_2028:", " pool_campus_build_2026:"})
    CHECK(count(t, row) == 1);
  CHECK(count(t, "capex_") == 0);    // no budget
  CHECK(count(t, " >= 100\n") == 1); // 1e17 FLOP/s in PFLOP/s
  // Rows of a budget, in millions of dollars.
  const fs::path lp2 = scratch() / "budget.lp";
  run(kGolden + "v2-schedule-budget.yaml", {"--milp", lp2.string()});
  const std::string b = slurp(lp2);
  CHECK(count(b, " capex_2026:") == 1);
  CHECK(count(b, " <= 60\n") >= 1);
}

TEST_CASE("schedule outputs on a scenario without a schedule are located errors",
          "[schedule][cli]") {
  const test::cli_result r =
      test::cli({"plan", kGolden + "tiny.yaml", "--schedule-csv", (scratch() / "x").string()});
  CHECK(r.code == exit_bad_input);
  CHECK_THAT(r.err, Catch::Contains("--schedule-csv"));
  const test::cli_result b = test::cli({"plan", kGolden + "tiny.yaml", "--buildout"});
  CHECK(b.code == exit_bad_input);
  CHECK_THAT(b.err, Catch::Contains("--buildout"));
  CHECK_FALSE(fs::exists(scratch() / "x-phases.csv"));
}
