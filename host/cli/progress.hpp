#pragma once
// The progress bar of `dcplan plan` on a terminal.
#include <chrono>
#include <cstdint>

namespace dcplan::cli {

/// A bar on standard error, drawn only once a run has taken two seconds; the destructor clears
/// it if it was drawn.
class progress_bar {
public:
  explicit progress_bar(std::chrono::steady_clock::time_point start) : start_(start) {}
  ~progress_bar();
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;

  /// Redraws the bar: `done` of `total` plans evaluated.
  void draw(std::uint64_t done, std::uint64_t total);

private:
  std::chrono::steady_clock::time_point start_;
  bool drawn_ = false;
};

} // namespace dcplan::cli
