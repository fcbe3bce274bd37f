// The reports of a planning run: the HTML report (self-contained, its charts, the same numbers as
// the JSON), the cost breakdown and binding constraint, the frontier's thinning rule, CSV
// columns and quoting, --format and colour.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli_capture.hpp"
#include "dcplan/cli/cli.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/report/plan_analysis.hpp"
#include "dcplan/report/report.hpp"
#include "dcplan/report/report_html.hpp"
#include "helpers.hpp"

using namespace dcplan;
namespace fs = std::filesystem;

namespace {

using result = test::cli_result;
using test::cli;

// One directory per process, removed at exit: other runs of the suite may share /tmp.
struct scratch_dir {
  fs::path path = fs::temp_directory_path() / ("dcplan-test-report-" + std::to_string(::getpid()));
  ~scratch_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

fs::path scratch() {
  static const scratch_dir d;
  fs::create_directories(d.path);
  return d.path;
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

std::size_t count_of(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

// The value of attribute `name` in the tag that starts at or after `from`.
std::string attr(const std::string& s, std::size_t from, const std::string& name) {
  const std::size_t end = s.find('>', from);
  const std::string key = " " + name + "=\"";
  const std::size_t p = s.find(key, from);
  if (p == std::string::npos || p > end) return "";
  const std::size_t q = s.find('"', p + key.size());
  return s.substr(p + key.size(), q - p - key.size());
}

// Every tag carrying `marker`, as the position of its '<'.
std::vector<std::size_t> tags_with(const std::string& s, const std::string& marker) {
  std::vector<std::size_t> out;
  for (std::size_t p = s.find(marker); p != std::string::npos; p = s.find(marker, p + 1))
    out.push_back(s.rfind('<', p));
  return out;
}

// A self-contained page: nothing that a browser would fetch, no script at all.
void check_self_contained(const std::string& html) {
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  for (const char* bad : {"http://", "https://", "<script", "<link", "<img", "<iframe", "@import",
                          "src=", "href=", "//fonts", "xlink:href"})
    CHECK(html.find(bad) == std::string::npos);
  // url(...) only for the page's own patterns.
  for (std::size_t p = html.find("url("); p != std::string::npos; p = html.find("url(", p + 1))
    CHECK(html.compare(p, 5, "url(#") == 0);
}

// A CSV line split by RFC 4180 (quoted fields may hold commas and doubled quotes).
std::vector<std::string> csv_split(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::string golden(const char* name) {
  return std::string(DCPLAN_SOURCE_DIR) + "/tests/golden/" + name;
}

} // namespace

TEST_CASE("the realistic scenario's report: four charts, no external reference, and a CSV",
          "[report][html][acceptance]") {
  const std::string html = (scratch() / "r.html").string(), csv = (scratch() / "r.csv").string();
  const result r = cli({"plan", golden("realistic.yaml"), "--report", html, "--csv", csv,
                        "--threads", "2", "--quiet"});
  REQUIRE(r.code == exit_ok);
  const std::string page = slurp(html);
  check_self_contained(page);
  CHECK(count_of(page, "<svg") >= 4);
  for (const char* id :
       {"id=\"question\"", "id=\"answer\"", "id=\"plans\"", "id=\"frontier\"", "id=\"breakdown\"",
        "id=\"timeline\"", "id=\"feasibility\"", "id=\"assumptions\"", "@media print"})
    CHECK(page.find(id) != std::string::npos);
  // Every chart has a title and a description for screen readers, and axes with units.
  CHECK(count_of(page, "<svg") == count_of(page, "<title>Cost") +
                                      count_of(page, "<title>Timeline") +
                                      count_of(page, "<title>Plans failing"));
  CHECK(page.find("(FLOP/s, log scale)") != std::string::npos);
  CHECK(page.find("TCO (USD, log scale)") != std::string::npos);
  CHECK(page.find("Months from the decision") != std::string::npos);
  // The answer names the top plan.
  CHECK_THAT(page, Catch::Contains("Lease colocation space at us-tx for 153 gb200-nvl72 nodes"));
  const auto rows = lines_of(slurp(csv));
  REQUIRE(rows.size() == 11); // header and the top 10
  const std::size_t cols = csv_split(rows[0]).size();
  for (const auto& row : rows) CHECK(csv_split(row).size() == cols);
}

TEST_CASE("numbers in the HTML report equal the JSON report's", "[report][html]") {
  for (const char* name : {"realistic.yaml", "training-deadline.yaml", "infeasible.yaml"}) {
    DYNAMIC_SECTION(name) {
      const std::string html = (scratch() / "n.html").string(),
                        js = (scratch() / "n.json").string();
      const result r =
          cli({"plan", golden(name), "--report", html, "--json", js, "--threads", "2", "--quiet"});
      REQUIRE((r.code == exit_ok || r.code == exit_infeasible));
      const std::string page = slurp(html);
      const auto j = nlohmann::json::parse(slurp(js));
      check_self_contained(page);
      CHECK(count_of(page, "<svg") >= 4);

      // The plans table: each figure's exact value under its JSON key.
      const auto& plans = j["plans"];
      std::size_t cells = 0;
      for (const std::size_t row : tags_with(page, "<tr data-rank=\"")) {
        const int rank = std::stoi(attr(page, row, "data-rank"));
        const std::size_t row_end = page.find("</tr>", row);
        const auto& want = rank > 0 ? plans[rank - 1] : j["closest"];
        for (std::size_t p = page.find("data-k=\"", row); p < row_end;
             p = page.find("data-k=\"", p + 1)) {
          const std::size_t tag = page.rfind('<', p);
          const std::string key = attr(page, tag, "data-k"), v = attr(page, tag, "data-v");
          INFO("rank " << rank << " " << key);
          REQUIRE(want.contains(key));
          if (v.empty()) {
            CHECK(want[key].is_null());
          } else {
            CHECK(std::stod(v) == want[key].get<double>());
          }
          ++cells;
        }
        if (rank > 0)
          CHECK(page.find(">" + want["binding"].get<std::string>() + "<", row) < row_end);
      }
      CHECK(cells >= (plans.empty() ? 10 : 10 * plans.size()));

      // The frontier chart: one marker per JSON frontier point, in order, with its figures.
      const auto markers = tags_with(page, "class=\"fp\"");
      REQUIRE(markers.size() == j["frontier"].size());
      CHECK(j["frontier_points_total"].get<std::size_t>() >= markers.size());
      for (std::size_t i = 0; i < markers.size(); ++i) {
        CHECK(std::stod(attr(page, markers[i], "data-flops")) ==
              j["frontier"][i]["effective_flops"].get<double>());
        CHECK(std::stod(attr(page, markers[i], "data-tco")) ==
              j["frontier"][i]["tco_usd"].get<double>());
        CHECK(std::stod(attr(page, markers[i], "data-capex")) ==
              j["frontier"][i]["capex_usd"].get<double>());
      }

      // The feasibility chart: the counts of the JSON.
      const auto bars = tags_with(page, "class=\"reason\"");
      REQUIRE(bars.size() == kReasonCount);
      for (const std::size_t b : bars) {
        const std::string reason = attr(page, b, "data-reason");
        const auto n = std::stoull(attr(page, b, "data-v"));
        if (reason == "feasible")
          CHECK(n == j["plans_feasible"].get<std::uint64_t>());
        else
          CHECK(n == j["infeasible_by_reason"][reason].get<std::uint64_t>());
      }

      // The cost breakdown: each plan's parts add up to its TCO.
      std::map<int, double> sums;
      for (const std::size_t s : tags_with(page, "class=\"seg\""))
        sums[std::stoi(attr(page, s, "data-rank"))] += std::stod(attr(page, s, "data-v"));
      REQUIRE_FALSE(sums.empty());
      for (const auto& [rank, sum] : sums) {
        const double tco = (rank > 0 ? plans[rank - 1] : j["closest"])["tco_usd"].get<double>();
        CHECK(sum == Approx(tco).epsilon(1e-12));
      }

      // The timeline: ready months, and job days for the training target.
      for (const std::size_t t : tags_with(page, "class=\"ready\"")) {
        const int rank = std::stoi(attr(page, t, "data-rank"));
        CHECK(std::stod(attr(page, t, "data-v")) ==
              (rank > 0 ? plans[rank - 1] : j["closest"])["ready_months"].get<double>());
      }
      const auto jobs = tags_with(page, "class=\"job\"");
      CHECK(jobs.size() == (std::string(name) == "training-deadline.yaml" ? plans.size() : 0));
      for (const std::size_t t : jobs)
        CHECK(std::stod(attr(page, t, "data-v")) ==
              plans[std::stoi(attr(page, t, "data-rank")) - 1]["job_days"].get<double>());
    }
  }
}

TEST_CASE("a long --top keeps the page readable", "[report][html]") {
  const std::string s =
      write("wide.yaml", test::tiny_text({{"grid_mw: 0.06", "grid_mw: 20"},
                                          {"effective_flops: 1.0e16", "effective_flops: 1.0e15"}}));
  const result r = cli({"plan", s, "--report", "-", "--top", "100"});
  REQUIRE(r.code == exit_ok);
  CHECK(count_of(r.out, "<tr data-rank=") == 50);
  CHECK_THAT(r.out, Catch::Contains("The first 50 of 100 reported plans"));
  CHECK(count_of(r.out, "class=\"ready\"") == 10);
}

TEST_CASE("an infeasible run's report names the closest plan", "[report][html]") {
  const std::string s =
      write("inf.yaml", test::tiny_text({{"effective_flops: 1.0e16", "effective_flops: 1.0e18"}}));
  const result r = cli({"plan", s, "--report", "-"});
  CHECK(r.code == exit_infeasible);
  CHECK_THAT(r.out, Catch::Contains("no plan passes every test. The closest, here"));
  CHECK_THAT(r.out, Catch::Contains("The closest plan"));
  check_self_contained(r.out);
  CHECK(count_of(r.out, "<svg") == 4);
}

TEST_CASE("catalog sources appear without URL schemes, and text is escaped", "[report][html]") {
  CHECK(without_url_schemes("https://a.org/x; http://b.org and c.org") ==
        "a.org/x; b.org and c.org");
  // The default scenario over the built-in catalog, cut to small clusters to keep it quick.
  const std::string dflt =
      write("catalog.yaml",
            slurp(std::string(DCPLAN_SOURCE_DIR) + "/configs/default.yaml") + "  max_nodes: 40\n");
  const result r = cli({"plan", dflt, "--report", "-", "--threads", "2"});
  REQUIRE((r.code == exit_ok || r.code == exit_infeasible));
  check_self_contained(r.out);
  CHECK_THAT(r.out, Catch::Contains("docs.nvidia.com/")); // a catalog source, scheme removed
  const std::string s = write("esc.yaml", test::tiny_text({{"id: here", "id: \"<b>&here\""}}));
  const result e = cli({"plan", s, "--report", "-"});
  REQUIRE(e.code == exit_ok);
  CHECK(e.out.find("<b>&here") == std::string::npos);
  CHECK_THAT(e.out, Catch::Contains("&lt;b&gt;&amp;here"));
}

TEST_CASE("the cost breakdown follows MODEL.md term by term", "[report][breakdown]") {
  const double annuity = (1 - std::pow(1.1, -4)) / 0.1;
  const scenario sc = test::tiny(
      {{"lead_months: 1, pue: 1.2}", "lead_months: 1, pue: 1.2}\n    colo: {usd_per_kw_month: 150, "
                                     "available_mw: 1, lead_months: 3}"}});
  SECTION("build: hardware, facility net of residual, energy, maintenance and staff") {
    const plan_ref p{0, 0, 0, 0, static_cast<int>(sourcing::build), 1};
    const plan_figures f = evaluate_ref(sc, p);
    const cost_breakdown b = breakdown_of(sc, p, f);
    // 1 node: hw 250000 + 8 * 10000 * 0.5 + 1 rack 20000; it_kw 10.4, facility_kw 13.52.
    CHECK(b.hardware == 310000);
    CHECK(b.facility == Approx(114400 - 114400 * 0.75 * std::pow(1.1, -4)).epsilon(1e-12));
    CHECK(b.energy == Approx(13.52 * 0.75 * 8760 * 0.1 * annuity).epsilon(1e-12));
    CHECK(b.maintenance_staff ==
          Approx((0.02 * 310000 + 10.4 / 1000 * 200000) * annuity).epsilon(1e-12));
    CHECK(b.colo_fees == 0);
    CHECK(b.cloud == 0);
    CHECK(b.total() == Approx(f.tco).epsilon(1e-12));
    CHECK(f.tco == Approx(420200.70503380924).epsilon(1e-12));
  }
  SECTION("colo: hardware, energy, maintenance and colo fees") {
    const plan_ref p{0, 0, 0, 0, static_cast<int>(sourcing::colo), 2};
    const plan_figures f = evaluate_ref(sc, p);
    const cost_breakdown b = breakdown_of(sc, p, f);
    CHECK(b.facility == 0);
    CHECK(b.colo_fees == Approx(20.8 * 150 * 12 * annuity).epsilon(1e-12));
    CHECK(b.maintenance_staff == Approx(0.02 * f.hw_capex * annuity).epsilon(1e-12));
    CHECK(b.total() == Approx(f.tco).epsilon(1e-12));
  }
  SECTION("cloud: rental only") {
    const plan_ref p{0, 0, -1, 0, static_cast<int>(sourcing::cloud), 3};
    const plan_figures f = evaluate_ref(sc, p);
    const cost_breakdown b = breakdown_of(sc, p, f);
    CHECK(b.cloud == Approx(24 * 2.0 * 8760 * annuity).epsilon(1e-12));
    CHECK(b.hardware + b.facility + b.energy + b.maintenance_staff + b.colo_fees == 0);
    CHECK(b.total() == Approx(f.tco).epsilon(1e-12));
  }
}

TEST_CASE("the binding constraint", "[report][binding]") {
  // tiny: 3 nodes reach 1.16e16 >= 1e16 and 2 nodes do not; 4 nodes fill the site's 60 kW grid
  // and the cloud's 32 accelerators.
  const scenario sc = test::tiny();
  const auto binding = [&](int m, double n) {
    return binding_constraint(sc, {0, 0, m == 2 ? -1 : 0, 0, m, n});
  };
  CHECK(binding(0, 3) == "target");
  CHECK(binding(2, 3) == "target");
  CHECK(binding(0, 4) == "power");
  CHECK(binding(2, 4) == "power");
  // Neither neighbour fails: a plan in the middle of a wide range.
  const scenario wide = test::tiny({{"grid_mw: 0.06", "grid_mw: 1"}});
  CHECK(binding_constraint(wide, {0, 0, 0, 0, 0, 5}) == "none");
  // A budget stops growth: capex of 4 nodes is over 1.6M.
  const scenario budget = test::tiny(
      {{"grid_mw: 0.06", "grid_mw: 1"}, {"target:\n", "budget: {capex_usd: 1.6e6}\ntarget:\n"}});
  CHECK(binding_constraint(budget, {0, 0, 0, 0, 0, 3}) == "target");
  const scenario budget_only = test::tiny({{"grid_mw: 0.06", "grid_mw: 1"},
                                           {"effective_flops: 1.0e16", "effective_flops: 1.0e15"},
                                           {"target:\n", "budget: {capex_usd: 1.6e6}\ntarget:\n"}});
  CHECK(binding_constraint(budget_only, {0, 0, 0, 0, 0, 3}) == "budget");
  // The fabric: 16-port switches give 3 tiers up to 1024 accelerators (128 nodes).
  CHECK(binding_constraint(test::tiny({{"grid_mw: 0.06", "grid_mw: 10"}}), {0, 0, 0, 0, 0, 128}) ==
        "fabric");
  // search.max_nodes.
  CHECK(binding_constraint(test::tiny({{"grid_mw: 0.06", "grid_mw: 1"},
                                       {"lead_months: 1, pue: 1.2}\n",
                                        "lead_months: 1, pue: 1.2}\nsearch: {max_nodes: 6}\n"}}),
                           {0, 0, 0, 0, 0, 6}) == "max_nodes");
}

TEST_CASE("the frontier's thinning rule", "[report][frontier]") {
  std::vector<frontier_point> pts;
  for (int i = 0; i < 10000; ++i) {
    const double eff = 1e15 * std::pow(1.001, i) * (i < 9000 ? 1 : 100); // a jump at 9000
    pts.push_back({static_cast<std::uint64_t>(i), 1e6 + i, eff, 0});
  }
  const auto keep = thin_frontier(pts, 2000);
  CHECK(keep.size() <= 2000);
  CHECK(keep.size() > 100);
  CHECK(keep.front() == 0);
  CHECK(keep.back() == pts.size() - 1);
  const double lo = std::log(pts.front().eff), hi = std::log(pts.back().eff);
  double last = -1;
  for (std::size_t k = 0; k < keep.size(); ++k) {
    if (k) CHECK(keep[k] > keep[k - 1]);
    // Each kept point but the last is the first (cheapest) of its bucket.
    const double b =
        std::min(1998.0, std::floor((std::log(pts[keep[k]].eff) - lo) / (hi - lo) * 1999));
    if (k + 1 < keep.size()) {
      CHECK(b > last);
      if (keep[k] > 0) {
        const double prev =
            std::min(1998.0, std::floor((std::log(pts[keep[k] - 1].eff) - lo) / (hi - lo) * 1999));
        CHECK(prev < b);
      }
      last = b;
    }
  }
  // Short frontiers are kept whole.
  pts.resize(2000);
  CHECK(thin_frontier(pts, 2000).size() == 2000);
  CHECK(thin_frontier({}, 2000).empty());
}

TEST_CASE("a frontier rendered ahead gives the report's very text, and only for its frontier",
          "[report][frontier]") {
  for (const char* name : {"realistic.yaml", "v2-goodput.yaml", "tiny.yaml"}) {
    INFO(name);
    const scenario sc = load_scenario(golden(name));
    const plan_space sp = build_space(sc);
    for (int threads : {1, 2}) {
      engine_options opt;
      opt.threads = threads;
      opt.want_frontier = true;
      std::optional<rendered_frontier> ahead;
      opt.on_frontier = [&](const std::vector<frontier_point>& f) {
        REQUIRE(!ahead); // once
        ahead.emplace(rendered_frontier{f, render_frontier_json(sc, sp, f)});
      };
      const engine_result r = evaluate_plans_cpu(sc, sp, opt);
      REQUIRE(ahead); // the CPU's pruned path calls it
      run_info plain;
      const std::string want = run_json(sc, sp, r, plain).dump(1);
      run_info info;
      info.frontier_ahead = &*ahead;
      const nlohmann::ordered_json j = run_json(sc, sp, r, info);
      CHECK(j["frontier"].is_null()); // left for report_text
      CHECK(report_text(j, r, info) == want);
      // Rendered from another frontier, it is not used.
      REQUIRE(!ahead->points.empty());
      rendered_frontier other = *ahead;
      other.points.back().tco *= 2;
      info.frontier_ahead = &other;
      CHECK(run_json(sc, sp, r, info).dump(1) == want);
      CHECK(report_text(run_json(sc, sp, r, info), r, info) == want);
    }
  }
}

TEST_CASE("the frontier's text is frontier_json's dump, ids escaped as nlohmann escapes them",
          "[report][frontier]") {
  scenario sc = load_scenario(golden("realistic.yaml"));
  const plan_space sp = build_space(sc);
  engine_options opt;
  opt.want_frontier = true;
  const engine_result r = evaluate_plans_cpu(sc, sp, opt);
  REQUIRE(r.frontier.size() > 10);
  const auto same = [&](const std::vector<frontier_point>& pts) {
    const std::string want = frontier_json(sc, sp, pts).dump(1);
    CHECK(frontier_json_text(sc, sp, pts, 0) == want);
    std::string in2; // two levels in: a space after each newline, twice
    for (const char ch : want) in2 += ch == '\n' ? std::string("\n  ") : std::string(1, ch);
    CHECK(frontier_json_text(sc, sp, pts, 2) == in2);
  };
  same(r.frontier);
  same({});
  same({r.frontier.front()});
  // Ids with a quote, a backslash, a tab, a control character and non-ASCII letters.
  for (entry_meta& m : sc.site_meta) m.id += "\"q\\b\tt\x01\u00e9";
  for (entry_meta& m : sc.system_meta) m.id += "/\u00fc";
  same(r.frontier);
}

TEST_CASE("CSV: every figure a column with its unit, RFC 4180 quoting", "[report][csv]") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field(" edge") == "\" edge\"");
  CHECK(csv_field("") == "");

  const std::string s =
      write("q.yaml", test::tiny_text({{"id: here", "id: \"here, \\\"east\\\"\""}}));
  const result r = cli({"plan", s, "--format", "csv"});
  REQUIRE(r.code == exit_ok);
  const auto rows = lines_of(r.out);
  REQUIRE(rows.size() == 5);
  const auto head = csv_split(rows[0]);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto row = csv_split(rows[i]);
    REQUIRE(row.size() == head.size());
    CHECK(row[1] == "here, \"east\"");
    CHECK(row[0] == std::to_string(i));
  }
  // Every column after the plan's keys and the binding constraint names its unit.
  for (const std::string& h : head) {
    if (h == "rank" || h == "site" || h == "system" || h == "cooling" || h == "fabric" ||
        h == "sourcing" || h == "binding")
      continue;
    INFO(h);
    CHECK(h.find(" (") != std::string::npos);
    CHECK(h.back() == ')');
  }
  // The CSV's figures are the JSON's, exactly.
  const auto j = nlohmann::json::parse(cli({"plan", s, "--format", "json"}).out);
  std::map<std::string, std::size_t> col;
  for (std::size_t c = 0; c < head.size(); ++c) col[head[c].substr(0, head[c].find(" ("))] = c;
  for (std::size_t i = 0; i < j["plans"].size(); ++i) {
    const auto row = csv_split(rows[i + 1]);
    for (const auto& [key, v] : j["plans"][i].items()) {
      INFO(key);
      REQUIRE(col.count(key));
      if (v.is_string())
        CHECK(row[col[key]] == v.get<std::string>());
      else if (v.is_number())
        CHECK(std::stod(row[col[key]]) == v.get<double>());
    }
    // The present values add up to the TCO.
    double sum = 0;
    for (const char* k : {"pv_hardware_usd", "pv_facility_usd", "pv_energy_usd",
                          "pv_maintenance_staff_usd", "pv_colo_fees_usd", "pv_cloud_usd"})
      sum += std::stod(row[col[k]]);
    CHECK(sum == Approx(j["plans"][i]["tco_usd"].get<double>()).epsilon(1e-12));
  }
}

TEST_CASE("the format option chooses what standard output shows; it takes one output",
          "[report][cli]") {
  const std::string s = write("tiny.yaml", test::tiny_text());
  const result js = cli({"plan", s, "--format", "json"});
  REQUIRE(js.code == exit_ok);
  const auto j = nlohmann::json::parse(js.out);
  CHECK(j["frontier_points_total"] == 4);
  CHECK(j["frontier"].size() == 4);
  CHECK(j["frontier"][0]["nodes"] == 1);
  CHECK(j["frontier"][0]["sourcing"] == "build");
  CHECK(j["plans"][0]["binding"] == "target");
  const result table = cli({"plan", s, "--format", "table"});
  CHECK(table.code == exit_ok);
  CHECK_THAT(table.out, Catch::Contains("binding"));
  CHECK(table.out.find("\x1b[") == std::string::npos); // not a terminal: no colour
  // A file output and standard output together.
  const std::string out = (scratch() / "f.json").string();
  const result both = cli({"plan", s, "--format", "csv", "--json", out});
  CHECK(both.code == exit_ok);
  CHECK(lines_of(both.out).size() == 5);
  CHECK(nlohmann::json::parse(slurp(out))["plans"].size() == 4);
  // Two outputs on standard output is a usage error.
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--format", "json", "--json", "-"},
        std::vector<std::string>{"--json", "-", "--csv", "-"},
        std::vector<std::string>{"--format", "table", "--report", "-"}}) {
    std::vector<std::string> args = {"plan", s};
    args.insert(args.end(), bad.begin(), bad.end());
    const result e = cli(args);
    CHECK(e.code == exit_bad_input);
    CHECK_THAT(e.err, Catch::Contains("standard output"));
  }
  CHECK(cli({"plan", s, "--format", "xml"}).code == exit_bad_input);
  // Without JSON or HTML output no frontier is computed, and the table does not need one.
  CHECK(cli({"plan", s, "--quiet"}).code == exit_ok);
}

