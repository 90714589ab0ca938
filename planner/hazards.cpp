#include "planner/hazards.hpp"

namespace pgshift::planner::hazards {

Hazard access_exclusive(const std::string& object, const std::string& why) {
  return {HazardKind::access_exclusive_lock, "takes an ACCESS EXCLUSIVE lock on " + object + " " + why, Severity::warning, object};
}
Hazard share_lock(const std::string& object, const std::string& why) {
  return {HazardKind::share_lock, "blocks writes to " + object + " " + why, Severity::warning, object};
}
Hazard table_rewrite(const std::string& table, const std::string& size_note) {
  return {HazardKind::table_rewrite, "rewrites " + table + size_note + " under an ACCESS EXCLUSIVE lock", Severity::warning, table};
}
Hazard full_table_scan(const std::string& table, const std::string& size_note) {
  return {HazardKind::full_table_scan, "scans all of " + table + size_note, Severity::warning, table};
}
Hazard index_build(const std::string& index, const std::string& table, const std::string& size_note) {
  return {HazardKind::index_build, "builds index " + index + " on " + table + size_note + " (concurrently, no write block)",
          Severity::warning, table};
}
Hazard long_backfill(const std::string& table, const std::string& size_note) {
  return {HazardKind::long_backfill, "updates every row of " + table + size_note + " in batches", Severity::warning, table};
}
Hazard deletes_data(const std::string& what, const std::string& table) {
  return {HazardKind::deletes_data, what, Severity::warning, table};
}
Hazard backward_incompatible(const std::string& what) { return {HazardKind::backward_incompatible, what}; }
Hazard irreversible(const std::string& what) { return {HazardKind::irreversible, what}; }

}  // namespace pgshift::planner::hazards
