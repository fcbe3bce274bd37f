// `dcplan validate`, `explain`, `catalog` and `sensitivity` (README "Commands").
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/report/catalog.hpp"
#include "dcplan/report/explain.hpp"
#include "dcplan/report/output.hpp"
#include "dcplan/report/sensitivity.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan::cli {

int run_validate_command(const validate_command& c) {
  const scenario sc = load_scenario(c.scenario_path);
  const plan_space sp = build_space(sc);
  std::cout << fmt::format("{}: valid; {} plans ({} sites, {} systems, {} coolings, {} fabrics)\n",
                           sc.file, sp.total, sc.sites.size(), sc.systems.size(), sc.cooling.size(),
                           sc.fabrics.size());
  return exit_ok;
}

int run_explain_command(const explain_command& c) {
  const scenario sc =
      c.scenario_path == "default" ? load_default_scenario() : load_scenario(c.scenario_path);
  const plan_ref p = parse_plan_spec(sc, c.plan);
  pending_output out(c.json_path);
  if (out.active()) out.commit(explain_json(sc, p).dump(1) + "\n");
  if (!out.is_stdout()) std::cout << explain_text(sc, p);
  return exit_ok;
}

int run_catalog_command(const catalog_command& c) {
  const scenario cat = load_builtin_catalog();
  pending_output out(c.json_path);
  if (out.active()) out.commit(catalog_json(cat, c.list).dump(1) + "\n");
  if (!out.is_stdout()) std::cout << catalog_table(cat, c.list);
  return exit_ok;
}

int run_sensitivity_command(const sensitivity_command& c, const std::atomic<bool>* cancel) {
  const scenario sc = load_scenario(c.scenario_path);
  pending_output json(c.json_path);
  engine_options opt = c.engine;
  opt.cancel = cancel;
  std::string notice;
  const sensitivity_result r = run_sensitivity(sc, c.backend, opt, &notice);
  if (json.active()) json.commit(sensitivity_json(sc, r).dump(1) + "\n");
  if (!notice.empty()) std::cerr << "dcplan: note: " << notice << "\n";
  if (!json.is_stdout()) std::cout << sensitivity_table(sc, r) << std::flush;
  return r.feasible ? exit_ok : exit_infeasible;
}

} // namespace dcplan::cli
