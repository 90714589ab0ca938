// This file implements pgshift.trash reads and `purge` (trash.hpp).
#include "executor/trash.hpp"

#include <fmt/format.h>

#include "planner/soft_drop.hpp"
#include "schema/model.hpp"
#include "schema/sql_text.hpp"

namespace pgshift::executor {

namespace {

std::string text(const pqxx::field& f) { return f.is_null() ? std::string() : std::string(f.c_str()); }

// Whether the trashed object still exists; a purge of one already gone only deletes the row.
bool still_there(pqxx::transaction_base& tx, const TrashEntry& e) {
  if (e.kind == "table") {
    return !tx.exec_params("SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = $1 AND c.relname = $2",
                           std::string(planner::k_trash_schema), e.trashed_name)
                .empty();
  }
  return !tx.exec_params("SELECT 1 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
                         "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND NOT a.attisdropped",
                         e.table_schema, e.table_name, e.trashed_name)
              .empty();
}

std::string drop_sql(const TrashEntry& e) {
  if (e.kind == "table") {
    return "DROP TABLE " + schema::qualified(schema::QualifiedName{std::string(planner::k_trash_schema), e.trashed_name});
  }
  return "ALTER TABLE " + schema::qualified(schema::QualifiedName{e.table_schema, e.table_name}) + " DROP COLUMN " + schema::quote_ident(e.trashed_name);
}

}  // namespace

std::string TrashEntry::original() const {
  return table_schema + "." + table_name + (column_name.empty() ? "" : "." + column_name);
}

std::string TrashEntry::location() const {
  if (kind == "table") return std::string(planner::k_trash_schema) + "." + trashed_name;
  return table_schema + "." + table_name + "." + trashed_name;
}

std::vector<TrashEntry> list_trash(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn);
  if (tx.exec("SELECT to_regclass('pgshift.trash') IS NULL")[0][0].as<bool>()) return {};
  std::vector<TrashEntry> out;
  for (const auto& r : tx.exec(
           "SELECT id, migration_id, kind, table_schema, table_name, coalesce(column_name, ''), trashed_name, "
           "date_trunc('second', trashed_at)::text, date_trunc('second', retain_until)::text, bytes, "
           "retain_until <= clock_timestamp() FROM pgshift.trash ORDER BY trashed_at, id")) {
    TrashEntry e;
    e.id = r[0].as<int64_t>();
    if (!r[1].is_null()) e.migration_id = r[1].as<int64_t>();
    e.kind = text(r[2]);
    e.table_schema = text(r[3]);
    e.table_name = text(r[4]);
    e.column_name = text(r[5]);
    e.trashed_name = text(r[6]);
    e.trashed_at = text(r[7]);
    e.retain_until = text(r[8]);
    e.bytes = r[9].as<int64_t>();
    e.expired = r[10].as<bool>();
    out.push_back(std::move(e));
  }
  return out;
}

TrashSummary summarize(const std::vector<TrashEntry>& entries) {
  TrashSummary s;
  for (const auto& e : entries) {
    ++s.count;
    s.bytes += e.bytes;
    if (e.expired) {
      ++s.expired;
      s.expired_bytes += e.bytes;
    }
  }
  return s;
}

std::vector<TrashEntry> purge_trash(pqxx::connection& conn, bool all, int64_t lock_timeout_ms) {
  std::vector<TrashEntry> removed;
  for (const auto& e : list_trash(conn)) {
    if (!all && !e.expired) continue;
    pqxx::work tx(conn);
    tx.exec(fmt::format("SET LOCAL lock_timeout = {}", lock_timeout_ms));
    // Locks the row: a rollback restoring the object at the same moment waits, then finds it gone.
    if (tx.exec_params("SELECT 1 FROM pgshift.trash WHERE id = $1 FOR UPDATE", e.id).empty()) continue;
    if (still_there(tx, e)) tx.exec(drop_sql(e));
    tx.exec_params("DELETE FROM pgshift.trash WHERE id = $1", e.id);
    tx.commit();
    removed.push_back(e);
  }
  return removed;
}

}  // namespace pgshift::executor
