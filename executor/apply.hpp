// `apply`: runs a plan's steps against a database, phase by phase, recording each step in the state
// schema (state.hpp) so that a later apply continues where an earlier one stopped or crashed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>

#include "executor/events.hpp"
#include "executor/state.hpp"
#include "executor/step_error.hpp"
#include "planner/plan.hpp"

namespace pgshift::executor {

// What apply hands the backup it takes before its first step.
struct BackupRequest {
  const planner::Plan& plan;                // the plan to run (a continued migration's saved one)
  const Migration* in_flight = nullptr;     // the migration continued, or null
  std::set<std::string> tables;             // the tables the steps to run touch, unquoted "schema.name"
  std::optional<planner::Phase> through;
  const EventSink& on_event;
};

// The backup apply takes before anything is written (executor/backup's BackupBeforeApply implements
// it from a BackupPolicy; apply itself never runs pg_dump).
class BackupFirst {
 public:
  virtual ~BackupFirst() = default;
  // Called after the checks and prechecks, before the state schema or the migration row is written.
  // Returns what to record on the migration row (nullopt: nothing). Throwing stops the apply.
  virtual std::optional<nlohmann::json> take(pqxx::connection& conn, const BackupRequest& request) = 0;
  // Called once a new migration row exists, with its id.
  virtual void migration_created(int64_t migration_id) = 0;
};

struct ApplyOptions {
  std::optional<planner::Phase> through;          // stop after this phase; nullopt = all phases
  std::set<planner::HazardKind> allowed_hazards;  // hazards that need permission and have it
  std::optional<int64_t> lock_timeout_ms;         // overrides every step's own
  std::optional<int64_t> statement_timeout_ms;    // overrides every step's own (0 = none)
  std::optional<int> batch_size;                  // overrides every backfill's own
  int batch_delay_ms = 0;                         // pause between backfill batches
  int max_lock_retries = 8;                       // retries of a step or batch after 55P03 / 40P01
  int wait_for_quiet_s = 0;                       // preflight: wait this long for blocking sessions
  EventSink on_event;                             // may be empty
  // null: no backup and nothing recorded about one (library callers, tests). Else asked before the
  // first step (executor/backup/backup_policy.hpp: BackupMode::automatic backs up when
  // backup_reasons() finds a step, always backs up, never records the skip on the migration; a
  // migration continued that already has a backup takes no other).
  std::shared_ptr<BackupFirst> backup;
  // Test seam, called before each step that is about to run: returning false throws Interrupted
  // (a simulated crash: nothing more is written). May be empty.
  std::function<bool(const std::string& step_id)> before_step;
};

struct ApplyResult {
  bool nothing_to_do = false;  // empty plan, no migration in flight: nothing was written
  int64_t migration_id = 0;
  bool resumed = false;                      // continued a migration in flight
  bool completed = false;                    // every step done: the migration is completed
  std::optional<planner::Phase> last_phase;  // the migration's last phase reached
  int steps_run = 0;                         // steps run by this call (including ones recognised as already done)
  int steps_skipped = 0;                     // done before this call
  int steps_remaining = 0;                   // left for a later apply (past `through`)
};

// Applies `plan`. In order:
//  1. an empty plan with no migration in flight returns nothing_to_do without writing anything;
//  2. takes the advisory lock (throws pgshift::Error naming the holder when another session has it);
//  3. a migration in flight with the same plan (desired fingerprint and step ids) is continued, from
//     its saved plan, at the first step not done; a different plan is refused (pgshift::Error:
//     "migration N is in flight (through phase X); finish it with `pgshift apply` or undo it with
//     `pgshift rollback`");
//  4. refuses, before any step, when a step still to run has a hazard needing permission
//     (planner::hazard_needs_permission) that is not in allowed_hazards, naming every such step;
//  5. preflight (preflight.hpp) and the steps' read-only prechecks;
//  6. the backup options.backup asks for (executor/backup), and its --backup-command: a failure throws
//     pgshift::Error before anything is written (no state schema, no migration row);
//  7. creates the state schema on first use and records the migration, with its backup record;
//  8. runs each step not done whose phase is at or before `through`: transactional steps in their own
//     transaction with SET LOCAL lock_timeout / statement_timeout / search_path = public /
//     check_function_bodies = off and the state update; non-transactional ones in autocommit (on a
//     retry or resume: done_check_sql first, true = done; else cleanup_sql, then again); backfills
//     batched (backfill.hpp). 55P03 / 40P01 are retried with jittered exponential backoff.
// A failing step is marked failed and the migration too (resumable); throws StepError with the step
// id, SQLSTATE, message and SQL. When every step is done the migration is completed; otherwise it
// stays in_progress with last_phase = through.
ApplyResult apply(pqxx::connection& conn, const planner::Plan& plan, const ApplyOptions& options = {});

// Parses an --allow-hazards value: "all", or names separated by commas (DELETES_DATA,table-rewrite).
// Throws pgshift::Error naming an unknown hazard, with the nearest known name.
std::set<planner::HazardKind> parse_hazard_list(std::string_view text);

// True when `a` and `b` are the same migration: same desired fingerprint and the same step ids.
bool same_plan(const planner::Plan& a, const planner::Plan& b);

// The checks apply makes before any step, for the cli to make before asking for confirmation:
// throws pgshift::Error when a step not done (per `states`, which may be null) and within
// options.through has a hazard needing permission that options.allowed_hazards lacks.
void check_permissions(const planner::Plan& plan, const std::vector<StepState>* states, const ApplyOptions& options);
// Throws the "migration N is in flight (through phase X); finish it ..." refusal.
[[noreturn]] void refuse_in_flight(const MigrationSummary& migration);

// Steps of `steps` with hazards that need permission and are not in `allowed`, as
// "<step id>: <HAZARD>: <message>" lines; empty when everything is allowed.
std::vector<std::string> unpermitted_hazards(const std::vector<const planner::Step*>& steps,
                                             const std::set<planner::HazardKind>& allowed);

}  // namespace pgshift::executor
