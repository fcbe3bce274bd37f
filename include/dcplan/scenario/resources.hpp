#pragma once
// Files of configs/ compiled into the binary (the default scenario and the catalog), so that
// dcplan works from any directory.
#include <string>
#include <vector>

namespace dcplan {

/// The text of a built-in file such as "default.yaml" or "catalog/systems.yaml", or nullptr.
const std::string* find_resource(const std::string& name);
/// The names of every built-in file.
std::vector<std::string> resource_names();

} // namespace dcplan
