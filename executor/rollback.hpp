// `rollback`: undoes the applied steps of a migration, newest first, with the same locking, timeouts,
// retries and state updates as apply, so that it too resumes after a crash.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "executor/events.hpp"
#include "executor/state.hpp"
#include "executor/step_error.hpp"
#include "planner/plan.hpp"

namespace pgshift::executor {

struct RollbackOptions {
  std::optional<planner::Phase> to;  // keep this phase and the ones before it applied; nullopt = undo all
  // DELETES_DATA (or IRREVERSIBLE) lets the rollback pass over irreversible steps, leaving them applied.
  std::set<planner::HazardKind> allowed_hazards;
  std::optional<int64_t> lock_timeout_ms;
  std::optional<int64_t> statement_timeout_ms;
  int max_lock_retries = 8;
  int wait_for_quiet_s = 0;
  EventSink on_event;
  std::function<bool(const std::string& step_id)> before_step;  // test seam, as in ApplyOptions
};

struct RollbackResult {
  bool nothing_to_do = false;  // no migration to undo, or nothing after `to`
  int64_t migration_id = 0;
  int steps_reverted = 0;                      // reverse SQL run (or recognised as no longer needed) by this call
  bool rolled_back = false;                    // every step is reverted: the migration is rolled_back
  std::vector<std::string> irreversible_left;  // "<step id>: <reason>" passed over with permission
};

// Rolls back the migration in flight, or else the most recent one not rolled back (a completed one):
// the reverse SQL of every applied step whose phase is after `to`, in reverse plan order. A done step
// runs its reverse_sql ("" = nothing to undo); a failed or interrupted transactional step was never
// applied and is only marked reverted; an interrupted non-transactional step is checked with its
// done_check_sql (applied: reverse it; not: cleanup_sql). Reverse SQL that cannot run in a transaction
// (needs_autocommit) runs in autocommit, after done_check_sql shows the forward effect is still there.
// Refuses (pgshift::Error naming each step and what would be lost) when a step to undo is
// irreversible, unless DELETES_DATA is allowed. Throws pgshift::Error when another session holds the
// advisory lock, StepError when a reverse fails (the step keeps its status, with last_error).
RollbackResult rollback(pqxx::connection& conn, const RollbackOptions& options = {});

// For the cli's preview: the indexes of the steps of `m` that rollback would undo, newest first.
std::vector<size_t> steps_to_undo(const Migration& m, std::optional<planner::Phase> to);
// Throws the refusal rollback makes when one of `targets` is irreversible and data loss is not allowed.
void check_irreversible(const planner::Plan& plan, const std::vector<size_t>& targets, const RollbackOptions& options);

}  // namespace pgshift::executor
