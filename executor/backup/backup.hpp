// Verified backups with pg_dump, taken before an apply whose steps delete data, rewrite tables or
// cannot be undone (or always, when asked), and checked before any step runs:
//   <dir>/<db>-<migration-N|plan-XXXXXXXXXXXX>-<YYYYMMDDTHHMMSSZ>.dump   pg_dump -Fc -Z1 (custom format)
//   <dir>/<same stem>.json                                               the manifest (backup_manifest.hpp)
// The format was chosen by measurement (bench/backup/README.md): -Fc -Z1 dumps a 1M-row database in
// about a third of the time of pg_dump's default -Fc (-Z6) for a few percent more bytes, and stays
// one file that pg_restore can restore in parallel.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "executor/backup/backup_manifest.hpp"
#include "executor/events.hpp"
#include "schema/model.hpp"

namespace pgshift::executor {

inline constexpr const char* k_default_backup_dir = ".pgshift/backups";

struct BackupOptions {
  std::string conninfo;  // how pg_dump reaches the database `conn` is connected to ("" = libpq defaults)
  std::filesystem::path dir = k_default_backup_dir;
  BackupScope scope = BackupScope::database;
  std::set<std::string> tables;  // tables scope: unquoted "schema.name" (tables_touched); missing ones are skipped
  std::optional<int64_t> migration_id;  // names the file; else the plan fingerprint's first 12 characters
  std::string plan_fingerprint;
  std::string pg_bin;  // directory of pg_dump and pg_restore ("" = find_pg_tool's search)
  int64_t lock_wait_timeout_ms = 60000;  // pg_dump --lock-wait-timeout: a table locked longer fails the backup
  EventSink on_event;                    // progress about every second, and what was verified
};

struct BackupResult {
  std::filesystem::path dump_path, manifest_path;  // absolute
  BackupManifest manifest;
};

// Takes a backup of the database `conn` is connected to and verifies it, in this order:
//  1. finds pg_dump and pg_restore of the server's major version (pg_tools.hpp; throws naming both
//     versions when they are older than the server);
//  2. opens a REPEATABLE READ, READ ONLY transaction on `conn` and exports its snapshot; lists the
//     tables whose data is dumped (scope database: every user table; tables: opts.tables, with the
//     partitions of a partitioned one) and counts each one's rows exactly in that snapshot, while
//  3. pg_dump -Fc -Z1 --snapshot=<it> writes the dump (the password reaches it through PGPASSWORD,
//     never its command line), reporting the file's growth as transfer_progress events;
//  4. computes the dump's SHA-256 and size, runs pg_restore --list on it and checks that it holds
//     the data of every counted table (by OID), then writes the manifest (verified = true).
// Tables scope with none of opts.tables existing yet falls back to the whole database (a warning).
// Throws pgshift::Error when any of this fails (the dump file is removed; no manifest is written),
// with pg_dump's or pg_restore's own message.
BackupResult take_backup(pqxx::connection& conn, const BackupOptions& opts);

// Exact row counts of `tables`, in order, a batch of tables per query; like pg_dump's COPY, rows of
// child tables are not counted (FROM ONLY). Throws pqxx errors (a missing table is an error).
std::vector<int64_t> exact_row_counts(pqxx::transaction_base& tx, const std::vector<schema::QualifiedName>& tables);

// The SHA-256 of a file's contents, in hex. Throws pgshift::Error when it cannot be read.
std::string file_sha256(const std::filesystem::path& path);

// Runs `command` with /bin/sh -c after a verified backup, with PGSHIFT_BACKUP_FILE and
// PGSHIFT_BACKUP_MANIFEST set to the absolute paths; its output is reported as info events.
// Throws pgshift::Error with its exit status and the tail of its output when it exits non-zero.
void run_backup_command(const std::string& command, const BackupResult& backup, const EventSink& on_event);

// Writes the migration id into the manifest once the migration row exists.
void record_migration_id(BackupResult& backup, int64_t migration_id);

// What pgshift.migrations.backup records: the backup taken, or that it was skipped and why.
nlohmann::json backup_record(const BackupResult& backup);
nlohmann::json skipped_backup_record(const std::string& reason);
// True when `record` describes a backup taken (not a skip).
bool has_backup(const std::optional<nlohmann::json>& record);

}  // namespace pgshift::executor
