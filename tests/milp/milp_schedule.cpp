// MODEL.md "Schedules" against an MILP solver: random small schedule scenarios are written as an
// MILP in LP format by dcplan's own writer (schedule_lp: a binary per reduced candidate phase, at
// most one per pool, demand, grid, colo and cloud rows per period, capex budget rows per period,
// the summed objective), solved by CBC; CBC's choice, re-added exactly in key order, must have
// dcplan's optimum to 1e-9 relative and meet every constraint (check_schedule), and both must
// agree on infeasibility.
//
// usage: milp_schedule FIRST_SEED COUNT [KEEP_DIR]
//        exit 77 when `cbc` is not on PATH.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "dcplan/schedule/schedule.hpp"

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

// A random schedule scenario: 2-4 years, two systems (one not yet available in the first year),
// 1-3 sites with grids (some ramping), colo halls and cloud regions (always one), demand with
// zeros, budgets on some seeds, either objective.
std::string random_schedule_scenario(std::uint64_t seed) {
  std::mt19937_64 g(seed);
  auto uni = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(g);
  };
  auto coin = [&](double p) { return std::bernoulli_distribution(p)(g); };
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(g); };
  const int years = pick(2, 4);
  std::string s = fmt::format("objective: {}\nschedule:\n  start_year: 2026\n  years: {}\n",
                              coin(0.25) ? "carbon" : "tco", years);
  s += "  demand_effective_flops: [";
  for (int t = 0; t < years; ++t)
    s += fmt::format("{}{:.6e}", t ? ", " : "", coin(0.15) ? 0.0 : uni(0.05, 1.0) * 6e16 * (t + 1));
  s += "]\n";
  if (coin(0.4)) {
    s += "  capex_budget_usd: [";
    for (int t = 0; t < years; ++t)
      s += fmt::format("{}{:.6e}", t ? ", " : "", uni(0.2, 3.0) * 1e7);
    s += "]\n";
  }
  s += fmt::format("  price_decline: {:.3f}\n  cloud_price_decline: {:.3f}\n", uni(0, 0.3),
                   uni(0, 0.2));
  s += fmt::format("  hardware_life_years: {}\n  cloud_term_years: {}\n", pick(1, 5),
                   pick(1, years));
  s += fmt::format("finance: {{horizon_years: 5, discount_rate: {:.3f}, utilization: 0.8, "
                   "maintenance_rate: 0.03, staff_usd_per_mw_year: 150000}}\n",
                   uni(0, 0.1));
  s += fmt::format("facility: {{build_usd_per_mw_it: 1.0e7, construction_months: {}, "
                   "facility_life_years: 20, rack_usd: 25000, rack_units: 42}}\n",
                   coin(0.5) ? 10 : 18);
  s += "accelerators:\n"
       "  - {id: gpu-a, peak_bf16_flops: 1.0e15, peak_fp8_flops: 2.0e15, hbm_gb: 80, hbm_tbps: "
       "3, tdp_w: 700, available_year: 2024}\n"
       "  - {id: gpu-b, peak_bf16_flops: 2.5e15, peak_fp8_flops: 5.0e15, hbm_gb: 192, hbm_tbps: "
       "8, tdp_w: 1200, available_year: 2027}\n";
  s += fmt::format(
      "systems:\n"
      "  - {{id: box-a, accelerator: gpu-a, accelerators_per_node: 8, scale_up_domain: 8, "
      "node_power_kw: {:.3f}, node_price_usd: {:.0f}, node_rack_units: 8, min_cooling: air, "
      "mfu: 0.4, lead_time_months: {}, cloud_usd_per_accel_hour: {:.3f}}}\n"
      "  - {{id: box-b, accelerator: gpu-b, accelerators_per_node: 4, scale_up_domain: 4, "
      "node_power_kw: {:.3f}, node_price_usd: {:.0f}, node_rack_units: 4, min_cooling: air, "
      "mfu: 0.4, lead_time_months: {}{}}}\n",
      uni(8, 12), uni(2e5, 3.5e5), pick(2, 8), uni(1.5, 3.5), uni(8, 12), uni(3e5, 5e5),
      pick(3, 14), coin(0.5) ? fmt::format(", cloud_usd_per_accel_hour: {:.3f}", uni(3, 6)) : "");
  s += "cooling:\n  - {id: air, rank: 0, pue: 1.3, max_rack_kw: 40, capex_usd_per_kw: 1500}\n"
       "fabrics:\n  - {id: ib, radix: 32, cost_usd_per_accel: 10000, power_w_per_accel: 100, "
       "scaling_k: 0.01}\n"
       "sites:\n";
  const int sites = pick(1, 3);
  for (int i = 0; i < sites; ++i) {
    s += fmt::format("  - {{id: s{}, grid_mw: {:.4f}, energy_usd_per_kwh: {:.4f}, "
                     "carbon_kg_per_kwh: {:.3f}, pue_adjust: 0.0, build_cost_multiplier: {:.3f}, "
                     "power_lead_months: {}, build_fixed_usd: {:.0f}",
                     i, uni(0.1, 0.5), uni(0.04, 0.15), uni(0.02, 0.6), uni(0.8, 1.3),
                     coin(0.5) ? 6 : 14, coin(0.5) ? uni(0, 3e6) : 0.0);
    if (coin(0.4)) {
      s += ", grid_mw_by_year: [";
      for (int t = 0; t < years; ++t) s += fmt::format("{}{:.4f}", t ? ", " : "", uni(0.05, 0.6));
      s += "]";
    }
    if (coin(0.5))
      s += fmt::format(", colo: {{usd_per_kw_month: {:.1f}, available_mw: {:.4f}, lead_months: "
                       "{}}}",
                       uni(100, 300), uni(0.05, 0.3), coin(0.5) ? 3 : 14);
    if (i == 0 || coin(0.5)) // site 0 always rents, so the plan space is never empty
      s += fmt::format(", cloud: {{max_accelerators: {}, price_multiplier: {:.3f}, lead_months: "
                       "1, pue: 1.2}}",
                       pick(32, 256), uni(0.9, 1.3));
    s += "}\n";
  }
  s += fmt::format("search: {{node_step: {}, max_nodes: 48}}\n", coin(0.5) ? 4 : 8);
  return s;
}

