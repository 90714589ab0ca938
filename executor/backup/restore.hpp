// Restoring a pgshift backup (backup.hpp) with pg_restore, into a new database on the same server or
// in place, then checking every table's row count against the manifest.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "executor/backup/backup_manifest.hpp"
#include "executor/events.hpp"

namespace pgshift::executor {

struct RestoreOptions {
  std::string conninfo;              // the server `conn` is connected to, and how pg_restore connects to it
  std::optional<std::string> into;   // the new database's name; nullopt = default_restore_name()
  bool in_place = false;             // into the database `conn` is connected to (must be the backup's own)
  int jobs = 2;                      // pg_restore -j
  std::string pg_bin;                // directory of pg_restore ("" = find_pg_tool's search)
  EventSink on_event;                // progress (how much the database has grown) about every second
};

struct RestoreResult {
  std::string database;  // restored into
  bool created = false;  // a new database was created
  size_t tables = 0;     // tables whose row counts were checked
  int64_t rows = 0;
  double elapsed_s = 0;
};

// "<database>_restore_<YYYYMMDD_HHMMSS of the backup>", cut to PostgreSQL's 63 bytes.
std::string default_restore_name(const BackupManifest& manifest);

// Restores `backup`, in this order:
//  1. the dump must be there with the size and SHA-256 its manifest records;
//  2. pg_restore of the server's major version, and at least that of the pg_dump that made it;
//  3. a new database (CREATE DATABASE ... TEMPLATE template0 with the backup's encoding and locale;
//     refused when it exists), or, in place, the database `conn` is connected to, which must be the
//     one the backup came from: pg_restore --clean --if-exists replaces the objects in the backup;
//  4. pg_restore -j<jobs> --exit-on-error, the password through PGPASSWORD;
//  5. every table in the manifest must exist with exactly the rows it had at backup time.
// Throws pgshift::Error at the first failure; a new database that was partly restored is left for
// inspection, and the message says so.
RestoreResult restore(pqxx::connection& conn, const BackupEntry& backup, const RestoreOptions& opts);

}  // namespace pgshift::executor
