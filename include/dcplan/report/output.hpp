#pragma once
// Outputs are never half-written: each goes to a temporary file beside its target, made before
// the planning starts (so a path that cannot be written is reported at once), and is renamed
// over the target only when complete (not fsync'ed first: output.cpp).
#include <string>

namespace dcplan {

class pending_output {
public:
  /// "-" means standard output; "" means no output. Throws output_error if `path` cannot be
  /// written.
  explicit pending_output(std::string path);
  ~pending_output();
  pending_output(const pending_output&) = delete;
  pending_output& operator=(const pending_output&) = delete;

  bool active() const { return !path_.empty(); }
  bool is_stdout() const { return path_ == "-"; }
  /// Writes `content` and renames the temporary file over the target.
  void commit(const std::string& content);
  /// Removes the temporary file (also done by the destructor when not committed).
  void discard();

private:
  std::string path_;
  std::string temp_;
  int fd_ = -1;
};

} // namespace dcplan
