#pragma once
// Where `dcplan plan` writes: the output files and standard output (README "Commands").
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "dcplan/portfolio/portfolio.hpp"
#include "dcplan/report/output.hpp"
#include "dcplan/report/report.hpp"

namespace dcplan::cli {

/// The outputs of one `plan` run. Only the lead process (rank 0 under MPI) writes; the others
/// hold inactive outputs.
class plan_outputs {
public:
  /// Throws input_error when more than one of --format, --json -, --csv -, --report - and
  /// --milp - claims standard output.
  static void check_stdout_claims(const run_options& o);

  /// Checks the output paths and makes their temporary files (output_error when one cannot be
  /// written).
  plan_outputs(const run_options& o, bool lead);
  /// Removes the temporary files until open(): under MPI, rank 0 makes them only after the last
  /// step shared with the other ranks, so that a rank ended by another's failure leaves none.
  void close();
  /// Makes the temporary files again after close().
  void open();

  bool lead() const { return lead_; }
  /// True when an output file or --format writes to standard output (no table then).
  bool stdout_taken() const;

  /// A key the JSON report adds to MODEL.md's (which allows added fields), before `timing`.
  void add_to_report(const std::string& key, nlohmann::ordered_json value) {
    extra_[key] = std::move(value);
  }

  /// Writes every output the command line asked for: the MILP, the JSON, the CSV, the HTML.
  void write(const scenario& sc, const plan_space& sp, const engine_result& r, const run_info& info,
             const std::optional<portfolio_report>& port);

private:
  const run_options& o_;
  bool lead_;
  std::optional<pending_output> json_, csv_, html_, milp_;
  pending_output shown_; // --format json|csv on standard output
  nlohmann::ordered_json extra_ = nlohmann::ordered_json::object(); // add_to_report's keys
};

} // namespace dcplan::cli
