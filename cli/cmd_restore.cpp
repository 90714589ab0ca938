// `pgshift restore BACKUP [--db URL] [--into NAME | --in-place [--yes]]`: restores a backup pgshift took
// (its .dump or its .json manifest) into a new database on the server of --db, or in place into the
// database it came from, then checks every table's row count against the manifest
// (executor/backup/restore.hpp, docs/backups.md).
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "executor/backup/backup_manifest.hpp"
#include "executor/connection.hpp"
#include "executor/progress.hpp"
#include "executor/backup/restore.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::cli {

namespace {

struct RestoreCliOptions {
  std::string backup;
  std::string db;
  std::string into;
  bool in_place = false;
  bool yes = false;
};

void run_restore(const RestoreCliOptions& o) {
  executor::BackupEntry backup = executor::find_backup(o.backup);
  const auto& m = backup.manifest;
  std::string url = resolve_db_url(o.db);
  auto conn = executor::connect(url);
  std::cout << "Backup " << backup.dump_path.string() << ": database " << m.database << ", " << m.created_at << ", "
            << executor::format_bytes(m.size_bytes) << ", " << m.tables.size() << " table(s), scope "
            << executor::backup_scope_name(m.scope) << ".\n";
  if (o.in_place) {
    std::cout << "Restoring in place into \"" << conn->dbname()
              << "\": every object in the backup is dropped and recreated with the rows it had then.\n";
    if (!confirmed(o.yes, {.question = "Restore in place?", .action = "restore in place",
                           .hint = "it replaces the objects in the backup, with their rows; run again with --yes",
                           .cancelled = "Restore cancelled."})) {
      return;
    }
  }
  executor::RestoreOptions opts;
  opts.conninfo = url;
  opts.in_place = o.in_place;
  opts.pg_bin = pg_bin_dir();
  if (!o.into.empty()) {
    opts.into = o.into;
  }
  executor::RestoreResult result;
  print_events([&](const executor::EventSink& sink) {
    opts.on_event = sink;
    result = executor::restore(*conn, backup, opts);
  });
  std::cout << fmt::format("Restored into database \"{}\" in {:.1f} s: {} table(s), {} rows, row counts match the "
                           "manifest.\n",
                           result.database, result.elapsed_s, result.tables, executor::group_thousands(result.rows));
  if (result.created) {
    std::cout << "URL: " << util::mask_password(executor::with_database(url, result.database)) << "\n";
  }
  set_exit_code(k_exit_ok);
}

}  // namespace

void setup_restore(CLI::App& app) {
  auto opts = std::make_shared<RestoreCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "restore", "Restore a backup into a new database (default) or in place, and check its row counts");
  cmd->add_option("backup", opts->backup, "The backup: its .dump file or its .json manifest")->required();
  add_db_option(cmd, opts->db);
  auto* into = cmd->add_option("--into", opts->into,
                               "Name of the new database (default: <database>_restore_<backup time>)");
  cmd->add_flag("--in-place", opts->in_place,
                "Restore into the database the backup came from (pg_restore --clean --if-exists)")
      ->excludes(into);
  cmd->add_flag("-y,--yes", opts->yes, "Restore in place without asking (required when stdin is not a terminal)");
  cmd->callback([opts] { run_restore(*opts); });
}

}  // namespace pgshift::cli
