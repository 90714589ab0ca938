// This file implements soft drop (PlanOptions::soft_drop, docs/soft-drop.md): in the drop phase a
// dropped table moves into schema pgshift_trash under a unique name, and a dropped column is renamed
// to _pgshift_trash_<col>_<hash> after losing its NOT NULL and default, so that new code never meets
// it. Each step records what it trashed in pgshift.trash (created by the executor's ensure_state) in
// its own transaction, and its reverse restores the object with its data. Objects that cannot be
// kept safely (partitions, identity and sequence-backed columns, columns of a type the plan drops)
// are dropped for real, with a note saying why.
//   drop    a table: RENAME to its trash name, SET SCHEMA pgshift_trash, recorded in pgshift.trash;
//           a column: DROP DEFAULT, DROP NOT NULL, RENAME to _pgshift_trash_<col>_<hash>, recorded;
//           each reverse puts the object back with its data.
#include <fmt/format.h>

#include "planner/naming.hpp"
#include "planner/ddl.hpp"
#include "planner/hazards.hpp"
#include "planner/recipes/soft_drop.hpp"
#include "schema/expr.hpp"
#include "schema/sql_text.hpp"
#include "planner/soft_drop.hpp"
#include "util/strings.hpp"

namespace pgshift::planner::recipes {

using schema::qualified;
using schema::quote_ident;
using schema::quote_literal;

namespace {

std::string lit(std::string_view s) { return quote_literal(s); }

// A type the column uses that the plan drops or rebuilds: the trashed object would keep it alive.
bool type_goes_away(const PlanContext& ctx, const std::string& type) {
  std::string cur = key_for_type_name(type, ctx.current);
  if (cur.empty()) return false;
  if (key_for_type_name(type, ctx.desired) != cur) return true;
  for (const auto& [sn, s] : ctx.current.schemas) {
    for (const auto& [en, e] : s.enums) {
      if (keys::type(e.name) != cur) continue;
      const auto ds = ctx.desired.schemas.find(sn);
      if (ds == ctx.desired.schemas.end() || !ds->second.enums.count(en)) return true;
      if (enum_needs_rebuild(e, ds->second.enums.at(en))) return true;
    }
  }
  return false;
}

std::string table_reason(const PlanContext& ctx, const schema::Table& t) {
  if (t.partition_of || t.partition_by) return "partitions and partitioned tables are not soft-dropped";
  for (const auto& c : t.columns) {
    if (type_goes_away(ctx, c.type)) return "its column " + c.name + " has type " + c.type + ", which the plan drops or rebuilds";
  }
  return "";
}

std::string column_reason(const PlanContext& ctx, const schema::Table& t, const schema::Column& c) {
  if (t.partition_of || t.partition_by) return "columns of partitioned tables are not soft-dropped";
  if (c.identity) return "an identity column keeps its sequence only while it is an identity";
  if (c.default_value && c.default_value->canonical.find("nextval(") != std::string::npos) {
    return "its default draws from a sequence";
  }
  if (type_goes_away(ctx, c.type)) return "its type " + c.type + " is dropped or rebuilt by the plan";
  return "";
}

// INSERT of the pgshift.trash row, in the step's transaction; `bytes` is an SQL expression.
std::string record_sql(std::string_view kind, const schema::QualifiedName& t, const std::string& column,
                       const std::string& trashed, const std::string& bytes, const std::string& retention) {
  return fmt::format(
      "INSERT INTO pgshift.trash (migration_id, kind, table_schema, table_name, column_name, trashed_name, retain_until, bytes) "
      "SELECT (SELECT max(id) FROM pgshift.migrations WHERE status IN ('in_progress', 'failed')), {}, {}, {}, {}, {}, "
      "clock_timestamp() + interval {}, {}",
      lit(kind), lit(t.schema), lit(t.name), column.empty() ? "NULL" : lit(column), lit(trashed), lit(retention), bytes);
}

std::string forget_sql(std::string_view kind, const schema::QualifiedName& t, const std::string& trashed) {
  return fmt::format("DELETE FROM pgshift.trash WHERE kind = {} AND table_schema = {} AND table_name = {} AND trashed_name = {}",
                     lit(kind), lit(t.schema), lit(t.name), lit(trashed));
}

void add_table_keys(PlanContext& ctx, PlannedStep& ps, const schema::Table& t) {
  ps.drops.insert(keys::table(t.name));
  ps.drops.insert(keys::columns_of(t.name));
  for (const auto& c : t.columns) ps.drops.insert(keys::column(t.name, c.name));
  ps.uses.insert(keys::schema(t.name.schema));
  for (const auto& [n, fk] : t.foreign_keys) ps.uses.insert(keys::table(fk.ref_table));
  for (const auto& c : t.columns) {
    std::string k = key_for_type_name(c.type, ctx.current);
    if (!k.empty()) ps.uses.insert(k);
  }
  for (const auto& [n, tr] : t.triggers) ps.uses.insert(keys::function(tr.function.schema, tr.function.name + "()"));
  for (const auto& k : sequences_used(ctx.current, t)) ps.uses.insert(k);
}

}  // namespace

bool keeps_table(const PlanContext& ctx, const schema::Table& t) {
  return ctx.options.soft_drop && table_reason(ctx, t).empty();
}

bool soft_drop_table(PlanContext& ctx, const schema::Table& t) {
  if (!ctx.options.soft_drop) return false;
  if (std::string why = table_reason(ctx, t); !why.empty()) {
    ctx.notes.push_back(fmt::format("soft drop: table {} is dropped for real: {}", t.name.display(), why));
    return false;
  }
  std::string trashed = naming::trash_table(t.name.schema, t.name.name, ddl::create_table(t));
  schema::QualifiedName in_trash{std::string(k_trash_schema), trashed};
  std::vector<std::string> fwd{"CREATE SCHEMA IF NOT EXISTS " + quote_ident(k_trash_schema)};
  std::vector<std::string> rev{forget_sql("table", t.name, trashed),
                               "ALTER TABLE " + qualified(in_trash) + " SET SCHEMA " + quote_ident(t.name.schema),
                               "ALTER TABLE " + qualified({t.name.schema, trashed}) + " RENAME TO " + quote_ident(t.name.name)};
  // Its triggers and its foreign keys to other tables would keep acting on live objects (functions the
  // plan drops, rows of referenced tables): they go, and the reverse puts them back.
  for (const auto& [n, tr] : t.triggers) {
    fwd.push_back(ddl::drop_trigger(t.name, n));
    rev.push_back(ddl::create_trigger(t.name, tr));
  }
  for (const auto& [n, fk] : t.foreign_keys) {
    fwd.push_back(ddl::drop_constraint(t.name, n));
    rev.push_back(ddl::add_constraint(t.name, n, ddl::foreign_key_clause(fk)));
  }
  fwd.push_back("ALTER TABLE " + qualified(t.name) + " RENAME TO " + quote_ident(trashed));
  fwd.push_back("ALTER TABLE " + qualified({t.name.schema, trashed}) + " SET SCHEMA " + quote_ident(k_trash_schema));
  fwd.push_back(record_sql("table", t.name, "", trashed, "pg_total_relation_size(" + lit(qualified(in_trash)) + ")",
                           ctx.options.soft_drop_retention));
  auto& ps = ctx.add(Phase::drop, prio::drop_table,
                     make_step("drop_table:" + t.name.display(), '-', "table " + t.name.display(),
                               "soft drop: moves the table, its rows, indexes and owned sequences into " +
                                   std::string(k_trash_schema) + "." + trashed + " (kept " + ctx.options.soft_drop_retention +
                                   "; rollback restores it, `pgshift purge` frees the space); no data is deleted",
                               util::join(fwd, ";\n"), util::join(rev, ";\n"), "ACCESS EXCLUSIVE on " + t.name.display() + " (brief, catalog only)"));
  add_table_keys(ctx, ps, t);
  return true;
}

bool soft_drop_column(PlanContext& ctx, const schema::Table& t, const schema::Column& c) {
  if (!ctx.options.soft_drop) return false;
  std::string id = t.name.display() + "." + c.name;
  if (std::string why = column_reason(ctx, t, c); !why.empty()) {
    ctx.notes.push_back(fmt::format("soft drop: column {} is dropped for real: {}", id, why));
    return false;
  }
  std::string trashed = naming::trash_column(c.name, ddl::add_column(t.name, c));
  std::string alter = "ALTER TABLE " + qualified(t.name);
  std::vector<std::string> fwd, rev{forget_sql("column", t.name, trashed),
                                    alter + " RENAME COLUMN " + quote_ident(trashed) + " TO " + quote_ident(c.name)};
  // Without NOT NULL and default, inserts by code that no longer names the column keep working.
  if (c.default_value && !c.generated) {
    fwd.push_back(alter + " ALTER COLUMN " + quote_ident(c.name) + " DROP DEFAULT");
    rev.push_back(alter + " ALTER COLUMN " + quote_ident(c.name) + " SET DEFAULT " + schema::default_sql(*c.default_value));
  }
  if (!c.nullable) {
    fwd.push_back(alter + " ALTER COLUMN " + quote_ident(c.name) + " DROP NOT NULL");
    // A rollback: rows inserted meanwhile without the column make this fail (23502) rather than
    // inventing values; fill them, then run rollback again.
    rev.push_back(alter + " ALTER COLUMN " + quote_ident(c.name) + " SET NOT NULL");
  }
  fwd.push_back(alter + " RENAME COLUMN " + quote_ident(c.name) + " TO " + quote_ident(trashed));
  // The size is an estimate from the statistics (avg_width x rows): no scan under the lock.
  std::string bytes = fmt::format(
      "(SELECT (coalesce((SELECT avg_width FROM pg_catalog.pg_stats WHERE schemaname = {} AND tablename = {} AND attname = {}), 0) "
      "* greatest(c.reltuples, 0))::bigint FROM pg_catalog.pg_class c WHERE c.oid = {}::regclass)",
      lit(t.name.schema), lit(t.name.name), lit(trashed), lit(qualified(t.name)));
  fwd.push_back(record_sql("column", t.name, c.name, trashed, bytes, ctx.options.soft_drop_retention));
  auto& ps = ctx.add(Phase::drop, prio::drop_column,
                     make_step("drop_column:" + id, '-', "column " + id,
                               "soft drop: renames the column to " + trashed +
                                   " without NOT NULL or default, keeping its values (kept " + ctx.options.soft_drop_retention +
                                   "; rollback restores it, `pgshift purge` frees the space); no data is deleted",
                               util::join(fwd, ";\n"), util::join(rev, ";\n"), "ACCESS EXCLUSIVE on " + t.name.display() + " (brief, catalog only)"));
  ps.drops.insert(keys::column(t.name, c.name));
  ps.drops.insert(keys::columns_of(t.name));
  ps.uses.insert(keys::table(t.name));
  return true;
}

}  // namespace pgshift::planner::recipes
