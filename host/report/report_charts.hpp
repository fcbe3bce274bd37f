#pragma once
// The HTML report's charts (docs/report.md "The HTML report"), each one self-contained SVG.
#include <string>
#include <vector>

#include "dcplan/engine/engine.hpp"
#include "dcplan/report/report.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan::charts {

/// A plan the charts show: a ranked plan (rank >= 1) or the closest plan (rank 0).
struct shown_plan {
  int rank;
  plan_ref ref;
  plan_figures f;
};

/// "#1 us-va · dgx-h100 · build · 1,024 nodes" (rank 0: "closest").
std::string plan_label(const scenario& sc, const shown_plan& p);

/// TCO against effective FLOP/s of the frontier points `shown` (positions into `points`), log
/// scales, coloured by system and shaped by sourcing, with the target and the chosen plan.
std::string frontier_chart(const scenario& sc, const plan_space& sp,
                           const std::vector<frontier_point>& points,
                           const std::vector<std::size_t>& shown, const shown_plan* chosen);
/// Stacked bars of each plan's TCO by kind of cost (plan_analysis.hpp cost_breakdown).
std::string breakdown_chart(const scenario& sc, const std::vector<shown_plan>& plans);
/// Months until each plan is ready, then its training job for training targets; the deadline.
std::string timeline_chart(const scenario& sc, const std::vector<shown_plan>& plans);
/// Plans failing each feasibility test first, and the plans passing every test.
std::string feasibility_chart(const engine_result& r);

} // namespace dcplan::charts