TEST_CASE("colour only on a terminal and never with NO_COLOR", "[report][color]") {
  CHECK(use_color(true, nullptr));
  CHECK(use_color(true, "")); // no-color.org: an empty NO_COLOR does not count
  CHECK_FALSE(use_color(true, "1"));
  CHECK_FALSE(use_color(false, nullptr));
  const scenario sc = test::tiny();
  const plan_space sp = build_space(sc);
  const engine_result r = evaluate_plans_cpu(sc, sp, {});
  CHECK(run_table(sc, sp, r, {}, true).find("\x1b[") != std::string::npos);
  CHECK(run_table(sc, sp, r, {}, false).find("\x1b[") == std::string::npos);
}

TEST_CASE("the risk and portfolio sections appear only with their data", "[report][html]") {
  const scenario sc = test::tiny();
  const plan_space sp = build_space(sc);
  const engine_result r = evaluate_plans_cpu(sc, sp, {});
  REQUIRE_FALSE(r.top.empty());
  CHECK(html_risk_section(sc, sp, r, {}).empty());
  CHECK(html_portfolio_section(sc, sp, nullptr).empty());
  const risk_figures one{1.2e9, 1.0e9, 1.1e9, 1.5e9, 1.7e9, 0.9, NAN};
  const std::string s = html_risk_section(sc, sp, r, {one});
  CHECK_THAT(s, Catch::Contains("id=\"risk\""));
  CHECK_THAT(s, Catch::Contains("#1 "));     // the plan's label
  CHECK_THAT(s, Catch::Contains("$1.5B"));   // p90
  CHECK_THAT(s, Catch::Contains("90.0%"));   // P(target)
  CHECK_THAT(s, Catch::Contains(">-</td>")); // P(deadline): no deadline
  CHECK_THAT(s, Catch::Contains("<svg"));
  CHECK(run_html(sc, sp, r, {}).find("id=\"risk\"") == std::string::npos);
  run_info info;
  info.risk = {one};
  CHECK(run_html(sc, sp, r, info).find("id=\"risk\"") != std::string::npos);
}

