// Helpers shared by the operation files: building steps and comment changes.
#pragma once

#include <optional>
#include <string>

#include "planner/context.hpp"
#include "planner/ddl.hpp"
#include "planner/hazards.hpp"
#include "schema/sql_text.hpp"
#include "util/error.hpp"

namespace pgshift::planner::ops {

// Priorities within a phase (lower first), where the dependency graph leaves a choice.
namespace prio {
inline constexpr int schema = 0, extension = 2, type = 5, enum_value = 6, sequence = 8, function = 10, table = 20,
                     column = 22, column_alter = 24, key_index = 28, key = 30, index = 32, check = 34, foreign_key = 36,
                     sequence_owner = 38, view = 40, trigger = 50, policy = 55, comment = 60, grant = 65;
inline constexpr int backfill = 10, validate = 20;
inline constexpr int set_not_null = 10, switch_key = 15, swap = 20;
inline constexpr int drop_view = 10, drop_trigger = 20, drop_policy = 22, drop_fk = 30, drop_constraint = 40,
                     drop_index = 50, drop_column = 60, drop_table = 70, drop_function = 80, drop_sequence = 85,
                     drop_type = 90, drop_schema = 95, drop_extension = 97;
}  // namespace prio

Step make_step(std::string id, char change, std::string object, std::string description, std::string forward,
               std::optional<std::string> reverse, std::string lock);

// A COMMENT ON step in the add phase when the comment differs. `what` is the SQL object designation.
void plan_comment(PlanContext& ctx, const std::string& what, const std::string& id_object, const std::string& display,
                  const std::optional<std::string>& current, const std::optional<std::string>& desired,
                  const std::string& use_key);

}  // namespace pgshift::planner::ops
