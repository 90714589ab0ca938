// This file implements indexes: CREATE INDEX CONCURRENTLY on existing tables (plain CREATE INDEX on
// new ones), DROP INDEX CONCURRENTLY, and a changed index built under a temporary name, swapped in by
// rename, the old one dropped in the drop phase. Partitioned parents cannot build concurrently; their
// index is built ON ONLY the parent, then per partition concurrently and attached.
#include <fmt/format.h>

#include "planner/naming.hpp"
#include "planner/ops/table_ops.hpp"
#include "util/strings.hpp"

namespace pgshift::planner::ops {

using schema::qualified;
using schema::quote_ident;

namespace {

std::string index_exists_sql(const std::string& schema_name, const std::string& index) {
  return fmt::format(
      "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = {} AND c.relname = {} AND i.indisvalid)",
      schema::quote_literal(schema_name), schema::quote_literal(index));
}

std::string drop_if_exists(const std::string& schema_name, const std::string& name) {
  return "DROP INDEX CONCURRENTLY IF EXISTS " + qualified({schema_name, name});
}

std::vector<std::string> index_columns_used(const schema::Index& idx) {
  std::vector<std::string> out;
  for (const auto& e : idx.elems) {
    if (e.column) out.push_back(*e.column);
  }
  for (const auto& c : idx.include) out.push_back(c);
  return out;
}

PlannedStep& build_index(PlanContext& ctx, const schema::QualifiedName& table, const schema::Index& idx, const std::string& name,
                         bool table_is_new, bool partitioned, const std::string& id_prefix) {
  std::string id = table.schema + "." + name;
  Step s;
  if (table_is_new || partitioned) {
    s = make_step(id_prefix + id, '+', "index " + id,
                  table_is_new ? "creates the index on the new table" : "creates the index on the partitioned table and its partitions",
                  ddl::create_index(table, idx, false, name), ddl::drop_index(table.schema, name, false),
                  table_is_new ? "none (new table)" : "SHARE on " + table.display() + " and its partitions");
    if (!table_is_new) s.hazards.push_back(hazards::share_lock(table.display(), "while the index builds (partitioned tables cannot build concurrently)"));
  } else {
    s = make_step(id_prefix + id, '+', "index " + id, "builds the index concurrently (no write block)",
                  ddl::create_index(table, idx, true, name), drop_if_exists(table.schema, name),
                  "SHARE UPDATE EXCLUSIVE on " + table.display());
    s.in_transaction = false;
    s.statement_timeout_ms = 0;
    s.done_check_sql = index_exists_sql(table.schema, name);
    s.cleanup_sql = drop_if_exists(table.schema, name);
    s.hazards.push_back(hazards::index_build(name, table.display(), ctx.size_note(table)));
  }
  auto& ps = ctx.add(Phase::add, prio::index, std::move(s));
  ps.uses.insert(key_table(table));
  ps.uses.insert(key_view(table));  // materialized view indexes
  ps.uses.insert("columns_of:" + table.display());
  for (const auto& c : index_columns_used(idx)) ps.uses.insert(key_column(table, c));
  ps.creates.insert("index:" + id);
  return ps;
}

}  // namespace

void drop_index_step(PlanContext& ctx, const schema::QualifiedName& table, const schema::Index& idx) {
  std::string id = table.schema + "." + idx.name;
  const schema::Table* t = ctx.current.find_table(table);
  bool partitioned = t && t->partition_by;
  Step s = make_step("drop_index:" + id, '-', "index " + id, "drops the index",
                     ddl::drop_index(table.schema, idx.name, !partitioned), ddl::create_index(table, idx, !partitioned),
                     partitioned ? "ACCESS EXCLUSIVE on " + table.display() : "SHARE UPDATE EXCLUSIVE on " + table.display());
  if (!partitioned) {
    s.in_transaction = false;
    s.statement_timeout_ms = 0;
    s.done_check_sql = fmt::format("SELECT to_regclass({}) IS NULL", schema::quote_literal(qualified({table.schema, idx.name})));
  }
  auto& ps = ctx.add(Phase::drop, prio::drop_index, std::move(s));
  ps.drops.insert("index:" + id);
  ps.uses.insert(key_table(table));
  for (const auto& c : index_columns_used(idx)) ps.uses.insert(key_column(table, c));
}

void plan_indexes(PlanContext& ctx, const schema::QualifiedName& table, const std::map<std::string, schema::Index>* cur,
                  const std::map<std::string, schema::Index>& des, bool table_is_new, bool partitioned) {
  auto strip = [](schema::Index i) {
    i.comment.reset();
    i.renamed_from.reset();
    return i;
  };
  for (const auto& [n, idx] : des) {
    const schema::Index* old = cur && cur->count(n) ? &cur->at(n) : nullptr;
    std::string id = table.schema + "." + n;
    if (!old) {
      build_index(ctx, table, idx, n, table_is_new, partitioned, "create_index:");
    } else if (!(strip(*old) == strip(idx))) {
      // Build the new definition aside, swap names in one brief transaction, drop the old one later.
      std::string tmp = naming::new_index(n), aside = naming::old_index(n);
      build_index(ctx, table, idx, tmp, false, partitioned, "build_index:");
      auto rename = [&](const std::string& from, const std::string& to) {
        return fmt::format("ALTER INDEX {} RENAME TO {}", qualified({table.schema, from}), quote_ident(to));
      };
      auto& sw = ctx.add(Phase::switch_over, prio::swap,
                         make_step("swap_index:" + id, '~', "index " + id, "puts the new definition in place by renaming",
                                   rename(n, aside) + ";\n" + rename(tmp, n), rename(n, tmp) + ";\n" + rename(aside, n),
                                   "ACCESS EXCLUSIVE on the indexes (brief)"));
      sw.uses.insert("index:" + table.schema + "." + tmp);
      sw.uses.insert(key_table(table));
      schema::Index old_aside = *old;
      old_aside.name = aside;
      drop_index_step(ctx, table, old_aside);
      ctx.steps.back().step.id = "drop_old_index:" + id;
    }
    plan_comment(ctx, "INDEX " + qualified({table.schema, n}), "index." + id, "index " + id, old ? old->comment : std::nullopt,
                 idx.comment, "index:" + id);
  }
  if (!cur) return;
  for (const auto& [n, idx] : *cur) {
    if (!des.count(n)) drop_index_step(ctx, table, idx);
  }
}

}  // namespace pgshift::planner::ops