TEST_CASE("the HTML report shows a portfolio's objective in the objective's unit",
          "[report][html][portfolio]") {
  // Under the carbon objective the portfolio's objective is tonnes of CO2 a year, as the
  // terminal table says; under tco it is dollars.
  for (const objective o : {objective::carbon, objective::tco}) {
    CAPTURE(to_string(o));
    scenario sc = test::tiny();
    sc.obj = o;
    sc.portfolio = true;
    const plan_space sp = build_space(sc);
    const engine_result r = evaluate_plans_cpu(sc, sp, {});
    const portfolio_report rep = run_portfolio(sc, sp, backend_kind::cpu, {});
    REQUIRE(rep.best.feasible);
    report_extras extras;
    extras.portfolio = &rep;
    const std::string h = run_html(sc, sp, r, {}, extras);
    const std::size_t at = h.find("meets the target together: objective ");
    REQUIRE(at != std::string::npos);
    const std::string sentence = h.substr(at, h.find("</p>", at) - at);
    const std::size_t curve = h.find("Portfolio cost curve");
    REQUIRE(curve != std::string::npos);
    const std::string chart = h.substr(curve, h.find("</svg>", curve) - curve);
    if (o == objective::carbon) {
      CHECK_THAT(sentence, Catch::Contains("tCO2/yr"));
      CHECK(sentence.find('$') == std::string::npos);
      CHECK_THAT(chart, Catch::Contains("tCO2/yr</title>"));
      CHECK(chart.find('$') == std::string::npos);
    } else {
      CHECK_THAT(sentence, Catch::Contains("objective $"));
      CHECK(sentence.find("tCO2") == std::string::npos);
      CHECK(chart.find("tCO2") == std::string::npos);
    }
  }
}

