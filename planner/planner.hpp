// The planner: (current, desired) -> Plan. Pure: it never connects to a database.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "planner/plan.hpp"
#include "schema/model.hpp"

namespace pgshift::planner {

// Live table sizes, read by the caller at plan time (reltuples, relation size), for hazard messages.
struct TableStats {
  double rows = 0;
  int64_t bytes = 0;
};

struct PlanOptions {
  int batch_size = 10000;
  int64_t lock_timeout_ms = 500;
  int64_t statement_timeout_ms = 0;
  std::map<schema::QualifiedName, TableStats> table_stats;
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
