// This file implements verified backups (backup.hpp): pg_dump in the snapshot of a transaction that
// counts the rows meanwhile, then SHA-256, pg_restore --list and the manifest.
#include "executor/backup/backup.hpp"

#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <ctime>
#include <exception>
#include <fstream>
#include <future>
#include <regex>
#include <thread>

#include "executor/backup/pg_tools.hpp"
#include "executor/backup/process.hpp"
#include "schema/model.hpp"
#include "schema/sql_text.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace fs = std::filesystem;

namespace pgshift::executor {

namespace {

using Snapshot = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;
using Clock = std::chrono::steady_clock;

constexpr const char* k_hint =
    "nothing was changed; fix the cause and run again, or pass --no-backup to apply without a backup";
constexpr int k_compression = 1;  // gzip level: bench/backup/README.md
constexpr size_t k_count_batch = 200;  // tables counted per query

// Tables whose rows pg_dump writes: ordinary tables and leaf partitions outside the system schemas,
// not members of an extension, not other sessions' temporary tables. Parents (kind 'p') are listed
// for -t but have no rows of their own.
constexpr const char* k_tables_sql = R"sql(
SELECT c.oid::bigint, n.nspname, c.relname, c.relkind::text, pg_total_relation_size(c.oid)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  AND ($1::jsonb IS NULL OR c.oid IN (
        -- the named tables, and every partition below a partitioned one (an empty tree otherwise)
        SELECT coalesce(t.relid, p.oid) FROM pg_catalog.pg_class p
        JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
        LEFT JOIN LATERAL pg_catalog.pg_partition_tree(p.oid) t ON true
        WHERE pn.nspname || '.' || p.relname IN (SELECT jsonb_array_elements_text($1::jsonb))))
ORDER BY n.nspname, c.relname
)sql";

struct DumpedTable {
  int64_t oid = 0;
  schema::QualifiedName name;
  bool has_rows = true;  // false for a partitioned parent
  int64_t bytes = 0;
  int64_t rows = 0;
};

void emit(const EventSink& on_event, Event e) {
  if (on_event) {
    on_event(e);
  }
}

std::string utc_stamp(std::time_t t, const char* format) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// A database name as part of a file name: letters, digits, '_', '-' and '.', at most 60 bytes.
std::string file_safe(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    out += (std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.') && c < 128 ? static_cast<char>(c) : '_';
  }
  if (out.empty() || out[0] == '.') {
    out = "_" + out;
  }
  return out.substr(0, 60);
}

std::vector<DumpedTable> list_tables(Snapshot& tx, const BackupOptions& opts, BackupScope scope) {
  // The names go as one JSON array parameter; NULL = every table.
  std::string names = nlohmann::json(opts.tables).dump();
  const char* filter = scope == BackupScope::tables ? names.c_str() : nullptr;
  std::vector<DumpedTable> out;
  for (const auto& r : tx.exec_params(k_tables_sql, filter)) {
    out.push_back({r[0].as<int64_t>(), {r[1].c_str(), r[2].c_str()}, std::string(r[3].c_str()) == "r",
                   r[4].as<int64_t>(), 0});
  }
  return out;
}

void count_rows(Snapshot& tx, std::vector<DumpedTable>& tables) {
  std::vector<DumpedTable*> todo;
  std::vector<schema::QualifiedName> names;
  for (auto& t : tables) {
    if (t.has_rows) {
      todo.push_back(&t);
      names.push_back(t.name);
    }
  }
  auto counts = exact_row_counts(tx, names);
  for (size_t i = 0; i < todo.size(); ++i) {
    todo[i]->rows = counts[i];
  }
}

int64_t size_of(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

std::vector<std::string> dump_argv(const PgTool& tool, const ToolConnection& c, const std::string& snapshot,
                                   const fs::path& out, const std::vector<DumpedTable>* tables,
                                   const BackupOptions& opts) {
  std::vector<std::string> argv = {tool.program, "--format=custom", fmt::format("--compress={}", k_compression),
                                   "--snapshot=" + snapshot, "--no-password",
                                   fmt::format("--lock-wait-timeout={}", opts.lock_wait_timeout_ms),
                                   "--file=" + out.string()};
  if (tables != nullptr) {
    argv.push_back("--strict-names");
    for (const auto& t : *tables) {
      argv.push_back("--table=" + schema::qualified(t.name));  // quoted: matched literally, not as a pattern
    }
  }
  auto conn_args = connection_args(c);
  argv.insert(argv.end(), conn_args.begin(), conn_args.end());
  return argv;
}

// pg_dump in the exported snapshot while this thread's transaction counts the rows; throws on failure.
ProcessResult dump_while_counting(Snapshot& tx, pqxx::connection& conn, std::vector<DumpedTable>& tables,
                                  const ProcessSpec& spec) {
  std::exception_ptr count_error;
  std::thread counter([&] {
    try {
      count_rows(tx, tables);
    } catch (...) {
      count_error = std::current_exception();
    }
  });
  ProcessResult r;
  try {
    r = run_process(spec);
  } catch (...) {
    conn.cancel_query();
    counter.join();
    throw;
  }
  if (r.exit_code != 0) {
    conn.cancel_query();
  }
  counter.join();
  if (r.exit_code == 0 && count_error) {
    try {
      std::rethrow_exception(count_error);
    } catch (const pqxx::sql_error& e) {
      throw Error(fmt::format("the backup failed: counting the rows in its snapshot: {}", util::trim(e.what())), {},
                  k_hint);
    }
  }
  return r;
}

// pg_restore --list must read the archive and show a TABLE DATA entry ("<id>; 0 <oid> TABLE DATA ...")
// for every table whose rows were counted. Returns the number of entries.
int check_listing(const PgTool& pg_restore, const fs::path& dump, const std::vector<DumpedTable>& tables) {
  auto r = run_process({.argv = {pg_restore.program, "--list", dump.string()}});
  if (r.exit_code != 0) {
    throw Error(fmt::format("the backup {} is not readable: pg_restore --list failed (exit {}): {}", dump.string(),
                            r.exit_code, tail_lines(r.err)),
                {}, k_hint);
  }
  static const std::regex k_data_entry(R"(^\d+; 0 (\d+) TABLE DATA )");
  std::set<int64_t> with_data;
  int entries = 0;
  for (const auto& line : util::split(r.out, '\n')) {
    if (line.empty() || line[0] == ';') {
      continue;
    }
    ++entries;
    std::smatch m;
    if (std::regex_search(line, m, k_data_entry)) {
      with_data.insert(std::stoll(m[1].str()));
    }
  }
  std::vector<std::string> missing;
  for (const auto& t : tables) {
    if (t.has_rows && !with_data.count(t.oid)) {
      missing.push_back(t.name.display());
    }
  }
  if (!missing.empty()) {
    throw Error(fmt::format("the backup {} is incomplete: pg_restore --list shows no data for {}", dump.string(),
                            util::join(missing, ", ")),
                {}, k_hint);
  }
  return entries;
}

struct Names {
  fs::path dump, manifest;
  std::string created_at;
};

Names make_names(const fs::path& dir, const std::string& database, const BackupOptions& opts) {
  std::time_t now = std::time(nullptr);
  std::string label = opts.migration_id ? fmt::format("migration-{}", *opts.migration_id)
                                        : "plan-" + opts.plan_fingerprint.substr(0, 12);
  if (label == "plan-") {
    label = "manual";
  }
  std::string stem = fmt::format("{}-{}-{}", file_safe(database), label, utc_stamp(now, "%Y%m%dT%H%M%SZ"));
  fs::path dump = dir / (stem + ".dump");
  for (int n = 2; fs::exists(dump) || fs::exists(fs::path(dump).replace_extension(".json")); ++n) {
    dump = dir / fmt::format("{}-{}.dump", stem, n);
  }
  return {dump, fs::path(dump).replace_extension(".json"), utc_stamp(now, "%Y-%m-%dT%H:%M:%SZ")};
}

fs::path prepare_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw Error(fmt::format("cannot create the backup directory {}: {}", dir.string(),
                            ec ? ec.message() : "a file of that name is in the way"),
                {}, k_hint);
  }
  return fs::absolute(dir).lexically_normal();
}