TEST_CASE("the report adds risk and portfolio sections with their charts when the run has them",
          "[report]") {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("dcplan-report-extras-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string src = DCPLAN_SOURCE_DIR;
  const std::string bin = DCPLAN_BINARY;
  const std::string risk = (dir / "risk.html").string(), pf = (dir / "pf.html").string();
  REQUIRE(std::system(
              (bin + " plan " + src + "/tests/risk/realistic-risk.yaml --quiet --report " + risk)
                  .c_str()) == 0);
  REQUIRE(std::system(
              (bin + " plan " + src + "/tests/golden/tiny.yaml --quiet --portfolio --report " + pf)
                  .c_str()) == 0);
  const auto read = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  const std::string r = read(risk), p = read(pf);
  CHECK_THAT(r, Catch::Contains("<section id=\"risk\">"));
  CHECK_THAT(r, Catch::Contains("CVaR95"));
  CHECK_THAT(p, Catch::Contains("<section id=\"portfolio\">"));
  CHECK_THAT(p, Catch::Contains("share of the target"));
  const auto svgs = [](const std::string& s) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = s.find("<svg", at)) != std::string::npos; ++at) ++n;
    return n;
  };
  CHECK(svgs(r) == 5); // four charts of every run + the risk chart
  CHECK(svgs(p) == 5); // + the cost curve
  CHECK(r.find("http") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a cost-curve point stopped at the work limit is drawn hollow with its bound",
          "[report][html]") {
  const scenario sc = test::tiny();
  const plan_space sp = build_space(sc);
  portfolio_report p;
  p.best.feasible = true;
  p.best.objective = 100.0;
  p.best.tco = 120.0;
  p.best.capex = 80.0;
  p.best.flops = 1e18;
  p.cost_curve = {std::nullopt, std::nullopt, std::nullopt, 100.0, std::nullopt, 250.0};
  p.cost_curve_bound = {std::nullopt, std::nullopt, std::nullopt,
                        std::nullopt, std::nullopt, 240.0};
  const std::string s = html_portfolio_section(sc, sp, &p);
  CHECK_THAT(s, Catch::Contains("fill=\"#ffffff\""));        // the unproven point
  CHECK_THAT(s, Catch::Contains("fill=\"#0072B2\" stroke")); // the proven one
  CHECK_THAT(s, Catch::Contains("optimum >= $240"));
  CHECK_THAT(s, Catch::Contains("Hollow points"));
  p.cost_curve_bound[5].reset();
  const std::string all = html_portfolio_section(sc, sp, &p);
  CHECK(all.find("fill=\"#ffffff\"") == std::string::npos);
  CHECK(all.find("Hollow points") == std::string::npos);
}

