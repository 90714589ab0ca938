// This file implements the renames pass: `renamed_from` hints of tables, columns, indexes and
// constraints. Tables first (recipes/rename); then columns that can keep both names working go
// through a shadow column (recipes/shadow_column) or, with version schemas, stay a plain rename
// behind the views (recipes/version_schemas); the rest are renamed in place (recipes/rename).
#include "planner/context.hpp"
#include "planner/recipes/rename.hpp"
#include "planner/recipes/version_schemas.hpp"

namespace pgshift::planner {

void plan_renames(PlanContext& ctx, schema::Database& cur) {
  for (const auto& [sn, s] : ctx.desired.schemas) {
    for (const auto& [tn, t] : s.tables) {
      if (t.renamed_from) recipes::rename_table(ctx, cur, t);
    }
  }
  // Renamed columns that can keep both names working go the expand/contract way (or, with version
  // schemas, stay a plain rename behind the views); the rest are renamed in place.
  const schema::Database before = ctx.options.version_schemas ? cur : schema::Database{};
  plan_shadow_columns(ctx, cur);
  for (const auto& [sn, s] : ctx.desired.schemas) {
    for (const auto& [tn, t] : s.tables) {
      schema::Table* ct = cur.find_table(t.name);
      if (!ct) continue;
      recipes::rename_columns(ctx, cur, *ct, t);
      recipes::rename_indexes_and_constraints(ctx, *ct, t);
    }
  }
  recipes::plan_version_schemas(ctx, before);
}

}  // namespace pgshift::planner
