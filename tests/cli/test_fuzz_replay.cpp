// Fuzzing in CI: every input in tests/fuzz (the seed corpora and each input a fuzzer found
// crashing, kept as a regression) is replayed through what its fuzz target runs, and several
// hundred random mutations of the golden scenarios are loaded. Each must end in success or a
// dcplan::input_error; any other exception fails here, and a crash or a sanitizer report fails
// the run (the `sanitize` preset builds this under ASan and UBSan).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "dcplan/cli/cli.hpp"
#include "dcplan/engine/engine.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/report/explain.hpp"
#include "dcplan/model/rank.hpp"
#include "dcplan/report/report.hpp"
#include "dcplan/scenario/space.hpp"
#include "helpers.hpp"

using namespace dcplan;
namespace fs = std::filesystem;

namespace {

const fs::path kFuzzDir = DCPLAN_FUZZ_DIR;
const fs::path kGoldenDir = DCPLAN_GOLDEN_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> files_under(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// What tests/fuzz/fuzz_scenario.cpp runs. Returns true when the scenario loaded.
bool replay_scenario(const std::string& text) {
  try {
    const scenario sc = load_scenario_text(text, "fuzz.yaml", (kFuzzDir / "corpus").string());
    const plan_space sp = build_space(sc);
    const model_view v = make_model_view(sc);
    const space_view s = sp.view();
    for (int k = 0; k < s.n && k < 64; ++k)
      for (std::uint64_t i : {s.starts[k], s.starts[k + 1] - 1}) {
        const plan_figures f = evaluate_index(v, s, i);
        (void)make_rank_key(f, v.g.obj, i);
        (void)plan_record(sc, plan_of_index(sp, i), f).dump();
      }
    return true;
  } catch (const input_error&) {
    return false;
  }
}

// What tests/fuzz/fuzz_cli.cpp runs; returns run_cli's exit code.
int replay_cli(const std::string& text, const std::string& tiny_path) {
  static const scenario tiny = test::tiny();
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  if (lines.empty()) lines.emplace_back();
  try {
    const plan_ref p = parse_plan_spec(tiny, lines[0]);
    (void)explain_text(tiny, p);
    (void)explain_json(tiny, p).dump();
  } catch (const input_error&) {
  }
  static const char* kSubs[] = {"plan", "explain", "validate"};
  std::vector<std::string> args = {"dcplan", kSubs[text.size() % 3], tiny_path};
  if (args[1] == std::string("plan")) args.push_back("--quiet");
  for (std::size_t i = 1; i < lines.size() && args.size() < 16; ++i) {
    const std::string& a = lines[i];
    if (a.find("json") != std::string::npos || a.find("csv") != std::string::npos ||
        a.find("thr") != std::string::npos)
      continue;
    args.push_back(a);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream sink;
  auto* old_out = std::cout.rdbuf(sink.rdbuf());
  auto* old_err = std::cerr.rdbuf(sink.rdbuf());
  const int code = run_cli(static_cast<int>(argv.size()), argv.data());
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  return code;
}

// One random edit of the kind a person or a broken tool makes.
std::string mutate(std::string t, std::mt19937_64& rng) {
  static const std::vector<std::string> tokens = {"1.0e308",
                                                  "-1",
                                                  "0",
                                                  ".nan",
                                                  ".inf",
                                                  "9007199254740993",
                                                  "1e-320",
                                                  "[]",
                                                  "{}",
                                                  "null",
                                                  "- ",
                                                  ": ",
                                                  "\n",
                                                  "  ",
                                                  "\t",
                                                  "'",
                                                  "\"",
                                                  "&a ",
                                                  "*a",
                                                  "include: [loop.yaml]\n",
                                                  "---\n",
                                                  "id: ",
                                                  "fabrics: []\n",
                                                  "[[[[[[[[",
                                                  "}}}}",
                                                  "\xc3",
                                                  "\xff",
                                                  std::string(1, '\0'),
                                                  "catalog/systems.yaml",
                                                  "node_step: 1",
                                                  "max_nodes: 1.0e300",
                                                  "grid_mw: 1.0e300",
                                                  "accelerators_per_node: 9.0e15",
                                                  "node_price_usd: 1.0e305"};
  const auto pick = [&](std::size_t n) { return n ? static_cast<std::size_t>(rng() % n) : 0; };
  const int edits = 1 + static_cast<int>(rng() % 2);
  for (int e = 0; e < edits && !t.empty(); ++e) {
    const std::size_t at = pick(t.size());
    switch (rng() % 6) {
    case 0:
      t[at] = static_cast<char>(rng() & 0xff);
      break; // flip a byte
    case 1:
      t.insert(at, tokens[pick(tokens.size())]);
      break; // insert a token
    case 2:
      t.erase(at, 1 + pick(40));
      break;  // delete a run
    case 3: { // duplicate a line
      const std::size_t b = t.rfind('\n', at), en = t.find('\n', at);
      const std::size_t from = b == std::string::npos ? 0 : b + 1;
      t.insert(from, t.substr(from, (en == std::string::npos ? t.size() : en + 1) - from));
      break;
    }
    case 4: { // replace a number
      const std::size_t d = t.find_first_of("0123456789", at);
      if (d != std::string::npos) {
        const std::size_t end = t.find_first_not_of("0123456789.e+-", d);
        t.replace(d, (end == std::string::npos ? t.size() : end) - d, tokens[pick(8)]);
      }
      break;
    }
    default:
      t = t.substr(0, at);
      break; // truncate
    }
  }
  return t;
}

} // namespace

TEST_CASE("every kept fuzz input replays to success or a located input error", "[fuzz]") {
  const std::vector<fs::path> scenarios = [] {
    auto a = files_under(kFuzzDir / "corpus" / "fuzz_scenario");
    auto b = files_under(kFuzzDir / "crashes" / "fuzz_scenario");
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }();
  REQUIRE(scenarios.size() >= 5);
  for (const auto& p : scenarios) {
    INFO(p.string());
    CHECK_NOTHROW(replay_scenario(slurp(p)));
  }

  const fs::path tiny = fs::temp_directory_path() / "dcplan-test-fuzz-replay.yaml";
  std::ofstream(tiny) << test::tiny_text();
  std::vector<fs::path> cli = files_under(kFuzzDir / "corpus" / "fuzz_cli");
  const auto crashes = files_under(kFuzzDir / "crashes" / "fuzz_cli");
  cli.insert(cli.end(), crashes.begin(), crashes.end());
  REQUIRE(cli.size() >= 5);
  for (const auto& p : cli) {
    INFO(p.string());
    int code = -1;
    CHECK_NOTHROW(code = replay_cli(slurp(p), tiny.string()));
    CHECK((code == exit_ok || code == exit_bad_input || code == exit_infeasible));
  }
}

TEST_CASE("600 random mutations of the golden scenarios load or fail with an input error",
          "[fuzz][mutation]") {
  std::vector<std::string> seeds;
  for (const auto& p : files_under(kGoldenDir))
    if (p.extension() == ".yaml") seeds.push_back(slurp(p));
  REQUIRE(seeds.size() >= 5);
  std::mt19937_64 rng(20260601);
  int loaded = 0, rejected = 0;
  for (int i = 0; i < 600; ++i) {
    const std::string text = mutate(seeds[static_cast<std::size_t>(i) % seeds.size()], rng);
    INFO("mutation " << i << ":\n" << text);
    bool ok = false;
    CHECK_NOTHROW(ok = replay_scenario(text));
    (ok ? loaded : rejected)++;
  }
  // Both outcomes occur, so the mutations reach past the parser and into validation.
  CHECK(loaded >= 20);
  CHECK(rejected >= 300);
}