TEST_CASE("an inference run's report: the inference cost frontier in tokens/s, and its words",
          "[report][html][inference]") {
  const std::string html = (scratch() / "inf.html").string(),
                    js = (scratch() / "inf.json").string();
  const result r =
      cli({"plan", golden("v2-inference.yaml"), "--report", html, "--json", js, "--quiet"});
  REQUIRE(r.code == exit_ok);
  const std::string page = slurp(html);
  const auto j = nlohmann::json::parse(slurp(js));
  check_self_contained(page);
  CHECK(count_of(page, "<svg") == 5); // the four charts of every run + the inference frontier
  CHECK_THAT(page, Catch::Contains("id=\"serving\""));
  CHECK_THAT(page, Catch::Contains("Cost per million tokens over 4 years (USD, log scale)"));
  CHECK_THAT(page, Catch::Contains("Generated tokens per second, all replicas (log scale)"));
  CHECK_THAT(page, Catch::Contains("<strong>Figure 2.</strong> The inference cost frontier"));
  CHECK_THAT(page, Catch::Contains("generated tokens/s ("));       // the answer
  CHECK_THAT(page, Catch::Contains("at 100k generated tokens/s")); // the target
  // Points: each serves; along the staircase a higher rate never costs less per token; the
  // chosen plan is #1 of the JSON report.
  const std::vector<std::size_t> pts = tags_with(page, "class=\"ip\"");
  REQUIRE(pts.size() >= 2);
  const double tps1 = j["plans"][0]["tokens_per_second"].get<double>();
  const double usd1 = j["plans"][0]["usd_per_million_tokens"].get<double>();
  bool chosen_found = false;
  for (const std::size_t p : pts) {
    const double tps = std::stod(attr(page, p, "data-tps"));
    const double usd = std::stod(attr(page, p, "data-usd-per-mtok"));
    CHECK(tps > 0);
    CHECK(usd > 0);
    if (tps == Approx(tps1).epsilon(1e-12) && usd == Approx(usd1).epsilon(1e-12))
      chosen_found = true;
  }
  CHECK(chosen_found);
  // The table's serving columns carry the JSON's figures.
  CHECK_THAT(page, Catch::Contains("data-k=\"tokens_per_second\""));
  CHECK_THAT(page, Catch::Contains("data-k=\"usd_per_million_tokens\""));

  // A training target's report has no such chart and speaks of compute.
  const result t = cli({"plan", golden("training-deadline.yaml"), "--report", "-", "--quiet"});
  REQUIRE(t.code == exit_ok);
  CHECK(t.out.find("id=\"serving\"") == std::string::npos);
  CHECK(t.out.find("Cost per million tokens") == std::string::npos);
  CHECK(t.out.find("class=\"ip\"") == std::string::npos);
  CHECK(count_of(t.out, "<svg") == 4);
}

