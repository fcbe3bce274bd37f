#pragma once
// One `dcplan plan` over MPI ranks (docs/distributed.md): each rank evaluates a contiguous share
// of the plan space (and of the pool-candidate pass, or of a schedule's phase space) on its own
// GPU or CPU cores; rank 0 merges the exact counts, top K, closest plan, pool candidates and
// candidate phases, runs the risk figures, the portfolio optimizer or the schedule search, and
// alone writes the outputs. Without MPI (or with one rank) every
// function here is the single-process identity.
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dcplan/engine/engine.hpp"
#include "dcplan/portfolio/portfolio.hpp"
#include "dcplan/risk/risk.hpp"
#include "dcplan/schedule/schedule.hpp"

namespace dcplan::dist {

#ifdef DCPLAN_HAVE_MPI
inline constexpr bool kHaveMpi = true; // this build runs under mpirun / srun as ranks
#else
inline constexpr bool kHaveMpi = false;
#endif

/// This process's place among the ranks; rank 0 of 1 without MPI.
struct world {
  int rank = 0;
  int size = 1;
  int local_rank = 0; // among the ranks of this node
  int local_size = 1;
};

/// Starts MPI when this build has it and a launcher (mpirun, srun) started the process, and
/// finalizes it on destruction. Ranks other than 0 get standard output sent to /dev/null.
class session {
public:
  session(int* argc, char*** argv);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;
};

/// This process's place among the ranks.
const world& this_world();
/// True when more than one rank runs.
inline bool distributed() { return this_world().size > 1; }

/// Rank `rank`'s share [begin, end) of the plan indices: contiguous, about total / size plans,
/// its ends on the engines' piece boundaries (multiples of 2^16 plans within a combination).
std::pair<std::uint64_t, std::uint64_t> share_of(const plan_space& sp, int rank, int size);

/// CPU threads of one rank by default: its CPU set when bound, else the cores over the local ranks.
int default_threads();

/// The engine results of every share of a space, merged exactly as one run over the whole
/// space gives them: counts and plans summed, top K by rank_less, the closest plan (most
/// effective FLOP/s, then lowest index; reported by the pruned paths only when nothing is
/// feasible). Other fields come from parts[0].
engine_result merge_engine_results(const std::vector<engine_result>& parts, std::size_t top_k,
                                   bool pruned);
/// The pool candidates of every share, merged into the exact pool candidates of the whole space.
std::vector<pool_candidate>
merge_candidate_parts(const std::vector<std::vector<pool_candidate>>& parts, pareto_dims d);

/// Collective: every rank's byte string, on rank 0 (in rank order); empty on the others.
std::vector<std::vector<char>> gather_to_root(const std::vector<char>& mine);

/// Collective: merges every rank's engine result; the merged result is valid on rank 0.
engine_result merge_results(const engine_result& mine, std::size_t top_k, bool pruned);

/// The pool-candidate pass over this rank's share, merged on rank 0, and the optimizer there; an
/// empty optional on the other ranks. Without ranks, run_portfolio.
std::optional<portfolio_report> run_portfolio_ranks(const scenario& sc, const plan_space& sp,
                                                    backend_kind backend, const engine_options& opt,
                                                    const portfolio_options& popt);

/// Rank `rank`'s share [begin, end) of `total` phases (MODEL.md "A phase"): contiguous, about
/// total / size phase indices.
std::pair<std::uint64_t, std::uint64_t> phase_share_of(std::uint64_t total, int rank, int size);

/// The phase passes of every share in share order, merged: counts and phases summed, the
/// candidates concatenated (index order, as the shares are) and reduced exactly (MODEL.md "A
/// schedule"; detail/dominance.hpp). Other fields come from parts[0].
phase_pass_result merge_phase_parts(const std::vector<phase_pass_result>& parts, objective o);

/// A schedule run over the ranks: each rank's phase pass over its share (on `opt.backend`), its
/// candidates reduced there, gathered on rank 0 with the counts, which reduces them again and
/// searches; an empty optional on the other ranks. Without ranks, solve_schedule.
std::optional<schedule_result> solve_schedule_ranks(const scenario& sc, schedule_options opt);

/// Collective: rank 0's byte string on every rank.
std::vector<char> broadcast_from_root(const std::vector<char>& mine);

/// Collective: MODEL.md "Risk" for the merged run `r` (valid on rank 0). On the CPU backend the
/// draws are shared out in contiguous ranges and every plan's TCO samples gathered to rank 0,
/// which sorts them for the exact quantiles; on CUDA rank 0's GPU evaluates every draw, as one
/// process does. Returns the figures (and cuts r.top) on rank 0, nothing on the others.
std::vector<risk_figures> apply_risk_ranks(const scenario& sc, const plan_space& sp,
                                           engine_result& r, std::size_t top, int threads);

/// Prints "dcplan: rank N: <message>" and ends every rank with exit status `code`.
[[noreturn]] void abort_all(const std::string& message, int code);
/// abort_all with the message and exit code of run_cli's handler for exception `e`.
[[noreturn]] void abort_on(const std::exception_ptr& e);

/// Test hook of the MPI build: throws on the rank named by DCPLAN_TEST_FAIL_RANK, if any.
void test_fail_hook();

} // namespace dcplan::dist
