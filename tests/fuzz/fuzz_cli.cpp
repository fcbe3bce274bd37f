// libFuzzer target: the command line. The first line of the input is a `--plan` spec for
// parse_plan_spec (and, when it parses, explain_text and explain_json); the other lines are
// arguments of `dcplan plan|explain|validate SCENARIO ...` run through run_cli, which must
// return an exit code of errors.hpp and never throw. Arguments naming outputs (--json, --csv)
// and --threads are dropped, so the fuzzer writes no files and starts no thread storms.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../helpers.hpp"
#include "dcplan/cli/cli.hpp"
#include "dcplan/model/errors.hpp"
#include "dcplan/report/explain.hpp"
#include "dcplan/scenario/scenario.hpp"

namespace {

const dcplan::scenario* g_tiny = nullptr;
std::string g_tiny_path;
std::ostringstream g_sink;

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  namespace fs = std::filesystem;
  static const dcplan::scenario tiny = dcplan::test::tiny();
  g_tiny = &tiny;
  const fs::path d = fs::temp_directory_path() / "dcplan-fuzz-cli";
  fs::create_directories(d);
  g_tiny_path = (d / "tiny.yaml").string();
  std::ofstream(g_tiny_path) << dcplan::test::tiny_text();
  std::cout.rdbuf(g_sink.rdbuf());
  std::cerr.rdbuf(g_sink.rdbuf());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  if (lines.empty()) lines.emplace_back();

  try {
    const dcplan::plan_ref p = dcplan::parse_plan_spec(*g_tiny, lines[0]);
    (void)dcplan::explain_text(*g_tiny, p);
    (void)dcplan::explain_json(*g_tiny, p).dump();
  } catch (const dcplan::input_error&) {
  }

  static const char* kSubs[] = {"plan", "explain", "validate"};
  std::vector<std::string> args = {"dcplan", kSubs[size % 3], g_tiny_path};
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
  const int code = dcplan::run_cli(static_cast<int>(argv.size()), argv.data());
  static const std::set<int> kCodes = {0, 2, 3, 4, 5};
  if (!kCodes.count(code)) __builtin_trap(); // 1 is an internal error: a bug
  g_sink.str("");
  return 0;
}
