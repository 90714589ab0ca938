// What apply decides and records about backups: which steps call for one, and the backup taken
// before the first step (BackupBeforeApply, handed to apply as ApplyOptions::backup).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "executor/apply.hpp"
#include "executor/backup/backup.hpp"
#include "executor/state.hpp"
#include "planner/plan.hpp"

namespace pgshift::executor {

enum class BackupMode { automatic, always, never };

struct BackupPolicy {
  BackupMode mode = BackupMode::automatic;
  BackupOptions options;  // tables, migration_id, plan_fingerprint and on_event are filled in per apply
  std::string command;    // run after a verified backup (run_backup_command); "" = none
};

// The steps apply would run (not done per `states`, which may be null; at or before `through`) that
// make an automatic backup worthwhile, as "<step id>: <REASON>": a DELETES_DATA, TABLE_REWRITE or
// IRREVERSIBLE hazard, or no reverse SQL at all (IRREVERSIBLE). Empty when none does.
std::vector<std::string> backup_reasons(const planner::Plan& plan, const std::vector<StepState>* states,
                                        std::optional<planner::Phase> through);

// The backup apply takes first, by `policy`: a continued migration that has one takes no other;
// BackupMode::never records the skip (a warning names the steps that would have called for one);
// automatic backs up only when backup_reasons() finds a step; then take_backup and the policy's
// command, each reported as info events. A failure throws pgshift::Error before any step runs.
class BackupBeforeApply : public BackupFirst {
 public:
  explicit BackupBeforeApply(BackupPolicy policy) : m_policy(std::move(policy)) {}
  std::optional<nlohmann::json> take(pqxx::connection& conn, const BackupRequest& request) override;
  void migration_created(int64_t migration_id) override;
  // The backup this apply took, if any.
  const std::optional<BackupResult>& taken() const { return m_taken; }

 private:
  BackupPolicy m_policy;
  std::optional<BackupResult> m_taken;
};

}  // namespace pgshift::executor
