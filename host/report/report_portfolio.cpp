// Reports of a portfolio run (MODEL.md "Portfolios" and "What a planning run reports").
#include <fmt/format.h>

#include "dcplan/portfolio/portfolio.hpp"
#include "dcplan/report/report.hpp"

namespace dcplan {
namespace {

nlohmann::ordered_json opt_num(bool has, double x) {
  if (!has) return nullptr;
  return x;
}

// The budgets that are set, for the effective_flops portfolio's heading.
std::string budgets_text(const scenario& sc) {
  std::string s;
  if (sc.budget_capex_usd) s += "capex " + human_usd(*sc.budget_capex_usd);
  if (sc.budget_tco_usd) s += (s.empty() ? "TCO " : " and TCO ") + human_usd(*sc.budget_tco_usd);
  return "the budgets (" + s + ")";
}

} // namespace

std::string objective_text(objective o, double v) {
  if (o == objective::carbon) return fmt::format("{:.4g} tCO2/yr", v);
  if (o == objective::effective_flops) return human_flops(v);
  return human_usd(v);
}

nlohmann::ordered_json portfolio_json(const scenario& sc, const plan_space& sp,
                                      const portfolio_report& rep) {
  const portfolio_solution& b = rep.best;
  nlohmann::ordered_json j;
  j["objective_value"] = opt_num(b.feasible, b.objective);
  j["tco_usd"] = opt_num(b.feasible, b.tco);
  j["capex_usd"] = opt_num(b.feasible, b.capex);
  j["effective_flops"] = opt_num(b.feasible, b.flops);
  nlohmann::ordered_json members = nlohmann::ordered_json::array();
  for (const pool_candidate& m : b.members) {
    const plan_ref ref = plan_of_index(sp, m.index);
    members.push_back(plan_record(sc, ref, evaluate_ref(sc, ref)));
  }
  j["members"] = std::move(members);
  // Under effective_flops (MODEL.md "Portfolios") cost_curve holds the budget curve: fraction is
  // the budgets' scale and objective_value the summed FLOP/s, which a stopped search bounds from
  // above.
  const bool budget_curve = sc.obj == objective::effective_flops;
  nlohmann::ordered_json curve = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < rep.cost_curve.size(); ++i) {
    nlohmann::ordered_json pt;
    pt["fraction"] = kCostCurveFractions[i];
    pt["objective_value"] = opt_num(rep.cost_curve[i].has_value(), rep.cost_curve[i].value_or(0));
    // Extensions: whether the point is the proven optimum; where its search stopped at the work
    // limit, objective_value is the best portfolio found (null: none) and lower_bound a bound
    // the optimum is proven to reach.
    const bool unproven = i < rep.cost_curve_bound.size() && rep.cost_curve_bound[i].has_value();
    pt["proven"] = !unproven;
    if (unproven) pt[budget_curve ? "upper_bound" : "lower_bound"] = *rep.cost_curve_bound[i];
    curve.push_back(std::move(pt));
  }
  j["cost_curve"] = std::move(curve);
  // Extensions (MODEL.md allows added fields).
  j["objective"] = to_string(sc.obj);
  if (budget_curve) j["curve"] = "budget"; // the cost objectives' block stays as it was
  j["frontier_plans"] = rep.candidate_count;
  j["search_nodes"] = rep.nodes;
  j["frontier_seconds"] = rep.candidates_seconds;
  j["solve_seconds"] = rep.solve_seconds;
  j["target_solve_seconds"] = rep.target_seconds;
  return j;
}

std::string portfolio_table(const scenario& sc, const plan_space& sp, const portfolio_report& rep) {
  const portfolio_solution& b = rep.best;
  const double required = sc.globals().required_effective_flops;
  const bool budget_curve = sc.obj == objective::effective_flops;
  std::string out =
      budget_curve
          ? fmt::format("\nportfolio: the most effective FLOP/s within {} across pools (site, "
                        "sourcing)\n",
                        budgets_text(sc))
          : fmt::format("\nportfolio: the least {} meeting {} across pools (site, sourcing)\n",
                        to_string(sc.obj), human_flops(required));
  out += fmt::format(
      "({} pool candidates, {} optimizer states; candidate pass {:.2f} s, optimizer {:.2f} s)\n",
      rep.candidate_count, rep.nodes, rep.candidates_seconds, rep.solve_seconds);
  if (!b.feasible) {
    out += "No portfolio passes every test.\n";
  } else {
    std::vector<std::vector<std::string>> rows = {
        {"pool", "system", "cooling", "fabric", "nodes", "eff. compute", "capex", "TCO"}};
    for (const pool_candidate& m : b.members) {
      const plan_ref ref = plan_of_index(sp, m.index);
      const plan_figures f = evaluate_ref(sc, ref);
      rows.push_back(
          {sc.site_meta[ref.site].id + "/" + to_string(static_cast<sourcing>(ref.sourcing)),
           sc.system_meta[ref.system].id, ref.cooling < 0 ? "-" : sc.cooling_meta[ref.cooling].id,
           sc.fabric_meta[ref.fabric].id, fmt::format("{:.0f}", f.nodes),
           human_flops(f.effective_flops), human_usd(f.capex), human_usd(f.tco)});
    }
    rows.push_back({fmt::format("total ({} members)", b.members.size()), "", "", "", "",
                    human_flops(b.flops), human_usd(b.capex), human_usd(b.tco)});
    std::vector<std::size_t> w(rows[0].size(), 0);
    for (const auto& r : rows)
      for (std::size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], r[c].size());
    for (const auto& r : rows) {
      std::string line;
      for (std::size_t c = 0; c < r.size(); ++c) {
        const std::string pad(w[c] - r[c].size(), ' ');
        line += (c ? "  " : "") + (c < 4 ? r[c] + pad : pad + r[c]);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    out +=
        fmt::format("objective ({}): {}\n", to_string(sc.obj), objective_text(sc.obj, b.objective));
  }
  out += budget_curve ? "budget curve (most effective FLOP/s by scale of the budgets):"
                      : "cost curve (optimal objective by share of the target):";
  bool unproven = false;
  for (std::size_t i = 0; i < rep.cost_curve.size(); ++i) {
    const std::optional<double>& bound =
        i < rep.cost_curve_bound.size() ? rep.cost_curve_bound[i] : std::nullopt;
    std::string v = rep.cost_curve[i] ? objective_text(sc.obj, *rep.cost_curve[i])
                    : bound           ? "none found"
                                      : "infeasible";
    if (bound) {
      v += fmt::format(" (not proven; optimum {} {})*",
                       budget_curve ? "<=" : ">=", objective_text(sc.obj, *bound));
      unproven = true;
    }
    out += fmt::format(" {:g}%: {}", kCostCurveFractions[i] * 100, v);
  }
  out += "\n";
  if (unproven)
    out +=
        fmt::format("* the search for this point stopped at the work limit (--curve-work-limit): "
                    "the best portfolio found and a proven {} bound\n",
                    budget_curve ? "upper" : "lower");
  return out;
}

} // namespace dcplan
