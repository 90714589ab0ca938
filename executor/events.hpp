// What apply, rollback, backup and restore report while they run. The executor never prints: it calls the caller's
// on_event with one of these, and the cli decides how to show it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "planner/plan.hpp"

namespace pgshift::executor {

// Where a backfill stands. rows_per_s and eta_s are measured over this run only (a resumed backfill
// starts its rate afresh); eta_s is nullopt until the rate is known.
struct BackfillProgress {
  int64_t rows_done = 0;
  int64_t rows_total = 0;  // estimate made when the backfill began (rows up to the max key)
  int64_t batches = 0;     // batches committed in this run
  double rows_per_s = 0;
  std::optional<double> eta_s;
};

// How far a pg_dump or pg_restore has got: bytes written to the dump file, or bytes the restored
// database has grown by. total_bytes is an estimate (the source's size on the server), 0 when unknown.
struct TransferProgress {
  int64_t bytes = 0;
  int64_t total_bytes = 0;
  double elapsed_s = 0;
  bool finished = false;  // the last update of this transfer
};

// A session that may block the plan's DDL (or be blocked by it): it holds a lock on a table the plan
// touches and is idle in transaction or has been running for more than a second.
struct BlockingSession {
  int pid = 0;
  double age_s = 0;    // since its transaction (or query) started
  std::string state;   // pg_stat_activity.state
  std::string query;   // truncated to ~200 characters
  std::string tables;  // "public.users, public.orders"
  std::string application_name;
};

enum class EventKind {
  info,               // message: preflight and migration facts (server version, resumed migration N, ...)
  warning,            // message: something the user should know but that does not stop the run
  blocking_sessions,  // sessions: found by preflight (and again while waiting for quiet)
  step_started,       // step_id, phase, message = description; attempt
  step_skipped,       // step_id: already done (resume), recognised as done, or nothing to revert
  step_finished,      // step_id, elapsed_s
  step_retry,         // step_id, sqlstate, attempt (the one that failed), delay_ms, message = server message
  step_failed,        // step_id, sqlstate, message, attempt (the last): the error thrown next says more
  backfill_progress,  // step_id, progress
  phase_finished,     // phase
  transfer_progress,  // step_id = "pg_dump" | "pg_restore", transfer: about every second while it runs
};

struct Event {
  EventKind kind = EventKind::info;
  std::string step_id;
  std::optional<planner::Phase> phase;
  std::string message;
  int attempt = 0;
  int64_t delay_ms = 0;
  std::string sqlstate;
  double elapsed_s = 0;
  std::optional<BackfillProgress> progress;
  std::optional<TransferProgress> transfer;
  std::vector<BlockingSession> sessions;
};

// May be empty. An exception thrown by it propagates out of apply/rollback as it is, leaving the state
// as after the last commit, like a killed process (tests use this to crash mid-backfill).
using EventSink = std::function<void(const Event&)>;

}  // namespace pgshift::executor
