// `pgshift backup [--db URL] [--backup-dir DIR]`: takes a verified backup of the whole database now,
// the same one `pgshift apply` takes before a destructive step (executor/backup/backup.hpp), outside any
// migration. Prints the dump's and the manifest's paths.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "executor/backup/backup.hpp"
#include "executor/progress.hpp"

namespace pgshift::cli {

namespace {

struct BackupCliOptions {
  std::string db;
  std::string dir = executor::k_default_backup_dir;
};

void run_backup(const BackupCliOptions& o) {
  executor::BackupOptions opts;
  opts.conninfo = resolve_db_url(o.db);
  opts.dir = o.dir;
  opts.pg_bin = pg_bin_dir();
  auto conn = open_db(o.db);
  executor::BackupResult b;
  print_events([&](const executor::EventSink& sink) {
    opts.on_event = sink;
    b = executor::take_backup(*conn, opts);
  });
  int64_t rows = 0;
  for (const auto& t : b.manifest.tables) {
    rows += t.rows;
  }
  std::cout << fmt::format("Backup verified in {:.2f} s: {} ({}, {} table(s), {} rows)\nManifest: {}\n",
                           b.manifest.dump_s + b.manifest.verify_s, b.dump_path.string(),
                           executor::format_bytes(b.manifest.size_bytes), b.manifest.tables.size(),
                           executor::group_thousands(rows), b.manifest_path.string());
  set_exit_code(k_exit_ok);
}

}  // namespace

void setup_backup(CLI::App& app) {
  auto opts = std::make_shared<BackupCliOptions>();
  CLI::App* cmd = app.add_subcommand("backup", "Take a verified backup of the database now (pg_dump + manifest)");
  add_db_option(cmd, opts->db);
  cmd->add_option("--backup-dir", opts->dir, "Where backups go (default: .pgshift/backups)");
  cmd->callback([opts] { run_backup(*opts); });
}

}  // namespace pgshift::cli
