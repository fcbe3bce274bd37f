#pragma once
// The error taxonomy of the command line, and the exit codes it maps to (README "Exit codes").
#include <exception>
#include <stdexcept>
#include <string>

namespace dcplan {

enum exit_code : int {
  exit_ok = 0,
  exit_internal = 1,   // a bug: please report it
  exit_bad_input = 2,  // bad scenario file or command line
  exit_infeasible = 3, // the report was written, but no plan passes every test
  exit_resource = 4,   // no usable GPU under --backend cuda, or out of memory
  exit_output = 5,     // an output file cannot be written
  exit_interrupted = 130,
};

/// A bad input: names the file, line, column and field, and says what would be valid.
class input_error : public std::runtime_error {
public:
  input_error(std::string file, int line, int column, std::string field, std::string message);
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& field() const { return field_; }
  const std::string& message() const { return message_; }

private:
  std::string file_;
  int line_;
  int column_;
  std::string field_;
  std::string message_;
};

/// A missing compute resource: no usable GPU, or not enough (device) memory (exit 4).
class resource_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A fault of the GPU while running (an illegal address, a failed launch): a bug, never "no GPU"
/// (exit 1). The message names the CUDA call, file and line.
class cuda_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// An output that cannot be written.
class output_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The run was interrupted (Ctrl-C).
class interrupted_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The exit code of the command line for exception `e`, and in `message` (when not null) what
/// it prints after "dcplan: ": the one mapping of README "Exit codes", for one process and for
/// MPI ranks alike.
int exit_code_of(const std::exception_ptr& e, std::string* message);

} // namespace dcplan