TEST_CASE("the inference frontier keeps only plans no other beats on tokens/s and cost",
          "[report][html][inference]") {
  const scenario sc = load_scenario(golden("v2-inference.yaml"));
  const plan_space sp = build_space(sc);
  engine_options opt;
  opt.want_frontier = true;
  const engine_result r = evaluate_plans_cpu(sc, sp, opt);
  REQUIRE(r.has_frontier);
  const std::string s = html_inference_section(sc, sp, r, 7);
  CHECK_THAT(s, Catch::Contains("Figure 7."));
  std::vector<std::pair<double, double>> pts;
  for (const std::size_t p : tags_with(s, "class=\"ip\""))
    pts.emplace_back(std::stod(attr(s, p, "data-tps")), std::stod(attr(s, p, "data-usd-per-mtok")));
  REQUIRE(pts.size() >= 2);
  // No drawn point is beaten on both figures by another, except the chosen plan (#1 by TCO),
  // which is drawn wherever it lies.
  const plan_figures first = evaluate_ref(sc, plan_of_index(sp, r.top.at(0).index));
  for (const auto& a : pts) {
    bool beaten = false;
    for (const auto& b : pts) beaten = beaten || (b.first >= a.first && b.second < a.second);
    if (beaten) CHECK(a.first == first.tokens_per_second);
  }
  // Absent for a training target.
  const scenario tr = load_scenario(golden("training-deadline.yaml"));
  const plan_space tsp = build_space(tr);
  CHECK(html_inference_section(tr, tsp, evaluate_plans_cpu(tr, tsp, opt), 2).empty());
}

