// Helpers shared by the operation files: comment changes (make_step and prio are in planner/context.hpp).
#pragma once

#include <optional>
#include <string>

#include "planner/context.hpp"
#include "planner/ddl.hpp"
#include "planner/hazards.hpp"
#include "schema/sql_text.hpp"
#include "util/error.hpp"

namespace pgshift::planner::ops {

// A COMMENT ON step in the add phase when the comment differs. `what` is the SQL object designation.
void plan_comment(PlanContext& ctx, const std::string& what, const std::string& id_object, const std::string& display,
                  const std::optional<std::string>& current, const std::optional<std::string>& desired,
                  const std::string& use_key);

}  // namespace pgshift::planner::ops
