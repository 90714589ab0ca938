// Batched backfills (planner::Backfill): keyset batches over the key, each its own short transaction
// with its checkpoint, bounded to the rows that existed when the backfill began.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>

#include "executor/runner.hpp"
#include "planner/plan.hpp"

namespace pgshift::executor {

struct BackfillRun {
  int64_t migration_id = 0;
  int ordinal = 0;                      // of the step in pgshift.steps
  const planner::Step* step = nullptr;  // Requires: step->backfill
  int batch_size = 0;                   // 0 = the step's own
  int batch_delay_ms = 0;
  Timeouts timeouts;
  std::optional<nlohmann::json> checkpoint;  // from the state when resuming
};

// Runs the backfill to its end and marks the step done (in the last batch's transaction).
// At the start (no checkpoint): runs the step's forward_sql when not empty, records the max key and
// a row estimate (count(*), or reltuples past 5M rows) in the checkpoint, in one transaction. Then
// each batch, in its own transaction under the step's lock_timeout:
//   SELECT key FROM t WHERE (key) > (last) AND (key) <= (max) [AND (where)] ORDER BY key OFFSET n-1 LIMIT 1
//   UPDATE t SET col = (expr), ... WHERE (key) > (last) AND (key) <= (that key, or max) [AND (where)]
// and the checkpoint update. Key values travel as text parameters, cast by the server. Reports
// backfill_progress after each batch. Throws StepError like run_step_sql (step marked failed).
void run_backfill(pqxx::connection& conn, const BackfillRun& run, RetryContext& ctx);

}  // namespace pgshift::executor
