// Drift: how a live database differs from its desired schema, object by object, for `pgshift drift`.
// Pure: both sides are models; the cli introspects the database and reads the migration state.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "schema/model.hpp"

namespace pgshift::planner {

struct DriftOptions {
  // Glob patterns (* and ?) on qualified names; a match hides the difference and, for a table or view,
  // its children too. Names: "public.users" (schema objects), "public.users.email" (columns, constraints,
  // indexes, triggers, policies: schema.table.child), "public.add_tax(numeric, numeric)" (functions),
  // "pgcrypto" (extensions), "public" (schemas).
  std::vector<std::string> ignore_globs;
};

enum class DriftStatus {
  changed,  // in both, with different definitions
  extra,    // in the database, not in the desired schema (e.g. an index created by hand)
  missing,  // in the desired schema, not in the database
};
std::string_view drift_status_name(DriftStatus status);  // "changed" | "extra" | "missing"

struct DriftItem {
  DriftStatus status = DriftStatus::changed;
  std::string kind;      // "table", "column", "foreign key", "materialized view", "comment", "grant", ...
  std::string name;      // qualified, as matched by --ignore
  std::string what;      // for changed: the fields that differ, "type, default"; for comment/grant: "on column"
  std::string expected;  // short definition in the desired schema; "" when extra
  std::string actual;    // short definition in the database; "" when missing
  bool operator==(const DriftItem&) const = default;
};

// A migration between its first and last phase: its steps are differences the database is meant to have.
struct MigrationInFlight {
  int64_t id = 0;
  std::string last_phase;  // last completed phase, "" when none yet
  bool operator==(const MigrationInFlight&) const = default;
};

struct DriftReport {
  std::vector<DriftItem> items;  // in model order: extensions, then per schema by kind and name
  size_t ignored = 0;            // differences hidden by ignore_globs
  // Objects the database has that the model cannot express (from introspection), as notes.
  std::vector<std::string> notes;
  // Set by the caller; when set and not strict, the report carries no verdict.
  std::optional<MigrationInFlight> migration;
  bool strict = false;
  bool operator==(const DriftReport&) const = default;

  bool drifted() const { return !items.empty(); }
  // True when the report gives a verdict: no migration in flight, or --strict.
  bool has_verdict() const { return !migration || strict; }
};

// Compares `actual` (introspected) with `desired` (loaded YAML), both with hints stripped and
// normalized. Grants and default privileges are compared only for desired.managed_roles.
DriftReport compute_drift(const schema::Database& actual, const schema::Database& desired,
                          const DriftOptions& options = {});

// Its renderers (text, JSON, markdown) are in planner/report/render.hpp.

}  // namespace pgshift::planner
