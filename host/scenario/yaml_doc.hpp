#pragma once
// Reading YAML documents with locations: syntax, binary data and duplicate keys become
// input_error with file, line and column; includes are resolved on disk or in the built-in files.
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "dcplan/model/errors.hpp"

namespace dcplan::detail {

/// A YAML node and the file it came from.
struct located {
  YAML::Node node;
  std::shared_ptr<const std::string> file;
  int line() const { return node.Mark().line + 1; }
  int column() const { return node.Mark().column + 1; }
};

/// A parsed document: its root, its name for messages and the directory its includes resolve in
/// (empty for a built-in file, whose includes resolve among the built-in files).
struct document {
  located root;
  std::string base_dir;
  bool builtin = false;
};

/// Parses text; throws input_error for binary data, syntax errors and duplicate keys.
document parse_document(const std::string& text, const std::string& name,
                        const std::string& base_dir, bool builtin);
/// Reads and parses a file; throws input_error when it cannot be read.
document read_document(const std::string& path);
/// Resolves an include relative to `from`: on disk first, then among the built-in files.
document read_include(const document& from, const located& where, const std::string& path);

[[noreturn]] void fail_at(const located& v, const std::string& field, const std::string& message);

/// The key closest to `key` among `valid`, for "did you mean" hints, or "".
std::string closest_key(const std::string& key, const std::vector<std::string>& valid);

} // namespace dcplan::detail
