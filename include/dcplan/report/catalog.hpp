#pragma once
// `dcplan catalog`: the lists of a scenario (normally the built-in catalog) with every field and
// its source, as JSON or as tables of key figures.
#include <string>

#include <nlohmann/json.hpp>

#include "dcplan/scenario/scenario.hpp"

namespace dcplan {

/// {"accelerators": [...], "systems": [...], "sites": [...], "cooling": [...], "fabrics": [...]},
/// or only `list` when it names one of them.
nlohmann::ordered_json catalog_json(const scenario& sc, const std::string& list = "");
/// Tables of key figures and the source of each entry, for one list or all.
std::string catalog_table(const scenario& sc, const std::string& list = "");

} // namespace dcplan
