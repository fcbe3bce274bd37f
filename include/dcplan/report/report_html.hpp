#pragma once
// The HTML report of a planning run (docs/report.md "The HTML report"): one self-contained
// page with the question and its answer, SVG charts drawn by dcplan, the top plans and the
// assumptions with their sources. It loads nothing: no scripts, fonts, styles or links.
#include <string>

#include <nlohmann/json.hpp>

#include "dcplan/engine/engine.hpp"
#include "dcplan/report/report.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan {

/// Sections a run may add to the report; each is left out when absent.
struct report_extras {
  const nlohmann::ordered_json* risk = nullptr;       // MODEL.md "Risk": the plans' `risk`
  const nlohmann::ordered_json* portfolio = nullptr;  // MODEL.md "Portfolios": `portfolio`
};

/// The whole HTML page. With the frontier absent from `r` its chart says so.
std::string run_html(const scenario& sc, const plan_space& sp, const engine_result& r,
                     const run_info& info, const report_extras& extras = {});

/// The risk section (MODEL.md "Risk"); empty when `risk` is null.
std::string html_risk_section(const nlohmann::ordered_json* risk);
/// The portfolio section (MODEL.md "Portfolios"); empty when `portfolio` is null.
std::string html_portfolio_section(const nlohmann::ordered_json* portfolio);

/// Removes "http://" and "https://" from catalog text, so that the report holds no link.
std::string without_url_schemes(std::string s);

}  // namespace dcplan
