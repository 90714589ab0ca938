// This file implements restoring a backup (restore.hpp): checks of the dump against its manifest,
// pg_restore into a new or the original database, and the row-count comparison afterwards.
#include "executor/backup/restore.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "executor/backup/backup.hpp"
#include "executor/connection.hpp"
#include "executor/backup/pg_tools.hpp"
#include "executor/backup/process.hpp"
#include "schema/sql_text.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

using Clock = std::chrono::steady_clock;

void emit(const EventSink& on_event, Event e) {
  if (on_event) {
    on_event(e);
  }
}

void check_dump(const BackupEntry& b) {
  if (!b.problem.empty() && b.problem != "not verified") {
    throw Error(fmt::format("cannot restore {}: {}", b.dump_path.string(), b.problem));
  }
  if (!b.manifest.verified) {
    throw Error(fmt::format("cannot restore {}: the manifest says it was never verified", b.dump_path.string()));
  }
  std::string sha = file_sha256(b.dump_path);
  if (sha != b.manifest.sha256) {
    throw Error(fmt::format("cannot restore {}: its SHA-256 is {}, the manifest recorded {}", b.dump_path.string(), sha,
                            b.manifest.sha256),
                {}, "the file was changed or damaged after the backup; use another backup");
  }
}

PgTool restore_tool(int server_major, const BackupManifest& m, const std::string& pg_bin) {
  PgTool tool = find_pg_tool("pg_restore", server_major, pg_bin);
  int dump_major = parse_tool_version("", "(PostgreSQL) " + m.pg_dump_version).major;
  if (tool.major < dump_major) {
    throw Error(fmt::format("pg_restore {} is older than the pg_dump {} that made this backup", tool.version,
                            m.pg_dump_version),
                {}, fmt::format("install postgresql-client-{}, or set PGSHIFT_PG_BIN to its bin directory", dump_major));
  }
  return tool;
}

void create_database(pqxx::connection& conn, const std::string& name, const BackupManifest& m) {
  pqxx::nontransaction tx(conn);
  if (!tx.exec_params("SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", name).empty()) {
    throw Error(fmt::format("database \"{}\" already exists", name), {},
                "restore into another one with --into NAME, or drop it first");
  }
  std::string sql = "CREATE DATABASE " + schema::quote_ident(name) + " TEMPLATE template0";
  if (!m.encoding.empty()) {
    sql += " ENCODING " + schema::quote_literal(m.encoding);
  }
  if (!m.lc_collate.empty() && !m.lc_ctype.empty()) {
    sql += " LC_COLLATE " + schema::quote_literal(m.lc_collate) + " LC_CTYPE " + schema::quote_literal(m.lc_ctype);
  }
  tx.exec0(sql);
}

int64_t database_size(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  return tx.exec1("SELECT pg_catalog.pg_database_size(current_database())")[0].as<int64_t>();
}

// Every table of the manifest must exist in the restored database with the rows it had.
int64_t compare_rows(pqxx::connection& target, const BackupManifest& m, const std::string& database) {
  pqxx::read_transaction tx(target);
  std::vector<std::string> problems;
  std::vector<schema::QualifiedName> present;
  std::vector<int64_t> expected;
  for (const auto& t : m.tables) {
    schema::QualifiedName name{t.schema, t.name};
    if (tx.exec_params1("SELECT to_regclass($1) IS NOT NULL", schema::qualified(name))[0].as<bool>()) {
      present.push_back(name);
      expected.push_back(t.rows);
    } else {
      problems.push_back(fmt::format("{}: missing", name.display()));
    }
  }
  auto counts = exact_row_counts(tx, present);
  int64_t rows = 0;
  for (size_t i = 0; i < present.size(); ++i) {
    rows += counts[i];
    if (counts[i] != expected[i]) {
      problems.push_back(
          fmt::format("{}: {} rows in the backup, {} restored", present[i].display(), expected[i], counts[i]));
    }
  }
  if (!problems.empty()) {
    throw Error(fmt::format("the restored database \"{}\" does not match the backup's manifest:\n  {}", database,
                            util::join(problems, "\n  ")),
                {}, "the restore is incomplete; do not rely on it");
  }
  return rows;
}

}  // namespace

