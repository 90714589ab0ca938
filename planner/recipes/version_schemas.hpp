// The version schemas recipe (version_schemas.cpp; PlanOptions::version_schemas).
#pragma once

#include "planner/context.hpp"

namespace pgshift::planner::recipes {

// The views of the old and new shapes of every changed table, from add to drop. `before` is the
// current model after table renames, before column renames and shadow columns.
void plan_version_schemas(PlanContext& ctx, const schema::Database& before);

}  // namespace pgshift::planner::recipes
