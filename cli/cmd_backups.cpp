// `pgshift backups [--backup-dir DIR] [--format text|json]`: the backups in the backup directory, from
// their manifests, oldest first (executor/backup/backup_manifest.hpp). No database connection.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "executor/backup/backup.hpp"
#include "executor/backup/backup_manifest.hpp"
#include "executor/progress.hpp"

namespace pgshift::cli {

namespace {

struct BackupsCliOptions {
  std::string dir = executor::k_default_backup_dir;
  std::string format = "text";
};

std::string migration_of(const executor::BackupManifest& m) {
  if (m.migration_id) {
    return std::to_string(*m.migration_id);
  }
  return m.plan_fingerprint.empty() ? "-" : "plan " + m.plan_fingerprint.substr(0, 12);
}

void print_json(const std::vector<executor::BackupEntry>& entries) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : entries) {
    // An unreadable manifest is listed with its problem only.
    nlohmann::json j = e.dump_path.empty() ? nlohmann::json::object() : executor::manifest_to_json(e.manifest);
    j["manifest_path"] = e.manifest_path.string();
    j["dump_path"] = e.dump_path.string();
    j["problem"] = e.problem;
    out.push_back(std::move(j));
  }
  std::cout << out.dump(2) << "\n";
}

void print_text(const std::vector<executor::BackupEntry>& entries) {
  size_t file_w = 4, db_w = 8;
  for (const auto& e : entries) {
    file_w = std::max(file_w, e.dump_path.empty() ? e.manifest_path.filename().string().size() : e.manifest.file.size());
    db_w = std::max(db_w, e.manifest.database.size());
  }
  auto row = [&](const std::string& file, const std::string& database, const std::string& migration,
                 const std::string& created, const std::string& size, const std::string& tables,
                 const std::string& verified) {
    std::cout << fmt::format("{:<{}}  {:<{}}  {:<17}  {:<20}  {:>9}  {:>6}  {}\n", file, file_w, database, db_w,
                             migration, created, size, tables, verified);
  };
  row("FILE", "DATABASE", "MIGRATION", "CREATED (UTC)", "SIZE", "TABLES", "VERIFIED");
  for (const auto& e : entries) {
    if (e.dump_path.empty()) {  // the manifest itself is unreadable
      row(e.manifest_path.filename().string(), "-", "-", "-", "-", "-", "no: " + e.problem);
      continue;
    }
    const auto& m = e.manifest;
    row(m.file, m.database, migration_of(m), m.created_at, executor::format_bytes(m.size_bytes),
        std::to_string(m.tables.size()), e.problem.empty() ? "yes" : "no: " + e.problem);
  }
}

void run_backups(const BackupsCliOptions& o) {
  auto entries = executor::list_backups(o.dir);
  if (o.format == "json") {
    print_json(entries);
  } else if (entries.empty()) {
    std::cout << "No backups in " << o.dir << ".\n";
  } else {
    print_text(entries);
  }
  set_exit_code(k_exit_ok);
}

}  // namespace

void setup_backups(CLI::App& app) {
  auto opts = std::make_shared<BackupsCliOptions>();
  CLI::App* cmd = app.add_subcommand("backups", "List the backups pgshift took (from their manifests)");
  cmd->add_option("--backup-dir", opts->dir, "Where the backups are (default: .pgshift/backups)");
  cmd->add_option("--format", opts->format, "Output format (default: text)")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([opts] { run_backups(*opts); });
}

}  // namespace pgshift::cli