// The manifest of a finished dump: size, checksum, and what pg_restore --list found.
void verify(BackupManifest& m, const PgTool& pg_restore, const fs::path& dump, const std::vector<DumpedTable>& tables) {
  auto began = Clock::now();
  m.size_bytes = size_of(dump);
  if (m.size_bytes == 0) {
    throw Error(fmt::format("the backup {} is empty", dump.string()), {}, k_hint);
  }
  // The checksum is computed while pg_restore reads the archive: both only read the file.
  auto sha = std::async(std::launch::async, [&] { return file_sha256(dump); });
  try {
    m.toc_entries = check_listing(pg_restore, dump, tables);
  } catch (...) {
    sha.wait();
    throw;
  }
  m.sha256 = sha.get();
  m.verified = true;
  m.verify_s = std::chrono::duration<double>(Clock::now() - began).count();
}

// The manifest's description of the database and of what asked for the backup.
BackupManifest start_manifest(Snapshot& tx, const PgTool& pg_dump, const BackupOptions& opts) {
  BackupManifest m;
  auto db = tx.exec1(
      "SELECT datname, pg_catalog.pg_encoding_to_char(encoding), datcollate, datctype FROM pg_catalog.pg_database "
      "WHERE datname = current_database()");
  m.database = db[0].c_str();
  m.encoding = db[1].c_str();
  m.lc_collate = db[2].c_str();
  m.lc_ctype = db[3].c_str();
  std::string version = tx.exec1("SHOW server_version")[0].c_str();
  m.server_version = version.substr(0, version.find(' '));  // "15.20 (Debian ...)"
  m.pg_dump_version = pg_dump.version;
  m.migration_id = opts.migration_id;
  m.plan_fingerprint = opts.plan_fingerprint;
  m.scope = opts.scope;
  m.compression = k_compression;
  return m;
}

}  // namespace

