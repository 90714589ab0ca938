// Declarations shared by the table operation files (table.cpp, column.cpp, constraint.cpp, index.cpp,
// trigger_policy.cpp). `cur` is the current table after renames have been applied to it.
#pragma once

#include <set>

#include "planner/ops/common.hpp"

namespace pgshift::planner::ops {

struct TablePair {
  const schema::Table* cur = nullptr;  // nullptr: the table is new
  const schema::Table& des;
};

// table.cpp
void create_table(PlanContext& ctx, const schema::Table& t);
void drop_table(PlanContext& ctx, const schema::Table& t);
std::string recreate_table_sql(const schema::Table& t);

// column.cpp
void plan_columns(PlanContext& ctx, const schema::Table& cur, const schema::Table& des);
// Pairs of (from, to) types PostgreSQL changes between without a rewrite or scan.
bool binary_coercible(const std::string& from, const std::string& to);
bool is_volatile(const schema::Expr& e, const schema::Database& db);

// constraint.cpp
void plan_constraints(PlanContext& ctx, const schema::Table* cur, const schema::Table& des);
void drop_constraints_of_dropped_table(PlanContext& ctx, const schema::Table& t);

// index.cpp
void plan_indexes(PlanContext& ctx, const schema::QualifiedName& table, const std::map<std::string, schema::Index>* cur,
                  const std::map<std::string, schema::Index>& des, bool table_is_new, bool partitioned);
void drop_index_step(PlanContext& ctx, const schema::QualifiedName& table, const schema::Index& idx);

// trigger_policy.cpp
void plan_triggers(PlanContext& ctx, const schema::Table* cur, const schema::Table& des);
// The triggers of a view (`cur` null: the view is new). Those of a dropped view go with it.
void plan_view_triggers(PlanContext& ctx, const schema::View* cur, const schema::View& des);
void plan_policies(PlanContext& ctx, const schema::Table* cur, const schema::Table& des);

}  // namespace pgshift::planner::ops
