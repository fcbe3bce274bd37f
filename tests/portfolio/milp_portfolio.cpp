// MODEL.md "Portfolios" against an MILP solver: random small scenarios are written as an MILP in
// LP format by dcplan's own writer (portfolio_lp: a binary x_p per plan passing tests 1-5 and 7,
// at most one per pool, the summed FLOP/s, capex and TCO constraints, the summed objective),
// solved by CBC, and CBC's choice,
// re-evaluated exactly, must have dcplan's optimum to 1e-9 relative; both must agree on
// infeasibility. Every candidate plan goes to the solver, so the pool-candidate pass is checked
// too.
//
// With --max-flops the scenarios are under the effective_flops objective (MODEL.md "Portfolios",
// version 2): the most summed FLOP/s within the budgets, at least one member; then the
// comparison is of summed FLOP/s.
//
// usage: milp_portfolio FIRST_SEED COUNT [KEEP_DIR] [--max-flops]
//        exit 77 when `cbc` is not on PATH.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "dcplan/portfolio/portfolio.hpp"
#include "portfolio_helpers.hpp"

using namespace dcplan;
namespace fs = std::filesystem;

namespace {

bool on_path(const std::string& exe) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':'))
    if (!dir.empty() && fs::exists(fs::path(dir) / exe)) return true;
  return false;
}

} // namespace

int main(int argc, char** argv) {
  bool max_flops = false;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i)
    if (std::string(argv[i]) == "--max-flops")
      max_flops = true;
    else
      args.push_back(argv[i]);
  argc = static_cast<int>(args.size());
  argv = args.data();
  if (!on_path("cbc")) {
    std::cerr << "cbc not found on PATH (Debian package coinor-cbc): skipped\n";
    return 77;
  }
  const std::uint64_t first = argc > 1 ? std::stoull(argv[1]) : 1;
  const std::uint64_t count = argc > 2 ? std::stoull(argv[2]) : 20;
  const fs::path dir =
      argc > 3 ? fs::path(argv[3])
               : fs::temp_directory_path() / (max_flops ? "dcplan-milp-max" : "dcplan-milp");
  fs::create_directories(dir);
  int failures = 0, feasible = 0;
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    const scenario sc =
        load_scenario_text(test::random_portfolio_scenario(seed, max_flops), "r.yaml", ".");
    const plan_space sp = build_space(sc);
    const double required = sc.globals().required_effective_flops;
    // Every candidate plan: tests 1-5 and 7 (and each budget alone, as no figure is negative).
    std::vector<pool_candidate> cand;
    const model_view v = make_model_view(sc);
    for (std::uint64_t i = 0; i < sp.total; ++i) {
      const pool_candidate r = detail::rec_of_plan{v, sp.view()}(i);
      if (r.pool >= 0) cand.push_back(r);
    }
    std::sort(cand.begin(), cand.end(), detail::pool_then_rank{});

    engine_options opt;
    const portfolio_report rep = run_portfolio(sc, sp, backend_kind::cpu, opt);

    bool cbc_feasible = false;
    double cbc_obj = 0;
    if (!cand.empty()) {
      const std::string lp = (dir / fmt::format("p{}.lp", seed)).string();
      const std::string sol = (dir / fmt::format("p{}.sol", seed)).string();
      std::ofstream(lp) << portfolio_lp(sc, sp, cand, required);
      fs::remove(sol);
      const std::string cmd = fmt::format(
          "cbc '{}' ratioGap 0 allowableGap 0 solve solution '{}' > '{}.log' 2>&1", lp, sol, sol);
      if (std::system(cmd.c_str()) != 0 || !fs::exists(sol)) {
        std::cerr << "seed " << seed << ": cbc failed (see " << sol << ".log)\n";
        ++failures;
        continue;
      }
      std::ifstream in(sol);
      std::string status;
      std::getline(in, status);
      if (status.rfind("Optimal", 0) == 0) {
        cbc_feasible = true;
        std::string line;
        std::vector<pool_candidate> chosen;
        while (std::getline(in, line)) {
          std::istringstream ls(line);
          std::string idx, name;
          double value = 0;
          ls >> idx >> name >> value;
          if (name.size() > 1 && name[0] == 'x' && value > 0.5) {
            const std::uint64_t index = std::stoull(name.substr(1));
            const auto it = std::find_if(cand.begin(), cand.end(),
                                         [&](const pool_candidate& c) { return c.index == index; });
            if (it != cand.end()) chosen.push_back(*it);
          }
        }
        std::sort(chosen.begin(), chosen.end(), [](auto& a, auto& b) { return a.pool < b.pool; });
        for (const auto& c : chosen) cbc_obj += max_flops ? c.flops : c.obj;
      } else if (status.find("nfeasible") == std::string::npos) {
        std::cerr << "seed " << seed << ": unexpected cbc status: " << status << "\n";
        ++failures;
        continue;
      }
    } else {
      cbc_feasible = required <= 0 && !max_flops;
    }
    const bool ok = cbc_feasible == rep.best.feasible &&
                    (!cbc_feasible || std::fabs(cbc_obj - rep.best.objective) <=
                                          1e-9 * std::max(std::fabs(cbc_obj), 1e-300));
    std::cout << fmt::format(
        "seed {}: {} plans evaluated, {} pool candidates; cbc {} dcplan {}{}\n", seed, cand.size(),
        rep.candidate_count, cbc_feasible ? fmt::format("{:.12g}", cbc_obj) : "infeasible",
        rep.best.feasible ? fmt::format("{:.12g}", rep.best.objective) : "infeasible",
        ok ? "" : "  MISMATCH");
    if (!ok) ++failures;
    if (rep.best.feasible) ++feasible;
  }
  std::cout << fmt::format("{} scenarios, {} feasible, {} mismatches\n", count, feasible, failures);
  // A run where every scenario is infeasible (or none is) proves little: fail it.
  // Under effective_flops a cloud pool without capex fits every capex budget, so there only
  // a run with no feasible scenario fails.
  if (feasible == 0 || (!max_flops && feasible == static_cast<int>(count))) {
    std::cerr << "the seeds give no mix of feasible and infeasible scenarios\n";
    return 1;
  }
  return failures == 0 ? 0 : 1;
}
