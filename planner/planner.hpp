// The planner: (current, desired) -> Plan. Pure: it never connects to a database.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "planner/plan.hpp"
#include "schema/model.hpp"

namespace pgshift::planner {

// Live table sizes, read by the caller at plan time (reltuples, relation size), for hazard messages.
using TableStats = schema::TableStats;

// Thresholds for grading hazards by the live table (see Severity in plan.hpp).
struct HazardGrading {
  double small_rows = 10000;           // at most this many rows (and not busy): a note
  double large_rows = 1000000;         // at least this many rows (or large_bytes): large
  int64_t large_bytes = int64_t(1) << 30;
  double busy_writes_per_s = 50;       // written rows per second that make a table busy
};

// Per-table settings (pgshift.yaml `tables:`): a busy table may want smaller batches or a shorter
// lock timeout than the rest.
struct TableOverride {
  std::optional<int> batch_size;
  std::optional<int64_t> lock_timeout_ms;
  bool operator==(const TableOverride&) const = default;
};

struct PlanOptions {
  int batch_size = 10000;
  int64_t lock_timeout_ms = 500;
  int64_t statement_timeout_ms = 0;
  std::map<schema::QualifiedName, TableStats> table_stats;
  HazardGrading grading;
  // Applied to the steps that use the table: backfills over it take its batch size; steps locking it
  // take its lock timeout (the smallest one when a step uses several such tables).
  std::map<schema::QualifiedName, TableOverride> table_overrides;
  // pgroll-style version schemas (old, new), e.g. {"app_v41", "app_v42"}: every changed table is also
  // exposed as a view of its old shape in the first and of its new shape in the second, from the add
  // phase to the drop phase, so each application version picks its shape with search_path. With them
  // a column rename is a plain RENAME (no copy): each view keeps its own column names.
  std::optional<std::pair<std::string, std::string>> version_schemas;
  // Soft drop (docs/soft-drop.md): the drop phase moves dropped tables into schema pgshift_trash and
  // renames dropped columns to _pgshift_trash_<col>_<hash>, recording them in pgshift.trash; rollback
  // restores them with their data, `pgshift purge` removes them past retention.
  bool soft_drop = false;
  std::string soft_drop_retention = "7 days";  // a PostgreSQL interval (planner/soft_drop.hpp parse_retention)
};

// Computes the plan. Throws pgshift::Error for changes that cannot be planned (with the object named),
// or for a dependency cycle (the cycle in Graphviz DOT in the hint).
Plan make_plan(const schema::Database& current, const schema::Database& desired, const PlanOptions& options = {});
// The same, taking the models over (no copies: a caller that no longer needs them should move them in).
Plan make_plan(schema::Database&& current, schema::Database&& desired, const PlanOptions& options = {});

// SHA-256 over every field of the normalized model except hints and unmanaged notes (fingerprint.cpp).
std::string fingerprint(const schema::Database& db);
// The same, for a model already normalize()d (no copy).
std::string fingerprint_normalized(const schema::Database& db);

// The dependency graph of a plan's steps in Graphviz DOT (for `plan --format dot`).
std::string plan_to_dot(const schema::Database& current, const schema::Database& desired, const PlanOptions& options = {});

}  // namespace pgshift::planner