TEST_CASE("human units: the next unit instead of an exponent, and kW/MW/GW", "[report][units]") {
  CHECK(human_power_kw(999.7) == "1 MW");
  CHECK(human_power_kw(999999) == "1 GW");
  CHECK(human_power_kw(1e6) == "1 GW");
  CHECK(human_power_kw(67900) == "67.9 MW");
  CHECK(human_power_kw(126.36) == "126 kW");
  CHECK(human_usd(999.9e6) == "$1B");
  CHECK(human_usd(5e9) == "$5B");
  CHECK(human_usd(1.3864e6) == "$1.39M");
  CHECK(human_usd(-2.5e3) == "-$2.5k");
  CHECK(human_flops(999.9e15) == "1 EFLOP/s");
  CHECK(human_count(405e9) == "405B");
  CHECK(human_count(15.6e12) == "15.6T");
  CHECK(human_count(50000) == "50k");
  // No exponent anywhere from 1 to 1e12 (1 PW, $1000B), at the values that round up to the next
  // unit too.
  for (double decade = 1; decade < 1e12; decade *= 10)
    for (const double m : {1.0, 2.5, 9.994, 9.995, 9.9999}) {
      const double x = m * decade;
      CAPTURE(x);
      for (const std::string& s : {human_power_kw(x), human_usd(x), human_flops(x), human_count(x)})
        CHECK(s.find('e') == std::string::npos);
    }
}

TEST_CASE("the risk table and chart name each plan's node count", "[report][html][risk]") {
  const scenario sc = test::tiny();
  const plan_space sp = build_space(sc);
  const engine_result r = evaluate_plans_cpu(sc, sp, {});
  const risk_figures one{1.2e9, 1.0e9, 1.1e9, 1.5e9, 1.7e9, 0.9, NAN};
  // #1 is the 3-node cloud plan: TCO 24 x $2 x 8760 x annuity(10%, 4 years) = $1.33M, below
  // every build plan (the 3-node build plan's capex alone is $1.39M).
  const std::string s = html_risk_section(sc, sp, r, {one, one});
  CHECK_THAT(s, Catch::Contains("#1 here box8 cloud x3<"));
  CHECK_THAT(s, Catch::Contains("#2 here box8 build x3<"));
}

