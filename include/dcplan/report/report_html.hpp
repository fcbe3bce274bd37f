#pragma once
// The HTML report of a planning run (docs/report.md "The HTML report"): one self-contained
// page with the question and its answer, SVG charts drawn by dcplan, the top plans and the
// assumptions with their sources. It loads nothing: no scripts, fonts, styles or links.
#include <string>
#include <vector>

#include "dcplan/engine/engine.hpp"
#include "dcplan/portfolio/portfolio.hpp"
#include "dcplan/report/report.hpp"
#include "dcplan/risk/risk.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan {

/// Sections a run may add to the report; each is left out when absent.
struct report_extras {
  /// MODEL.md "Portfolios": the portfolio run, shown when it found a feasible portfolio.
  const portfolio_report* portfolio = nullptr;
};

/// The whole HTML page: the risk section from info.risk (MODEL.md "Risk") and the sections of
/// `extras`. With the frontier absent from `r` its chart says so.
std::string run_html(const scenario& sc, const plan_space& sp, const engine_result& r,
                     const run_info& info, const report_extras& extras = {});

/// The risk section of the first risk.size() plans of r.top; empty without risk figures.
std::string html_risk_section(const scenario& sc, const plan_space& sp, const engine_result& r,
                              const std::vector<risk_figures>& risk);
/// For an inference target, the inference cost frontier: USD per million tokens against tokens/s
/// of the reported plans and the compute frontier's plans, as Figure `figure_number`; empty
/// without an inference target (docs/inference.md "Reports").
std::string html_inference_section(const scenario& sc, const plan_space& sp, const engine_result& r,
                                   int figure_number);
/// The portfolio section, its objective in the objective's unit; empty when `rep` is null or
/// found no feasible portfolio.
std::string html_portfolio_section(const scenario& sc, const plan_space& sp,
                                   const portfolio_report* rep);

/// Removes "http://" and "https://" from catalog text, so that the report holds no link.
std::string without_url_schemes(std::string s);

} // namespace dcplan
