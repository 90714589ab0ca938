// What the files of the shadow column recipe share (shadow_column.hpp says what it does): the facts
// about one shadow column, computed once (collect.cpp), and the SQL more than one phase writes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "planner/context.hpp"
#include "planner/naming.hpp"

namespace pgshift::planner::recipes {

// Everything the steps of one shadow column need, computed once.
struct Shadow {
  schema::Table cur_t;  // the current table, before this pass changed it
  const schema::Table* des_t = nullptr;
  schema::Column cur, des;
  bool rename = false;  // the column changes its name (then the shadow column is the new column itself)
  std::string oc;       // the old column's name
  std::string dc;       // the desired name
  std::string shadow;   // where the new values live until the switch
  std::string old_after;  // where the old values live after the switch
  std::string fwd, back;  // conversions: old -> new in terms of the old row, new -> old in terms of dc
  bool assignment_only = false;  // fwd is the bare old column, converted by assignment (string types)
  std::string trigger, function;  // names (the function lives in the pgshift schema)
  std::string precheck;           // replaces the generic conversion precheck when set
  // Objects that reference the column, current (oc) and desired (dc).
  std::vector<schema::Index> cur_indexes, des_indexes;
  std::vector<schema::UniqueConstraint> cur_uniques, des_uniques;
  std::vector<schema::CheckConstraint> cur_checks, des_checks;
  std::vector<schema::ForeignKey> cur_fks, des_fks;
  // Foreign keys of other tables referencing the column: (table, fk).
  std::vector<std::pair<schema::QualifiedName, schema::ForeignKey>> cur_incoming, des_incoming;
  bool cur_pk = false, des_pk = false;
  std::vector<const schema::View*> views;      // current views over the table, dependents last
  std::vector<const schema::Sequence*> owned;  // sequences owned by the old column
  std::string id() const { return des_t->name.display() + "." + dc; }
  std::string object() const { return "column " + id(); }
  const schema::QualifiedName& table() const { return des_t->name; }
  // The helper check that makes SET NOT NULL of the shadow column skip its scan.
  std::string not_null_check() const { return naming::not_null_check(des_t->name.name, shadow); }
};

// collect.cpp
// The whole recipe for one column. `final_des` (default `des`) is what the column is once the
// migration is complete, when `des` is an intermediate form (an enum column typed with the replacement
// enum until the drop phase renames it); `precheck` replaces the generic conversion precheck.
void plan_shadow(PlanContext& ctx, schema::Database& current, schema::Table& cur_t, const schema::Table& des_t,
                 const schema::Column& cur, const schema::Column& des, const schema::Column* final_des,
                 const std::string& precheck);
// The index with every reference to `from` renamed to `to`.
schema::Index index_on(schema::Index idx, const std::string& from, const std::string& to);
// A nullable column `name` with the type and collation of `like` and nothing else.
schema::Column bare_column(const std::string& name, const schema::Column& like);
// The unique index behind a primary key or unique constraint over `columns`.
schema::Index key_index(const std::string& name, const std::vector<std::string>& columns, bool nulls_not_distinct);

// sync_trigger.cpp: the trigger function keeping old and new in step (both ways before the switch;
// after it, for a type change, only old <- new), its trigger, and the SQL dropping both.
std::string function_sql(const Shadow& s, bool after_switch);
std::string trigger_sql(const Shadow& s);
std::string drop_helpers_sql(const Shadow& s);

// One file per phase.
void emit_add(PlanContext& ctx, const Shadow& s);
void emit_backfill(PlanContext& ctx, const Shadow& s);
void emit_switch(PlanContext& ctx, const Shadow& s);
void emit_drop(PlanContext& ctx, const Shadow& s);

}  // namespace pgshift::planner::recipes
