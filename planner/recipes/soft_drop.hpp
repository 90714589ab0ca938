// The soft drop recipe (soft_drop.cpp; PlanOptions::soft_drop, docs/soft-drop.md). Names shared with
// the executor and the cli are in planner/soft_drop.hpp.
#pragma once

#include "planner/context.hpp"

namespace pgshift::planner::recipes {

// With options.soft_drop, the drop step of a table or column that keeps its data in the trash
// (true), or false after a note saying why it must be dropped for real.
bool soft_drop_table(PlanContext& ctx, const schema::Table& t);
bool soft_drop_column(PlanContext& ctx, const schema::Table& t, const schema::Column& c);
// True when soft_drop_table keeps `t` (its owned sequences then go into the trash with it).
bool keeps_table(const PlanContext& ctx, const schema::Table& t);

}  // namespace pgshift::planner::recipes