std::string default_restore_name(const BackupManifest& m) {
  std::string stamp;
  for (char c : m.created_at) {
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      stamp += c;
    }
  }
  if (stamp.size() == 14) {
    stamp.insert(8, "_");
  }
  std::string suffix = "_restore_" + stamp;
  std::string head = m.database.substr(0, 63 - suffix.size());
  while (!head.empty() && (static_cast<unsigned char>(head.back()) & 0xC0) == 0x80) {
    head.pop_back();  // not in the middle of a UTF-8 character
  }
  if (!head.empty() && (static_cast<unsigned char>(head.back()) & 0x80) != 0) {
    head.pop_back();
  }
  return head + suffix;
}

RestoreResult restore(pqxx::connection& conn, const BackupEntry& backup, const RestoreOptions& opts) {
  const BackupManifest& m = backup.manifest;
  auto began = Clock::now();
  check_dump(backup);
  PgTool pg_restore = restore_tool(conn.server_version() / 10000, m, opts.pg_bin);
  RestoreResult result;
  if (opts.in_place) {
    result.database = conn.dbname();
    if (result.database != m.database) {
      throw Error(fmt::format("--in-place restores into the database the backup came from (\"{}\"), but the "
                              "connection is to \"{}\"",
                              m.database, result.database),
                  {}, "point --db at that database, or restore into a new one with --into NAME");
    }
  } else {
    result.database = opts.into.value_or(default_restore_name(m));
    emit(opts.on_event, {.kind = EventKind::info, .message = fmt::format("restore: creating database \"{}\"", result.database)});
    create_database(conn, result.database, m);
    result.created = true;
  }
  std::string target_info = with_database(opts.conninfo, result.database);
  auto target = connect(target_info);
  int64_t start_size = database_size(*target);
  ToolConnection tc = tool_connection(target_info);
  std::vector<std::string> argv = {pg_restore.program, "--exit-on-error", "--no-password",
                                   fmt::format("--jobs={}", std::max(1, opts.jobs))};
  if (opts.in_place) {
    argv.insert(argv.end(), {"--clean", "--if-exists"});
  }
  auto conn_args = connection_args(tc);
  argv.insert(argv.end(), conn_args.begin(), conn_args.end());
  argv.push_back(backup.dump_path.string());
  auto progress = [&](bool finished) {
    int64_t grown = std::max<int64_t>(0, database_size(*target) - start_size);
    emit(opts.on_event,
         {.kind = EventKind::transfer_progress,
          .step_id = "pg_restore",
          .transfer = TransferProgress{grown, m.source_bytes,
                                       std::chrono::duration<double>(Clock::now() - began).count(), finished}});
  };
  emit(opts.on_event, {.kind = EventKind::info,
                       .message = fmt::format("restore: pg_restore {} into \"{}\"{}", pg_restore.version,
                                              result.database, opts.in_place ? " (--clean --if-exists)" : "")});
  // In place, the database's size says nothing about progress: no progress events then.
  ProcessSpec spec{.argv = argv, .env = tc.env};
  if (!opts.in_place) {
    spec.tick = [&] { progress(false); };
  }
  auto r = run_process(spec);
  if (r.exit_code != 0) {
    throw Error(fmt::format("pg_restore failed (exit {}): {}", r.exit_code, util::mask_password(tail_lines(r.err))),
                {},
                result.created ? fmt::format("the partly restored database \"{}\" is left for inspection; drop it "
                                             "with DROP DATABASE when done",
                                             result.database)
                               : "the database may be partly restored: fix the cause and run the restore again");
  }
  if (!opts.in_place) {
    progress(true);
  }
  result.rows = compare_rows(*target, m, result.database);
  result.tables = m.tables.size();
  result.elapsed_s = std::chrono::duration<double>(Clock::now() - began).count();
  return result;
}

}  // namespace pgshift::executor
