#include "dcplan/model/errors.hpp"

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
}  // namespace

input_error::input_error(std::string file, int line, int column, std::string field,
                         std::string message)
    : std::runtime_error(format_input_error(file, line, column, field, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      field_(std::move(field)),
      message_(std::move(message)) {}

}  // namespace dcplan
