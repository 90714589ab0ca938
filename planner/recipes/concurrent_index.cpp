// This file implements the concurrent index recipe (concurrent_index.hpp), used by new and changed
// indexes and partition indexes (ops/index), unique keys on existing tables (ops/constraint) and the
// shadow column's indexes (recipes/shadow_column).
#include "planner/recipes/concurrent_index.hpp"

#include <fmt/format.h>

#include "planner/ddl.hpp"
#include "planner/hazards.hpp"
#include "schema/sql_text.hpp"

namespace pgshift::planner::recipes {

std::string valid_index_exists_sql(const std::string& schema, const std::string& name) {
  return fmt::format(
      "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = {} AND c.relname = {} AND i.indisvalid)",
      schema::quote_literal(schema), schema::quote_literal(name));
}

std::string drop_index_concurrently_sql(const std::string& schema, const std::string& name) {
  return "DROP INDEX CONCURRENTLY IF EXISTS " + schema::qualified({schema, name});
}

PlannedStep& build_index_concurrently(PlanContext& ctx, Phase phase, int priority, const ConcurrentIndex& b) {
  std::string drop = drop_index_concurrently_sql(b.table.schema, b.name);
  Step s = make_step(b.id, '+', b.object, b.description, ddl::create_index(b.table, b.index, true, b.name), drop,
                     "SHARE UPDATE EXCLUSIVE on " + b.table.display());
  s.in_transaction = false;
  s.statement_timeout_ms = 0;
  s.done_check_sql = valid_index_exists_sql(b.table.schema, b.name);
  s.cleanup_sql = drop;
  s.hazards.push_back(hazards::index_build(b.name, b.table.display(), ctx.size_note(b.table)));
  return ctx.add(phase, priority, std::move(s));
}

}  // namespace pgshift::planner::recipes
