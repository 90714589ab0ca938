// `pgshift init [--db URL] [--dir DIR] [--force]`: starts a pgshift project in the current directory.
// Writes a commented starter pgshift.yaml and, when a database is given (--db, $PGSHIFT_DATABASE_URL or
// $DATABASE_URL), the schema directory read from it (one file per table, schema/yaml_io.hpp), so
// adopting pgshift on a live database is one command. Existing files are never overwritten without
// --force.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "introspect/introspect.hpp"
#include "schema/yaml_io.hpp"
#include "util/error.hpp"

namespace pgshift::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* k_project_file = "pgshift.yaml";

struct InitCliOptions {
  std::string db;
  std::string dir = "schema";
  bool force = false;
};

std::string starter_project(const std::string& dir) {
  return "# pgshift project file, written by `pgshift init`. Commands run in this directory read it (or the\n"
         "# file named by $PGSHIFT_PROJECT); a flag given on the command line always wins. Format: docs/project-file.md.\n"
         "\n"
         "# The desired schema: -f for plan, apply, drift, verify, validate and fmt.\n"
         "schema: " + dir + "\n"
         "# The environment variable holding the database URL, tried before $PGSHIFT_DATABASE_URL and\n"
         "# $DATABASE_URL when --db is not given.\n"
         "database_url_env: DATABASE_URL\n"
         "# lock_timeout of each DDL step of `pgshift apply`, in milliseconds (retried with backoff).\n"
         "lock_timeout_ms: 500\n"
         "# Rows per backfill batch.\n"
         "batch_size: 10000\n"
         "# Hazards `pgshift apply` may run without --allow-hazards, e.g. [DELETES_DATA]; empty = none.\n"
         "allowed_hazards: []\n"
         "# Where apply keeps its verified backups.\n"
         "backup_dir: .pgshift/backups\n"
         "# How hazards are graded by the live table: a note on a small quiet table, a blocker (needs\n"
         "# --allow-hazards) for locking hazards on a large or busy one.\n"
         "hazards:\n"
         "  small_table_rows: 10000\n"
         "  large_table_rows: 1000000\n"
         "  busy_writes_per_second: 50\n"
         "# Per-table settings, e.g. smaller batches on a hot table:\n"
         "# tables:\n"
         "#   public.events: {batch_size: 2000, lock_timeout_ms: 200}\n";
}

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) {
    throw Error("cannot write " + path.string() + ": " + std::strerror(errno));
  }
}

bool non_empty_dir(const fs::path& dir) {
  return fs::is_directory(dir) && !fs::is_empty(dir);
}

void run_init(const InitCliOptions& o) {
  if (o.dir.empty()) {
    throw Error("--dir must not be empty");
  }
  const fs::path project = k_project_file;
  const fs::path dir = o.dir;
  const std::string url = resolve_db_url(o.db);
  const bool with_db = !url.empty();
  if (!o.force) {
    std::vector<std::string> existing;
    if (fs::exists(project)) existing.push_back(project.string());
    if (with_db && (non_empty_dir(dir) || (fs::exists(dir) && !fs::is_directory(dir)))) {
      existing.push_back(dir.string() + "/");
    }
    if (!existing.empty()) {
      std::string list;
      for (const auto& e : existing) list += (list.empty() ? "" : ", ") + e;
      std::cerr << "pgshift: error: " << list << (existing.size() == 1 ? " already exists" : " already exist")
                << "; not overwriting (use --force to overwrite)\n";
      set_exit_code(k_exit_error);
      return;
    }
  }
  if (with_db) {
    auto conn = open_db(o.db);
    const schema::Database db = introspect::introspect(*conn, {});
    for (const auto& line : db.unmanaged) {
      std::cerr << "pgshift: warning: " << line << "\n";
    }
    if (fs::exists(dir) && !fs::is_directory(dir)) {
      throw Error(dir.string() + " exists and is not a directory");
    }
    fs::create_directories(dir);
    schema::write_schema_dir(db, dir);
    std::cout << "Wrote the live schema to " << dir.string() << "/ (one file per table)\n";
  }
  write_file(project, starter_project(o.dir));
  std::cout << "Wrote " << project.string() << "\n";
  if (!with_db) {
    std::cout << "No database given (--db, $PGSHIFT_DATABASE_URL or $DATABASE_URL): " << o.dir
              << "/ was not written; run `pgshift init --db URL --force` or `pgshift inspect --db URL -o "
              << o.dir << "/` to read it from a database.\n";
  } else {
    std::cout << "Next: edit " << o.dir << "/, then `pgshift plan` (pgshift.yaml points it at " << o.dir << "/).\n";
  }
  set_exit_code(k_exit_ok);
}

}  // namespace

void setup_init(CLI::App& app) {
  auto opts = std::make_shared<InitCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "init", "Write a starter pgshift.yaml and, from a database, the schema directory (one file per table)");
  add_db_option(cmd, opts->db);
  cmd->add_option("--dir", opts->dir, "Schema directory to write (default: schema)");
  cmd->add_flag("--force", opts->force, "Overwrite pgshift.yaml and files in the schema directory");
  cmd->callback([opts] { run_init(*opts); });
}

}  // namespace pgshift::cli