std::vector<int64_t> exact_row_counts(pqxx::transaction_base& tx, const std::vector<schema::QualifiedName>& tables) {
  std::vector<int64_t> out(tables.size());
  for (size_t at = 0; at < tables.size(); at += k_count_batch) {
    std::vector<std::string> parts;
    for (size_t i = at; i < std::min(tables.size(), at + k_count_batch); ++i) {
      parts.push_back(fmt::format("SELECT {}, count(*) FROM ONLY {}", i, schema::qualified(tables[i])));
    }
    for (const auto& r : tx.exec(util::join(parts, " UNION ALL "))) {
      out[r[0].as<size_t>()] = r[1].as<int64_t>();
    }
  }
  return out;
}

std::string file_sha256(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(fmt::format("cannot read {}", path.string()));
  }
  util::Sha256 sha;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    sha.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) {
    throw Error(fmt::format("cannot read {}", path.string()));
  }
  return sha.hex_digest();
}

BackupResult take_backup(pqxx::connection& conn, const BackupOptions& opts) {
  int server_major = conn.server_version() / 10000;
  PgTool pg_dump = find_pg_tool("pg_dump", server_major, opts.pg_bin);
  PgTool pg_restore = find_pg_tool("pg_restore", server_major, opts.pg_bin);
  fs::path dir = prepare_dir(opts.dir);
  ToolConnection tool_conn = tool_connection(opts.conninfo);

  Snapshot tx(conn, "pgshift_backup");
  BackupManifest m = start_manifest(tx, pg_dump, opts);
  std::string snapshot = tx.exec1("SELECT pg_catalog.pg_export_snapshot()")[0].c_str();
  auto tables = list_tables(tx, opts, m.scope);
  if (m.scope == BackupScope::tables && tables.empty()) {
    emit(opts.on_event, {.kind = EventKind::warning,
                         .message = "backup: none of the plan's tables exists yet; backing up the whole database"});
    m.scope = BackupScope::database;
    tables = list_tables(tx, opts, m.scope);
  }

  Names names = make_names(dir, m.database, opts);
  m.file = names.dump.filename().string();
  m.created_at = names.created_at;
  for (const auto& t : tables) {
    m.source_bytes += t.bytes;
  }
  auto began = Clock::now();
  auto progress = [&](bool finished) {
    emit(opts.on_event, {.kind = EventKind::transfer_progress,
                         .step_id = "pg_dump",
                         .transfer = TransferProgress{size_of(names.dump), 0,
                                                      std::chrono::duration<double>(Clock::now() - began).count(),
                                                      finished}});
  };
  ProcessSpec spec{.argv = dump_argv(pg_dump, tool_conn, snapshot, names.dump,
                                     m.scope == BackupScope::tables ? &tables : nullptr, opts),
                   .env = tool_conn.env,
                   .tick = [&] { progress(false); }};
  try {
    ProcessResult r = dump_while_counting(tx, conn, tables, spec);
    if (r.exit_code != 0) {
      throw Error(fmt::format("the backup failed: pg_dump exited with status {}: {}", r.exit_code,
                              util::mask_password(tail_lines(r.err))),
                  {}, k_hint);
    }
    progress(true);
    tx.commit();
    m.dump_s = std::chrono::duration<double>(Clock::now() - began).count();
    for (const auto& t : tables) {
      if (t.has_rows) {
        m.tables.push_back({t.name.schema, t.name.name, t.rows});
      }
    }
    verify(m, pg_restore, names.dump, tables);
    write_manifest(names.manifest, m);
  } catch (...) {
    std::error_code ec;
    fs::remove(names.dump, ec);
    throw;
  }
  return {names.dump, names.manifest, m};
}

}  // namespace pgshift::executor
