// The dcplan command line (README "Commands").

#include <atomic>
#include <csignal>
#include <cstdlib>

#include "dcplan/cli/cli.hpp"
#include "dcplan/dist/distributed.hpp"
#include "dcplan/model/errors.hpp"

namespace {

std::atomic<bool> g_cancel{false};

extern "C" void on_sigint(int) {
  if (g_cancel.load()) std::_Exit(dcplan::exit_interrupted); // a second Ctrl-C ends at once
  g_cancel.store(true);
}

} // namespace

int main(int argc, char** argv) {
  std::signal(SIGINT, on_sigint);
  std::signal(SIGTERM, on_sigint);
  const dcplan::dist::session mpi(&argc, &argv); // docs/distributed.md; nothing without a launcher
  return dcplan::run_cli(argc, argv, &g_cancel);
}
