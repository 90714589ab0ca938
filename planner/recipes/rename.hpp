// The rename recipe (rename.cpp): renames from `renamed_from` hints made in place, applied to the
// current model `cur` as they are planned so that the other passes diff the renamed objects.
#pragma once

#include "planner/context.hpp"

namespace pgshift::planner::recipes {

// A renamed table: RENAME in add, with a view under the old name until the drop phase.
void rename_table(PlanContext& ctx, schema::Database& cur, const schema::Table& des);
// The columns of `des` renamed in place (those left after the shadow columns): RENAME COLUMN in add;
// references in `db` (indexes, constraints, views) follow the new name.
void rename_columns(PlanContext& ctx, schema::Database& db, schema::Table& cur, const schema::Table& des);
// Renamed indexes, unique constraints, checks and foreign keys of `des`: ALTER INDEX / RENAME
// CONSTRAINT in add.
void rename_indexes_and_constraints(PlanContext& ctx, schema::Table& cur, const schema::Table& des);

}  // namespace pgshift::planner::recipes
