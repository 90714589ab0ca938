// Privileges shared with other passes: the statements that make a freshly created object's grants
// exactly the desired ones (a new object starts from PostgreSQL's built-in default ACL plus the
// default privileges of ALTER DEFAULT PRIVILEGES, not from nothing).
#pragma once

#include <string>
#include <vector>

#include "planner/context.hpp"

namespace pgshift::planner::ops {

// What a newly created object's ACL is made from: `object_type` as in ALTER DEFAULT PRIVILEGES
// ("tables" for tables and views, "sequences", "functions", "types", "schemas").
struct NewObject {
  std::string object_sql;   // "TABLE \"s\".\"t\"", "FUNCTION \"s\".\"f\"(integer)", ...
  std::string object_type;  // tables | sequences | functions | types | schemas
  std::string schema;       // the object's schema; for a schema, its own name
};

// Forward and reverse SQL (revokes before grants) taking a just-created object from the ACL it was
// created with to `desired`, for the managed roles of ctx.desired. Empty when nothing is to change.
// For a routine that is dropped and recreated (planner/ops/function.cpp's replace step): append
// `forward` after its CREATE with the desired grants, and the same call with the current grants
// after the reverse's CREATE.
struct GrantSql {
  std::vector<std::string> forward, reverse;
};
GrantSql new_object_grant_sql(const PlanContext& ctx, const NewObject& object, const std::vector<schema::Grant>& desired);

}  // namespace pgshift::planner::ops
