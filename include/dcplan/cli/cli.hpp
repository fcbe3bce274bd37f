#pragma once
// The command line as a function, so tests can run it in-process.
#include <atomic>

namespace dcplan {

/// Runs `dcplan ARGS...`; returns the exit code (see errors.hpp).
int run_cli(int argc, char** argv, const std::atomic<bool>* cancel = nullptr);

} // namespace dcplan
