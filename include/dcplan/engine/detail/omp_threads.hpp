#pragma once
// The OpenMP thread count of a CPU pass, set for its duration and restored after, so a run on
// `threads` threads leaves the process's default as it found it.
#include <omp.h>

namespace dcplan::detail {

/// Sets OpenMP's thread count to `requested` (0 or less: one per processor of this process's
/// CPU set) while the object lives; restores the previous count when it goes.
class omp_threads_guard {
public:
  explicit omp_threads_guard(int requested)
      : count_(requested > 0 ? requested : omp_get_num_procs()), saved_(omp_get_max_threads()) {
    omp_set_num_threads(count_);
  }
  ~omp_threads_guard() { omp_set_num_threads(saved_); }
  omp_threads_guard(const omp_threads_guard&) = delete;
  omp_threads_guard& operator=(const omp_threads_guard&) = delete;

  /// The thread count in force.
  int count() const { return count_; }

private:
  int count_;
  int saved_;
};

} // namespace dcplan::detail
