#pragma once
// Reading MODEL.md "Schedules" from a scenario file: called by the loader (scenario_load.cpp).
#include <optional>
#include <string>
#include <vector>

#include "dcplan/scenario/scenario.hpp"
#include "yaml_doc.hpp"

namespace dcplan::detail {

/// Where the schedule-only fields of the systems and sites entries are written (one slot per
/// entry, in list order; empty where the entry has none), and each entry's path for messages.
struct schedule_entry_fields {
  std::vector<std::optional<located>> price_decline, cloud_price_decline; // per system
  std::vector<std::optional<located>> grid_mw_by_year;                    // per site
  std::vector<std::string> system_paths, site_paths; // "systems.ID", "sites.ID"
};

/// The keys a `list` entry may carry: `keys` plus the schedule-only ones of systems and sites.
std::vector<std::string> with_schedule_keys(const std::string& list, std::vector<std::string> keys);
/// Records where a systems entry (path "systems.ID") writes its schedule-only fields.
void note_schedule_system(schedule_entry_fields& f, const located* price_decline,
                          const located* cloud_price_decline, const std::string& path);
/// Records where a sites entry (path "sites.ID") writes grid_mw_by_year.
void note_schedule_site(schedule_entry_fields& f, const located* grid_mw_by_year,
                        const std::string& path);
/// The `target` block of `root`, or an empty mapping when a schedule stands in for it.
located target_or_empty(const located& root);

/// Reads the top-level `schedule` block of `root` into `sc.schedule` with the entries' fields,
/// and checks every rule of MODEL.md "Schedules" (no target, budget, uncertainty or reliability
/// with a schedule; objective tco or carbon; list lengths; ranges). Without a schedule block, an
/// entry's schedule-only field is an error. Throws input_error with file, line and column.
void read_schedule(const located& root, const schedule_entry_fields& fields, scenario& sc);

} // namespace dcplan::detail
