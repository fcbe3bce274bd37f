// docs/distributed.md over MPI: starting the ranks, gathering byte strings on rank 0, and ending
// every rank when one fails.
#include <fcntl.h>
#include <mpi.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "dcplan/dist/distributed.hpp"
#include "dcplan/model/errors.hpp"

namespace dcplan::dist {
namespace {

world g_world;
bool g_started = false;

// A launcher's environment: OpenMPI's mpirun, or PMI / PMIx as srun and other MPIs set it. A
// plain `dcplan plan` never initializes MPI, so it runs exactly as the build without MPI.
bool launched() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v)) return true;
  return false;
}

} // namespace

session::session(int* argc, char*** argv) {
  if (!launched()) return;
  int provided = 0;
  // Only the main thread calls MPI; the OpenMP threads of the CPU engine never do.
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  g_started = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_world.size);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, g_world.rank, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &g_world.local_rank);
  MPI_Comm_size(node, &g_world.local_size);
  MPI_Comm_free(&node);
  if (g_world.rank != 0) {
    // Only rank 0 prints; the others still report their own failures on standard error.
    std::fflush(stdout);
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) {
      ::dup2(null, STDOUT_FILENO);
      ::close(null);
    }
  }
}

session::~session() {
  int fin = 0;
  if (g_started && MPI_Finalized(&fin) == MPI_SUCCESS && !fin) MPI_Finalize();
}

const world& this_world() { return g_world; }

std::vector<std::vector<char>> gather_to_root(const std::vector<char>& mine) {
  if (g_world.size <= 1) return {mine};
  if (mine.size() > static_cast<std::size_t>(INT_MAX))
    throw resource_error("a rank's result exceeds 2 GiB; use more ranks");
  const int n = static_cast<int>(mine.size());
  std::vector<int> sizes(g_world.rank == 0 ? g_world.size : 0);
  MPI_Gather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<int> displs;
  std::vector<char> all;
  if (g_world.rank == 0) {
    long long total = 0;
    for (int s : sizes) {
      displs.push_back(static_cast<int>(total));
      total += s;
    }
    if (total > INT_MAX) throw resource_error("the ranks' results exceed 2 GiB; use fewer ranks");
    all.resize(static_cast<std::size_t>(total));
  }
  MPI_Gatherv(mine.data(), n, MPI_BYTE, all.data(), sizes.data(), displs.data(), MPI_BYTE, 0,
              MPI_COMM_WORLD);
  std::vector<std::vector<char>> out;
  for (std::size_t r = 0; r < sizes.size(); ++r)
    out.emplace_back(all.begin() + displs[r], all.begin() + displs[r] + sizes[r]);
  return out;
}

std::vector<char> broadcast_from_root(const std::vector<char>& mine) {
  if (g_world.size <= 1) return mine;
  if (mine.size() > static_cast<std::size_t>(INT_MAX))
    throw resource_error("a broadcast exceeds 2 GiB");
  int n = static_cast<int>(mine.size());
  MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<char> out = g_world.rank == 0 ? mine : std::vector<char>(static_cast<std::size_t>(n));
  MPI_Bcast(out.data(), n, MPI_BYTE, 0, MPI_COMM_WORLD);
  return out;
}

void abort_all(const std::string& message, int code) {
  std::fprintf(stderr, "dcplan: rank %d: %s\n", g_world.rank, message.c_str());
  std::fflush(stderr);
  if (g_started) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

void test_fail_hook() {
  // Test hook (tests/distributed/check_ranks.py): DCPLAN_TEST_FAIL_RANK=N makes rank N throw
  // before the merge, to check that the whole run fails and names the rank.
  const char* v = std::getenv("DCPLAN_TEST_FAIL_RANK");
  if (v && *v && std::atoi(v) == g_world.rank)
    throw std::runtime_error("failure injected by DCPLAN_TEST_FAIL_RANK");
}

} // namespace dcplan::dist
