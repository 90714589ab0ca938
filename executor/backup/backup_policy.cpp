// This file implements what apply decides and records about backups (backup_policy.hpp, backup.hpp):
// which steps call for one, the backup taken before the first step, the --backup-command hook, and the
// record kept on pgshift.migrations.backup.
#include <fmt/format.h>

#include "executor/backup/backup_policy.hpp"  // and backup.hpp; backup.cpp takes and verifies the backup itself

#include "executor/progress.hpp"
#include "executor/backup/process.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

void emit(const EventSink& on_event, Event e) {
  if (on_event) {
    on_event(e);
  }
}

}  // namespace

void run_backup_command(const std::string& command, const BackupResult& backup, const EventSink& on_event) {
  emit(on_event, {.kind = EventKind::info, .message = "backup: running --backup-command"});
  auto r = run_process({.argv = {"/bin/sh", "-c", command},
                        .env = {{"PGSHIFT_BACKUP_FILE", backup.dump_path.string()},
                                {"PGSHIFT_BACKUP_MANIFEST", backup.manifest_path.string()}}});
  for (const auto& line : util::split(r.out + r.err, '\n')) {
    if (!util::trim(line).empty()) {
      emit(on_event, {.kind = EventKind::info, .message = "    " + line});
    }
  }
  if (r.exit_code != 0) {
    throw Error(fmt::format("the backup command exited with status {}; no step was run", r.exit_code), {},
                fmt::format("the verified backup is {}; fix the command, or leave out --backup-command",
                            backup.dump_path.string()));
  }
}

void record_migration_id(BackupResult& backup, int64_t migration_id) {
  backup.manifest.migration_id = migration_id;
  write_manifest(backup.manifest_path, backup.manifest);
}

nlohmann::json backup_record(const BackupResult& b) {
  int64_t rows = 0;
  for (const auto& t : b.manifest.tables) {
    rows += t.rows;
  }
  return {{"file", b.dump_path.string()},
          {"manifest", b.manifest_path.string()},
          {"sha256", b.manifest.sha256},
          {"size_bytes", b.manifest.size_bytes},
          {"scope", backup_scope_name(b.manifest.scope)},
          {"created_at", b.manifest.created_at},
          {"tables", b.manifest.tables.size()},
          {"rows", rows},
          {"verified", b.manifest.verified}};
}

nlohmann::json skipped_backup_record(const std::string& reason) {
  return {{"skipped", true}, {"reason", reason}};
}

bool has_backup(const std::optional<nlohmann::json>& record) {
  return record && record->is_object() && record->contains("file");
}

std::vector<std::string> backup_reasons(const planner::Plan& plan, const std::vector<StepState>* states,
                                        std::optional<planner::Phase> through) {
  using planner::HazardKind;
  std::vector<std::string> out;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const auto& step = plan.steps[i];
    if ((states != nullptr && (*states)[i].status == StepStatus::done) || (through && step.phase > *through)) {
      continue;
    }
    std::set<std::string> kinds;
    for (const auto& h : step.hazards) {
      if (h.kind == HazardKind::deletes_data || h.kind == HazardKind::table_rewrite ||
          h.kind == HazardKind::irreversible) {
        kinds.insert(std::string(planner::hazard_name(h.kind)));
      }
    }
    if (!step.reverse_sql) {
      kinds.insert(std::string(planner::hazard_name(HazardKind::irreversible)));
    }
    if (!kinds.empty()) {
      out.push_back(fmt::format("{}: {}", step.id, util::join(std::vector<std::string>(kinds.begin(), kinds.end()), ", ")));
    }
  }
  return out;
}

std::optional<nlohmann::json> BackupBeforeApply::take(pqxx::connection& conn, const BackupRequest& r) {
  auto reasons = backup_reasons(r.plan, r.in_flight ? &r.in_flight->steps : nullptr, r.through);
  if (r.in_flight && has_backup(r.in_flight->summary.backup)) {
    emit(r.on_event, {.kind = EventKind::info,
                      .message = fmt::format("backup: migration {} already has one: {}", r.in_flight->summary.id,
                                             r.in_flight->summary.backup->value("file", ""))});
    return std::nullopt;
  }
  if (m_policy.mode == BackupMode::never) {
    emit(r.on_event, {.kind = reasons.empty() ? EventKind::info : EventKind::warning,
                      .message = reasons.empty() ? "backup: skipped (--no-backup)"
                                                 : "no backup taken (--no-backup), although these steps delete data, "
                                                   "rewrite tables or cannot be undone:\n    " +
                                                       util::join(reasons, "\n    ")});
    return skipped_backup_record("--no-backup");
  }
  if (m_policy.mode == BackupMode::automatic && reasons.empty()) {
    return std::nullopt;
  }
  emit(r.on_event,
       {.kind = EventKind::info,
        .message = reasons.empty() || m_policy.mode == BackupMode::always
                       ? "backup: taking a verified backup first (--backup always)"
                       : "backup: taking a verified backup first, because of:\n    " + util::join(reasons, "\n    ")});
  BackupOptions bo = m_policy.options;
  bo.tables = r.tables;
  bo.migration_id = r.in_flight ? std::optional<int64_t>(r.in_flight->summary.id) : std::nullopt;
  bo.plan_fingerprint = r.plan.desired_fingerprint;
  bo.on_event = r.on_event;
  m_taken = take_backup(conn, bo);
  const auto& m = m_taken->manifest;
  int64_t rows = 0;
  for (const auto& t : m.tables) {
    rows += t.rows;
  }
  emit(r.on_event, {.kind = EventKind::info,
                    .message = fmt::format("backup: verified {} ({}, sha256 {}, {} table(s), {} rows) in {:.2f} s",
                                           m_taken->dump_path.string(), format_bytes(m.size_bytes), m.sha256.substr(0, 16),
                                           m.tables.size(), group_thousands(rows), m.dump_s + m.verify_s)});
  if (!m_policy.command.empty()) {
    run_backup_command(m_policy.command, *m_taken, r.on_event);
  }
  return backup_record(*m_taken);
}

void BackupBeforeApply::migration_created(int64_t migration_id) {
  if (m_taken) {
    record_migration_id(*m_taken, migration_id);
  }
}

}  // namespace pgshift::executor