namespace {

// Every chart text anchored at its end that holds `needle`: its x and its width at 12 px
// (0.6 em a character, as the report's margins assume).
std::vector<std::pair<double, double>> end_texts(const std::string& html,
                                                 const std::string& needle) {
  std::vector<std::pair<double, double>> out;
  for (std::size_t at = html.find("<text x=\""); at != std::string::npos;
       at = html.find("<text x=\"", at + 1)) {
    const std::size_t close = html.find('>', at), end = html.find("</text>", at);
    const std::string tag = html.substr(at, close - at),
                      body = html.substr(close + 1, end - close - 1);
    if (tag.find("text-anchor=\"end\"") == std::string::npos ||
        body.find(needle) == std::string::npos)
      continue;
    std::size_t chars = 0;
    for (const char c : body)
      if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
    out.emplace_back(std::stod(tag.substr(9)), 7.2 * static_cast<double>(chars));
  }
  return out;
}

} // namespace

TEST_CASE("a long site id fits inside the charts' left margin", "[report][html][charts]") {
  const std::string id = "here-a-campus-by-the-substation-on-the-north-side-of-the-river";
  const scenario sc = test::tiny({{"id: here", "id: " + id}});
  const plan_space sp = build_space(sc);
  const engine_result r = evaluate_plans_cpu(sc, sp, {});
  const risk_figures one{1.2e9, 1.0e9, 1.1e9, 1.5e9, 1.7e9, 0.9, NAN};
  run_info info;
  info.risk = {one, one};
  const std::string html = run_html(sc, sp, r, info);
  const auto texts = end_texts(html, id);
  // The breakdown and timeline rows (4 plans each) and the risk rows (2).
  CHECK(texts.size() >= 10);
  for (const auto& [x, width] : texts) {
    CAPTURE(x, width);
    CHECK(x - width >= 0);
  }
  // A short id keeps the default margin (330 user units, the label's end at 320).
  const scenario small = test::tiny();
  const plan_space ssp = build_space(small);
  const auto short_texts =
      end_texts(run_html(small, ssp, evaluate_plans_cpu(small, ssp, {}), {}), "here");
  REQUIRE_FALSE(short_texts.empty());
  CHECK(short_texts[0].first == 320);
}

TEST_CASE("an infeasible inference run's closest plan is the one serving the most tokens/s",
          "[report][html][inference]") {
  // Two one-node systems: `compute` has 4x the FLOP/s, `memory` 8x the HBM bandwidth. A decode
  // step of one sequence (max_batch 1) reads the weights, so `memory` serves about 8x the
  // tokens/s (MODEL.md "Inference targets") while `compute` has the most effective FLOP/s. No
  // plan reaches 1e12 tokens/s.
  const std::string s = write("closest-inf.yaml", R"(objective: tco
target:
  inference: {total_params: 8.0e9, active_params: 8.0e9, tokens_per_second: 1.0e12,
              input_tokens: 0, output_tokens: 100, kv_bytes_per_token: 1000, max_batch: 1, mbu: 0.5}
finance: {horizon_years: 4, discount_rate: 0.1, utilization: 0.75, maintenance_rate: 0.02, staff_usd_per_mw_year: 200000}
facility: {build_usd_per_mw_it: 1.0e7, construction_months: 12, facility_life_years: 16, rack_usd: 20000, rack_units: 42}
accelerators:
  - {id: fast-compute, peak_bf16_flops: 4.0e15, peak_fp8_flops: 8.0e15, hbm_gb: 80, hbm_tbps: 1.0, tdp_w: 700, available_year: 2024}
  - {id: fast-memory, peak_bf16_flops: 1.0e15, peak_fp8_flops: 2.0e15, hbm_gb: 80, hbm_tbps: 8.0, tdp_w: 700, available_year: 2024}
systems:
  - {id: compute, accelerator: fast-compute, accelerators_per_node: 8, scale_up_domain: 8, node_power_kw: 10.0, node_price_usd: 250000, node_rack_units: 8, min_cooling: air, mfu: 0.5, lead_time_months: 4, cloud_usd_per_accel_hour: 2.0}
  - {id: memory, accelerator: fast-memory, accelerators_per_node: 8, scale_up_domain: 8, node_power_kw: 10.0, node_price_usd: 250000, node_rack_units: 8, min_cooling: air, mfu: 0.5, lead_time_months: 4, cloud_usd_per_accel_hour: 2.0}
cooling:
  - {id: air, rank: 0, pue: 1.3, max_rack_kw: 25, capex_usd_per_kw: 1000}
fabrics:
  - {id: ib, radix: 16, cost_usd_per_accel: 10000, power_w_per_accel: 100, scaling_k: 0.02}
sites:
  - {id: here, grid_mw: 1, energy_usd_per_kwh: 0.1, carbon_kg_per_kwh: 0.4, pue_adjust: 0.0,
     build_cost_multiplier: 1.0, power_lead_months: 6,
     cloud: {max_accelerators: 8, price_multiplier: 1.0, lead_months: 1, pue: 1.2}}
search: {sourcing: [cloud]}
)");
  for (const char* threads : {"1", "2"}) {
    const result r = cli({"plan", s, "--json", "-", "--threads", threads, "--quiet"});
    REQUIRE(r.code == exit_infeasible);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["closest"].is_object());
    CHECK(j["closest"]["system"] == "memory");
    CHECK(j["closest"]["reason"] == "target");
  }
  const result h = cli({"plan", s, "--report", "-", "--quiet"});
  CHECK(h.code == exit_infeasible);
  CHECK_THAT(h.out, Catch::Contains("The closest, here"));
  CHECK_THAT(h.out, Catch::Contains("memory"));
  CHECK_THAT(h.out, Catch::Contains(" tokens/s of the 1T tokens/s required"));
}
