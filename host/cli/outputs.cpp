// Routing `dcplan plan`'s outputs: files written whole or not at all, and standard output taken
// by one of them at most.
#include "outputs.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "dcplan/model/errors.hpp"
#include "dcplan/report/report_html.hpp"

namespace dcplan::cli {

void plan_outputs::check_stdout_claims(const run_options& o) {
  const int to_stdout = (o.format_given ? 1 : 0) + (o.json_path == "-") + (o.csv_path == "-") +
                        (o.report_path == "-") + (o.milp_path == "-");
  if (to_stdout > 1)
    throw input_error("command line", 0, 0, "",
                      "standard output can take only one of --format, --json -, --csv -, "
                      "--report - and --milp -");
}

plan_outputs::plan_outputs(const run_options& o, bool lead)
    : o_(o), lead_(lead), shown_(o.format == "table" || !lead ? "" : "-") {
  open();
}

void plan_outputs::close() {
  json_.reset();
  csv_.reset();
  html_.reset();
  milp_.reset();
}

void plan_outputs::open() {
  if (json_) return;
  json_.emplace(lead_ ? o_.json_path : "");
  csv_.emplace(lead_ ? o_.csv_path : "");
  html_.emplace(lead_ ? o_.report_path : "");
  milp_.emplace(lead_ ? o_.milp_path : "");
}

bool plan_outputs::stdout_taken() const {
  return json_->is_stdout() || csv_->is_stdout() || html_->is_stdout() || milp_->is_stdout() ||
         shown_.active();
}

void plan_outputs::write(const scenario& sc, const plan_space& sp, const engine_result& r,
                         const run_info& info, const std::optional<portfolio_report>& port) {
  if (milp_->active() && port)
    milp_->commit(portfolio_lp(sc, sp, port->candidates, sc.globals().required_effective_flops));
  if (json_->active() || o_.format == "json") {
    nlohmann::ordered_json j = run_json(sc, sp, r, info);
    if (port) j["portfolio"] = portfolio_json(sc, sp, *port);
    if (!extra_.empty()) {
      // Added keys go before `timing`, which stays last.
      nlohmann::ordered_json timing;
      const bool timed = j.contains("timing");
      if (timed) {
        timing = j["timing"];
        j.erase("timing");
      }
      for (auto it = extra_.begin(); it != extra_.end(); ++it) j[it.key()] = it.value();
      if (timed) j["timing"] = timing;
    }
    std::string text = report_text(j, r, info);
    text += '\n';
    if (json_->active()) json_->commit(text);
    if (o_.format == "json") shown_.commit(text);
  }
  if (csv_->active() || o_.format == "csv") {
    const std::string text = run_csv(sc, sp, r);
    if (csv_->active()) csv_->commit(text);
    if (o_.format == "csv") shown_.commit(text);
  }
  if (html_->active()) {
    report_extras extras;
    if (port) extras.portfolio = &*port;
    html_->commit(run_html(sc, sp, r, info, extras));
  }
}

} // namespace dcplan::cli