// CBC's solution file: the status line, then "index name value objective" per nonzero column.
bool read_cbc(const std::string& sol, const std::vector<phase>& cands, bool* feasible,
              std::vector<phase>* chosen, std::string* status) {
  std::ifstream in(sol);
  std::getline(in, *status);
  if (status->rfind("Optimal", 0) != 0) {
    *feasible = false;
    return status->find("nfeasible") != std::string::npos;
  }
  *feasible = true;
  std::map<std::uint64_t, const phase*> by_index;
  for (const phase& p : cands) by_index[p.index] = &p;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string idx, name;
    double value = 0;
    ls >> idx >> name >> value;
    if (name.size() < 2 || name[0] != 'x' || value < 0.5) continue;
    const auto it = by_index.find(std::stoull(name.substr(1)));
    if (it != by_index.end()) chosen->push_back(*it->second);
  }
  std::sort(chosen->begin(), chosen->end(),
            [](const phase& a, const phase& b) { return a.index < b.index; });
  return true;
}

} // namespace

int main(int argc, char** argv) {
  if (!on_path("cbc")) {
    std::cerr << "cbc not found on PATH (Debian package coinor-cbc): skipped\n";
    return 77;
  }
  const std::uint64_t first = argc > 1 ? std::stoull(argv[1]) : 1;
  const std::uint64_t count = argc > 2 ? std::stoull(argv[2]) : 20;
  const fs::path dir = argc > 3 ? fs::path(argv[3]) : fs::temp_directory_path() / "dcplan-milp-s";
  fs::create_directories(dir);
  int failures = 0, feasible = 0;
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    const std::string text = random_schedule_scenario(seed);
    std::ofstream(dir / fmt::format("s{}.yaml", seed)) << text; // to rerun one with `dcplan plan`
    const scenario sc = load_scenario_text(text, "r.yaml", ".");
    schedule_options opt;
    opt.threads = 1;
    opt.keep_candidates = true;
    const schedule_result r = solve_schedule(sc, opt);
    const std::string lp = (dir / fmt::format("s{}.lp", seed)).string();
    const std::string sol = (dir / fmt::format("s{}.sol", seed)).string();
    std::ofstream(lp) << schedule_lp(sc, r.candidates);
    fs::remove(sol);
    const std::string cmd = fmt::format(
        "cbc '{}' ratioGap 0 allowableGap 0 solve solution '{}' > '{}.log' 2>&1", lp, sol, sol);
    bool cbc_feasible = false;
    std::vector<phase> chosen;
    std::string status;
    if (std::system(cmd.c_str()) != 0 || !fs::exists(sol) ||
        !read_cbc(sol, r.candidates, &cbc_feasible, &chosen, &status)) {
      std::cerr << "seed " << seed << ": cbc failed or said '" << status << "' (see " << sol
                << ".log)\n";
      ++failures;
      continue;
    }
    double cbc_obj = 0; // in key order, as MODEL.md sums a schedule
    for (const phase& p : chosen) cbc_obj += phase_objective(p, sc.obj);
    const std::string broken = cbc_feasible ? check_schedule(sc, chosen) : "";
    const bool ok = r.proven && cbc_feasible == r.feasible && broken.empty() &&
                    (!cbc_feasible || std::fabs(cbc_obj - r.objective_value) <=
                                          1e-9 * std::max(std::fabs(cbc_obj), 1e-300));
    std::cout << fmt::format("seed {}: {} candidates, {} after reduction; cbc {} dcplan {}{}{}\n",
                             seed, r.counts[dcplan::feasible], r.candidates.size(),
                             cbc_feasible ? fmt::format("{:.12g}", cbc_obj) : "infeasible",
                             r.feasible ? fmt::format("{:.12g}", r.objective_value) : "infeasible",
                             broken.empty() ? "" : " (cbc's schedule breaks: " + broken + ")",
                             ok ? "" : "  MISMATCH")
              << std::flush;
    if (!ok) ++failures;
    if (r.feasible) ++feasible;
  }
  std::cout << fmt::format("{} scenarios, {} feasible, {} mismatches\n", count, feasible, failures);
  // A run where every scenario is infeasible (or none is) proves little: fail it.
  if (feasible == 0 || feasible == static_cast<int>(count)) {
    std::cerr << "the seeds give no mix of feasible and infeasible scenarios\n";
    return 1;
  }
  return failures == 0 ? 0 : 1;
}
