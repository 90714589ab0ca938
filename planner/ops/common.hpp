// Helpers shared by the operation files: comment changes (make_step and prio are in planner/context.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

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

// trigger_policy.cpp. DROP VIEW takes a view's triggers with it: a step that drops and recreates view
// `cur` in one transaction calls this right after recreating it, in its forward and in its reverse.
// Appends CREATE TRIGGER (and COMMENT ON TRIGGER) statements for the triggers of `cur`; with `des`
// (the desired view, for a recreate after the add phase), desired's version of each trigger replaces
// the current one and desired's new triggers are added.
void recreate_view_triggers(std::vector<std::string>& sql, const schema::View& cur, const schema::View* des = nullptr);
// COMMENT ON TRIGGER name ON rel IS ... (or IS NULL).
std::string trigger_comment_sql(const schema::QualifiedName& rel, const schema::Trigger& tr);

}  // namespace pgshift::planner::ops
