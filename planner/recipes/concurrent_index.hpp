// The concurrent index recipe (concurrent_index.cpp): CREATE INDEX CONCURRENTLY outside a transaction,
// resumable. One step, in the phase the caller names:
//   build     CREATE [UNIQUE] INDEX CONCURRENTLY under SHARE UPDATE EXCLUSIVE (writes go on), with no
//             statement timeout and an INDEX_BUILD hazard graded by the table's size;
//             done_check_sql = the index exists and is valid (a resumed apply skips the build);
//             cleanup_sql = DROP INDEX CONCURRENTLY IF EXISTS (the invalid index a failed build
//             leaves), which is also the reverse.
#pragma once

#include <string>

#include "planner/context.hpp"

namespace pgshift::planner::recipes {

struct ConcurrentIndex {
  schema::QualifiedName table;
  const schema::Index& index;  // its definition; built under `name`
  std::string name;
  std::string id, object, description;  // the step's
};

// Adds the build step; the caller adds the edges (keys) it needs.
PlannedStep& build_index_concurrently(PlanContext& ctx, Phase phase, int priority, const ConcurrentIndex& build);

// SELECT EXISTS (a valid index `name` in `schema`): the done check of a concurrent build.
std::string valid_index_exists_sql(const std::string& schema, const std::string& name);
// DROP INDEX CONCURRENTLY IF EXISTS "schema"."name".
std::string drop_index_concurrently_sql(const std::string& schema, const std::string& name);

}  // namespace pgshift::planner::recipes
