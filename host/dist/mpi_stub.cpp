// docs/distributed.md in a build without MPI: one rank, nothing to start or gather.
#include <cstdio>
#include <cstdlib>

#include "dcplan/dist/distributed.hpp"

namespace dcplan::dist {

session::session(int*, char***) {}
session::~session() {} // nothing to finalize without MPI

const world& this_world() {
  static const world w;
  return w;
}

std::vector<std::vector<char>> gather_to_root(const std::vector<char>& mine) { return {mine}; }

std::vector<char> broadcast_from_root(const std::vector<char>& mine) { return mine; }

void abort_all(const std::string& message, int code) {
  std::fprintf(stderr, "dcplan: rank 0: %s\n", message.c_str());
  std::fflush(stderr);
  std::exit(code);
}

void test_fail_hook() {}

} // namespace dcplan::dist
