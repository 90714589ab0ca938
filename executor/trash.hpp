// Soft-dropped objects (docs/soft-drop.md): reading pgshift.trash, and `purge`, which drops the
// trashed tables and columns for real and deletes their rows.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "executor/progress.hpp"  // format_bytes

namespace pgshift::executor {

struct TrashEntry {
  int64_t id = 0;
  std::optional<int64_t> migration_id;
  std::string kind;  // table | column
  std::string table_schema, table_name, column_name;  // where it was (column_name "" for a table)
  std::string trashed_name;  // a table's name in pgshift_trash, or a column's reserved name in its table
  std::string trashed_at, retain_until;  // server timestamps as text
  int64_t bytes = 0;                     // pg_total_relation_size for tables, an estimate for columns
  bool expired = false;                  // retain_until has passed

  std::string original() const;  // "public.users" or "public.users.email"
  std::string location() const;  // "pgshift_trash.public__users__1a2b3c4d" or "public.users._pgshift_trash_email_..."
};

struct TrashSummary {
  int count = 0, expired = 0;
  int64_t bytes = 0, expired_bytes = 0;
};

// Every row of pgshift.trash, oldest first; empty when the table does not exist. Read-only.
std::vector<TrashEntry> list_trash(pqxx::connection& conn);
TrashSummary summarize(const std::vector<TrashEntry>& entries);

// Drops each entry past retention (or every entry with `all`) for real, each in its own transaction
// with `lock_timeout_ms`, and deletes its row; an object already gone only loses its row. Returns the
// entries removed. Throws pqxx errors (lock timeout included) with the entries before it removed.
std::vector<TrashEntry> purge_trash(pqxx::connection& conn, bool all, int64_t lock_timeout_ms = 5000);

}  // namespace pgshift::executor
