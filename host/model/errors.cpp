#include "dcplan/model/errors.hpp"

#include <new>

#include <fmt/format.h>

namespace dcplan {
namespace {
std::string format_input_error(const std::string& file, int line, int column,
                               const std::string& field, const std::string& message) {
  std::string where = file;
  if (line > 0) where += fmt::format(":{}:{}", line, column > 0 ? column : 1);
  return field.empty() ? fmt::format("{}: error: {}", where, message)
                       : fmt::format("{}: error: {}: {}", where, field, message);
}
} // namespace

input_error::input_error(std::string file, int line, int column, std::string field,
                         std::string message)
    : std::runtime_error(format_input_error(file, line, column, field, message)),
      file_(std::move(file)), line_(line), column_(column), field_(std::move(field)),
      message_(std::move(message)) {}

int exit_code_of(const std::exception_ptr& e, std::string* message) {
  std::string text;
  int code = exit_internal;
  try {
    std::rethrow_exception(e);
  } catch (const input_error& x) {
    text = x.what();
    code = exit_bad_input;
  } catch (const output_error& x) {
    text = std::string("error: ") + x.what();
    code = exit_output;
  } catch (const resource_error& x) {
    text = std::string("error: ") + x.what();
    code = exit_resource;
  } catch (const cuda_error& x) {
    // A fault of a kernel or a CUDA call while running is a bug, not a missing GPU.
    text = std::string("internal error of the GPU backend (please report it): ") + x.what();
    code = exit_internal;
  } catch (const interrupted_error&) {
    text = "interrupted; no output written";
    code = exit_interrupted;
  } catch (const std::bad_alloc&) {
    text = "error: out of memory";
    code = exit_resource;
  } catch (const std::exception& x) {
    text = std::string("internal error: ") + x.what();
  } catch (...) {
    text = "internal error: unknown exception";
  }
  if (message) *message = std::move(text);
  return code;
}

} // namespace dcplan
