#include "yaml_doc.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "dcplan/scenario/resources.hpp"

namespace dcplan::detail {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxFileBytes = 64u << 20; // a scenario is text; this guards memory
constexpr int kMaxDepth = 32;                    // nesting deeper than any schema needs

void check_text(const std::string& text, const std::string& name) {
  if (text.find('\0') != std::string::npos)
    throw input_error(name, 0, 0, "", "this is a binary file, not a YAML scenario");
  // Invalid UTF-8 is binary data too; report the line it is on.
  int line = 1;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (extra < 0 || i + extra >= text.size())
      throw input_error(name, line, 1, "", "the file is not UTF-8 text (binary data?)");
    for (int k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 2)
        throw input_error(name, line, 1, "", "the file is not UTF-8 text (binary data?)");
    }
    if (c == '\n') ++line;
    i += 1 + extra;
  }
}

void check_node(const located& v, int depth) {
  if (depth > kMaxDepth) fail_at(v, "", "nesting is deeper than any scenario field allows");
  if (v.node.IsMap()) {
    std::set<std::string> seen;
    for (auto it = v.node.begin(); it != v.node.end(); ++it) {
      located key{it->first, v.file};
      if (!it->first.IsScalar()) fail_at(key, "", "a key must be a plain name");
      const std::string k = it->first.Scalar();
      if (!seen.insert(k).second) fail_at(key, k, "duplicate key '" + k + "'");
      check_node(located{it->second, v.file}, depth + 1);
    }
  } else if (v.node.IsSequence()) {
    for (auto it = v.node.begin(); it != v.node.end(); ++it)
      check_node(located{*it, v.file}, depth + 1);
  }
}

} // namespace

void fail_at(const located& v, const std::string& field, const std::string& message) {
  const std::string file = v.file ? *v.file : std::string("<input>");
  const bool has_mark = v.node.IsDefined() && v.node.Mark().line >= 0;
  throw input_error(file, has_mark ? v.line() : 0, has_mark ? v.column() : 0, field, message);
}

document parse_document(const std::string& text, const std::string& name,
                        const std::string& base_dir, bool builtin) {
  if (text.size() > kMaxFileBytes)
    throw input_error(name, 0, 0, "", "the file is larger than 64 MiB; a scenario is far smaller");
  check_text(text, name);
  document d;
  d.root.file = std::make_shared<const std::string>(name);
  d.base_dir = base_dir;
  d.builtin = builtin;
  try {
    d.root.node = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw input_error(name, e.mark.line + 1, e.mark.column + 1, "", "YAML syntax error: " + e.msg);
  }
  if (!d.root.node.IsDefined() || d.root.node.IsNull())
    throw input_error(name, 1, 1, "", "the file is empty; a scenario is a YAML mapping");
  if (!d.root.node.IsMap()) fail_at(d.root, "", "a scenario must be a YAML mapping of fields");
  check_node(d.root, 0);
  return d;
}

document read_document(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw input_error(path, 0, 0, "", "is a directory, not a scenario file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path, 0, 0, "", "cannot read the file (missing or unreadable)");
  // Read at most one byte past the limit: a device such as /dev/zero or a pipe never ends.
  std::string text;
  char buf[1 << 16];
  while (text.size() <= kMaxFileBytes && in.read(buf, sizeof buf).gcount() > 0)
    text.append(buf, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw input_error(path, 0, 0, "", "cannot read the file");
  fs::path p(path);
  return parse_document(text, path, p.parent_path().string(), false);
}

document read_include(const document& from, const located& where, const std::string& path) {
  if (path.empty()) fail_at(where, "include", "an include path is empty");
  if (!from.builtin) {
    fs::path p(path);
    if (p.is_relative()) p = fs::path(from.base_dir.empty() ? "." : from.base_dir) / p;
    std::error_code ec;
    if (fs::exists(p, ec)) return read_document(p.lexically_normal().string());
  }
  // Built-in files: "catalog/x.yaml" (also written "configs/catalog/x.yaml").
  std::string rel = fs::path(path).lexically_normal().generic_string();
  if (from.builtin && !from.base_dir.empty())
    rel = (fs::path(from.base_dir) / rel).lexically_normal().generic_string();
  if (rel.rfind("configs/", 0) == 0) rel = rel.substr(8);
  if (const std::string* text = find_resource(rel)) {
    fs::path dir = fs::path(rel).parent_path();
    return parse_document(*text, "<built-in>/" + rel, dir.generic_string(), true);
  }
  std::string valid;
  for (const auto& n : resource_names())
    if (n.rfind("catalog/", 0) == 0) valid += (valid.empty() ? "" : ", ") + n;
  fail_at(where, "include",
          "cannot find '" + path + "' next to the scenario nor among the built-in files (" + valid +
              ")");
}

std::string closest_key(const std::string& key, const std::vector<std::string>& valid) {
  std::string best;
  std::size_t best_d = 3; // suggest only close misspellings
  for (const auto& v : valid) {
    std::vector<std::size_t> prev(v.size() + 1), cur(v.size() + 1);
    for (std::size_t j = 0; j <= v.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= key.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= v.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (key[i - 1] != v[j - 1])});
      prev.swap(cur);
    }
    if (prev[v.size()] < best_d) {
      best_d = prev[v.size()];
      best = v;
    }
  }
  return best;
}

} // namespace dcplan::detail
