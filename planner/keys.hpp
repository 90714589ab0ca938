// Graph keys: the names of objects and facts that steps create, drop and use, which are the edges of
// the dependency graph (graph.cpp orders a step that uses or drops a key after the steps that create
// it; a step that drops a key comes after the steps that use it). Every key string is made here, one
// function per kind; each line says who creates the key and who uses it.
#pragma once

#include <string>
#include <vector>

#include "schema/model.hpp"

namespace pgshift::planner::keys {

using schema::QualifiedName;

// "schema:s": created by create_schema (ops/schema_extension); used by every object created in it.
std::string schema(const std::string& name);
// "extension:e": created and dropped by ops/schema_extension; used by nothing else yet.
std::string extension(const std::string& name);
// "type:s.n" (enum, domain, composite): created by ops/types and the replacement enum of
// recipes/shadow_column; used by columns, functions and other types of that type (key_for_type_name).
std::string type(const QualifiedName& name);
// "sequence:s.n": created by ops/sequence; used by tables whose columns own or call it, its grants
// and comment.
std::string sequence(const QualifiedName& name);
// "table:s.t": created by create_table (ops/table) and rename_table (recipes/rename); used by every
// step on the table (columns, constraints, indexes, triggers, the shadow column steps).
std::string table(const QualifiedName& name);
// "column:s.t.c": created by create_table and add_column (ops/table, ops/column), rename_columns
// (recipes/rename) and the shadow column's add step; used by indexes, constraints and every step on
// the column.
std::string column(const QualifiedName& table, const std::string& column);
// "columns_of:s.t": created by create_table and by the steps that add columns; dropped by the steps
// that drop the table or a column; used by steps that read the table's column list (indexes,
// constraints, triggers, policies, views, version views).
std::string columns_of(const QualifiedName& table);
// "key:s.t(c1,c2)": created by a primary key or unique constraint, inline in create_table (ops/table)
// or added to an existing table (ops/constraint); used by the foreign keys that reference them.
std::string key(const QualifiedName& table, const std::vector<std::string>& columns);
// "constraint:s.t.n": created by checks and foreign keys added NOT VALID (ops/constraint); used by
// their VALIDATE step and their comment; dropped by drop_constraint.
std::string constraint(const QualifiedName& table, const std::string& name);
// "index:s.i": created by index builds (ops/index, recipes/concurrent_index callers, key indexes);
// used by swap_index, add_constraint ... USING INDEX and the index comment; dropped by drop_index.
std::string index(const std::string& schema, const std::string& name);
// "index_only:s.i": created by the ON ONLY parent index of a partitioned table (ops/index); used by
// each partition's concurrent build and the attach step.
std::string index_only(const std::string& schema, const std::string& name);
// "partition_index:s.i": created by each partition's concurrent build (ops/index); used by the
// attach step.
std::string partition_index(const std::string& schema, const std::string& name);
// "view:s.v": created by create_view (ops/view); used by views over it, materialized view indexes
// and the shadow column's switch (which recreates the views over the table).
std::string view(const QualifiedName& name);
// "function:s.name(args)": created by create_function (ops/function); used by triggers (with "()"
// args), grants and comments, and by soft drop and drop_table (trigger functions).
std::string function(const std::string& schema, const std::string& signature);
// "routine:s.name": every routine of that name, whatever its arguments; created along with
// "function:s.name(args)" (graph.cpp derives it); used by steps whose expressions call the routine
// (domain checks and defaults, table checks, column defaults and generated columns, index expressions).
std::string routine(const std::string& schema, const std::string& name);
// "trigger:s.t.n": created and dropped by ops/trigger_policy; used by the trigger's comment.
std::string trigger(const QualifiedName& table, const std::string& name);
// "policy:s.t.n": created and dropped by ops/trigger_policy; used by the policy's comment.
std::string policy(const QualifiedName& table, const std::string& name);
// "filled:s.t.c": created by a backfill (ops/column, recipes/shadow_column); used by the steps that
// need the column's values: NOT NULL checks, validations, shadow index builds and the switch.
std::string filled(const QualifiedName& table, const std::string& column);
// "shadow_ready:s.t.c": created by the shadow column's helper check validation and index builds;
// used by its switch.
std::string shadow_ready(const QualifiedName& table, const std::string& column);
// "switched:s.t.c": created by the shadow column's switch; used by the validation of the moved
// constraints.
std::string switched(const QualifiedName& table, const std::string& column);
// "not_null:s.t.c": created by set_not_null (recipes/not_null); used by a primary key or unique
// key over the column (ops/constraint).
std::string not_null(const QualifiedName& table, const std::string& column);
// "enum_label:s.e.label": created by ALTER TYPE ... ADD VALUE (ops/types); used by the next label
// added BEFORE or AFTER it.
std::string enum_label(const QualifiedName& type, const std::string& label);
// "version_views:s.t": created by the version schema views of a table (recipes/version_schemas);
// used by a rename of the table's columns in place (recipes/rename).
std::string version_views(const QualifiedName& table);

// The key of an object named by the catalog's dependency records (schema::Dependency): the same
// string the kind's own function above makes, "" for a kind no step creates or drops.
std::string of(const schema::ObjectRef& ref);
// "relation_name:s.n": tables, views, sequences, indexes and types share one namespace of names in
// a schema; the key of `key` (a table, view, sequence, index or type key) in it, "" for other keys. A
// step that creates one kind under a name runs after a step that drops another kind under it (graph.cpp).
std::string relation_name(const std::string& key);

}  // namespace pgshift::planner::keys
