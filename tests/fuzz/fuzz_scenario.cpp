// libFuzzer target: scenario text -> load_scenario_text (parse, schema, cross-field checks) ->
// build_space -> the figures and report records of the smallest and largest plan of every
// combination. Every input must end in a scenario or a dcplan::input_error; anything else
// (another exception, a crash, a sanitizer report) is a bug.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/model/rank.hpp"
#include "dcplan/report/report.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/scenario/space.hpp"

namespace {

std::string g_dir; // includes resolve here: one good include and one that includes itself

void exercise(const dcplan::scenario& sc) {
  const dcplan::plan_space sp = dcplan::build_space(sc);
  const dcplan::model_view v = dcplan::make_model_view(sc);
  const dcplan::space_view s = sp.view();
  for (int k = 0; k < s.n && k < 64; ++k) {
    for (std::uint64_t i : {s.starts[k], s.starts[k + 1] - 1}) {
      const dcplan::plan_figures f = dcplan::evaluate_index(v, s, i);
      (void)dcplan::make_rank_key(f, v.g.obj, i);
      (void)dcplan::plan_record(sc, dcplan::plan_of_index(sp, i), f).dump();
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  namespace fs = std::filesystem;
  const fs::path d = fs::temp_directory_path() / "dcplan-fuzz-scenario";
  fs::create_directories(d);
  std::ofstream(d / "fabrics.yaml")
      << "fabrics:\n  - {id: ib, radix: 16, cost_usd_per_accel: 10000, power_w_per_accel: 100, "
         "scaling_k: 0.02}\n";
  std::ofstream(d / "loop.yaml") << "include: [loop.yaml]\n";
  g_dir = d.string();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    exercise(dcplan::load_scenario_text(text, "fuzz.yaml", g_dir));
  } catch (const dcplan::input_error&) {
    // The expected outcome for a bad scenario.
  }
  return 0;
}
