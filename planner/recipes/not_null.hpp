// The NOT NULL recipe (not_null.cpp): SET NOT NULL on an existing column without a long scan under
// ACCESS EXCLUSIVE, through a helper check:
//   add       CHECK (col IS NOT NULL) NOT VALID: new rows are checked, no scan (with `after_fill`,
//             in the backfill phase right after the column's backfill instead);
//   backfill  VALIDATE CONSTRAINT: scans without blocking writes;
//   switch    SET NOT NULL: PostgreSQL uses the validated check and skips the scan;
//   drop      the helper check goes.
#pragma once

#include <string>

#include "planner/context.hpp"

namespace pgshift::planner::recipes {

void set_not_null(PlanContext& ctx, const schema::Table& t, const std::string& column, bool after_fill = false);

}  // namespace pgshift::planner::recipes
