// Hazards, typed and named once: each constructor writes the message that names the object.
#pragma once

#include <string>

#include "planner/plan.hpp"

namespace pgshift::planner::hazards {

// `object` is a table's "schema.name" unless said otherwise: it is also the hazard's table.
Hazard access_exclusive(const std::string& object, const std::string& why);
Hazard share_lock(const std::string& object, const std::string& why);
Hazard table_rewrite(const std::string& table, const std::string& size_note);
Hazard full_table_scan(const std::string& table, const std::string& size_note);
Hazard index_build(const std::string& index, const std::string& table, const std::string& size_note);
Hazard long_backfill(const std::string& table, const std::string& size_note);
Hazard deletes_data(const std::string& what, const std::string& table = "");
Hazard backward_incompatible(const std::string& what);
Hazard irreversible(const std::string& what);

}  // namespace pgshift::planner::hazards
