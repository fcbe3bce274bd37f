// The progress bar of `dcplan plan` (README "Commands").
#include "progress.hpp"

#include <iostream>
#include <string>

#include <fmt/format.h>

namespace dcplan::cli {

progress_bar::~progress_bar() {
  if (drawn_) std::cerr << "\r\x1b[2K" << std::flush;
}

void progress_bar::draw(std::uint64_t done, std::uint64_t total) {
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (s < 2.0 || total == 0) return;
  const double frac = static_cast<double>(done) / static_cast<double>(total);
  const int width = 30, filled = static_cast<int>(frac * width);
  const double rate = done / s;
  std::cerr << fmt::format(
                   "\r[{}{}] {:5.1f}%  {:.3g} of {:.3g} plans  {:.3g} plans/s  {:.0f} s left ",
                   std::string(filled, '#'), std::string(width - filled, ' '), 100 * frac,
                   static_cast<double>(done), static_cast<double>(total), rate,
                   rate > 0 ? (total - done) / rate : 0.0)
            << std::flush;
  drawn_ = true;
}

} // namespace dcplan::cli
