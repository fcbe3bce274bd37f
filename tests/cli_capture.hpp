#pragma once
// Runs the command line in-process with standard output and error captured, for the tests.
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "dcplan/cli/cli.hpp"

namespace dcplan::test {

struct cli_result {
  int code;
  std::string out, err;
};

/// `dcplan ARGS...` in-process; its exit code and what it printed.
inline cli_result cli(std::vector<std::string> args) {
  args.insert(args.begin(), "dcplan");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  const int code = run_cli(static_cast<int>(argv.size()), argv.data());
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  return {code, out.str(), err.str()};
}

} // namespace dcplan::test
