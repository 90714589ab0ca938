// The migration state pgshift keeps in the target database, schema `pgshift`:
//   pgshift.state_version(version)  the layout version of the tables below (k_state_version)
//   pgshift.migrations  one row per apply of a plan: the plan JSON, fingerprints, who/when, status
//                       (in_progress | failed | completed | rolled_back), the last phase reached and
//                       the backup taken before its first step (jsonb, backup.hpp; added by
//                       ALTER TABLE ... ADD COLUMN IF NOT EXISTS, so older state tables upgrade in place)
//   pgshift.steps       one row per plan step: status (pending | running | done | failed | reverted),
//                       timestamps, attempts, last error, backfill checkpoint (jsonb)
//   pgshift.trash       soft-dropped tables and columns (trash.hpp), written by the steps themselves
// A migration is "in flight" while its status is in_progress or failed: `apply` continues it and
// `rollback` undoes it. All SQL here qualifies pgshift.* and passes values as parameters.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "executor/events.hpp"
#include "planner/plan.hpp"

namespace pgshift::executor {

inline constexpr int k_state_version = 1;

enum class StepStatus { pending, running, done, failed, reverted };
std::string_view step_status_name(StepStatus status);

struct StepState {
  int ordinal = 0;  // 0-based position in the plan
  std::string id;
  planner::Phase phase = planner::Phase::add;
  StepStatus status = StepStatus::pending;
  int attempts = 0;
  std::string last_error;
  std::string started_at, finished_at;       // server timestamps as text, "" when unset
  std::optional<nlohmann::json> checkpoint;  // backfill steps: {"max":[..],"last":[..]|null,"rows_done":n,"total":n}
  std::optional<BackfillProgress> backfill;  // from the checkpoint, for display
};

struct MigrationSummary {
  int64_t id = 0;
  std::string status;
  std::optional<planner::Phase> last_phase;  // last phase fully applied (or kept by rollback --to)
  std::string created_by, client_addr, application_name;
  std::string started_at, finished_at;
  std::string current_fingerprint, desired_fingerprint;
  int steps_total = 0, steps_done = 0, steps_failed = 0, steps_reverted = 0;
  std::optional<nlohmann::json> backup;  // backup_record() / skipped_backup_record(); nullopt = none
};

struct Status {
  bool initialized = false;                   // the pgshift schema exists
  std::optional<MigrationSummary> in_flight;  // the migration apply would continue
  std::vector<StepState> steps;               // of the migration in flight, in plan order
  std::vector<planner::Phase> phases_done;    // phases whose steps are all done
  std::optional<StepState> current_step;      // first step not done (running or failed when interrupted)
  std::optional<MigrationSummary> last;       // the most recent migration, whatever its status
};

// Read-only: never creates the state schema. Throws pqxx errors on connection problems and
// pgshift::Error when the state schema is newer than this pgshift.
Status status(pqxx::connection& conn);
// The most recent `limit` migrations, newest first. Empty when the state schema does not exist.
std::vector<MigrationSummary> history(pqxx::connection& conn, int limit = 20);

// A migration with its plan and step rows.
struct Migration {
  MigrationSummary summary;
  planner::Plan plan;
  std::vector<StepState> steps;  // one per plan step, same order
};
// The migration in flight, or nullopt (also when the state schema does not exist). Read-only.
std::optional<Migration> migration_in_flight(pqxx::connection& conn);

// ---- used by apply and rollback (under the advisory lock) ----

// Creates the schema and tables when absent (one transaction); checks the version otherwise.
// Throws pgshift::Error when the state was written by a newer pgshift.
void ensure_state(pqxx::connection& conn);
bool state_exists(pqxx::transaction_base& tx);
// The newest migration in flight, or when `or_last_applied`, the newest one not rolled back.
std::optional<Migration> load_migration(pqxx::transaction_base& tx, bool or_last_applied);
// Inserts a migration (in_progress) and its steps (pending); returns its id.
int64_t insert_migration(pqxx::transaction_base& tx, const planner::Plan& plan);

// Records the backup taken (or skipped) for the migration.
void set_migration_backup(pqxx::transaction_base& tx, int64_t id, const nlohmann::json& backup);
void set_migration_status(pqxx::transaction_base& tx, int64_t id, std::string_view status,
                          std::optional<planner::Phase> last_phase, bool finished);
// status = running, attempts + 1, started_at set on the first attempt.
void mark_step_running(pqxx::transaction_base& tx, int64_t id, int ordinal);
// Reverted clears the backfill checkpoint.
void mark_step(pqxx::transaction_base& tx, int64_t id, int ordinal, StepStatus status);
void mark_step_failed(pqxx::transaction_base& tx, int64_t id, int ordinal, const std::string& error);
// Records an error without changing the status (a failed reverse leaves the step done).
void set_step_error(pqxx::transaction_base& tx, int64_t id, int ordinal, const std::string& error);
void save_checkpoint(pqxx::transaction_base& tx, int64_t id, int ordinal, const nlohmann::json& checkpoint);

// Runs `write` in its own short transaction (state writes outside a step's transaction).
void write_state(pqxx::connection& conn, const std::function<void(pqxx::transaction_base&)>& write);

}  // namespace pgshift::executor
