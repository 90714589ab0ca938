// Running one step's SQL: in its own transaction with the state update, or in autocommit for
// statements that refuse a transaction; with the step's timeouts, and lock failures retried.
// Shared by apply (forward SQL), rollback (reverse SQL) and backfill (each batch).
#pragma once

#include <cstdint>
#include <functional>
#include <pqxx/pqxx>
#include <string>

#include "executor/events.hpp"
#include "executor/lock.hpp"

namespace pgshift::executor {

struct Timeouts {
  int64_t lock_timeout_ms = 0;       // 0 = none
  int64_t statement_timeout_ms = 0;  // 0 = none
};

// SET LOCAL lock_timeout, statement_timeout, search_path = public, check_function_bodies = off.
// pgshift runs DDL and introspection with search_path = public, so unqualified names mean the same
// to both; function bodies are checked by PostgreSQL when called, not when (re)created out of order.
void set_local(pqxx::transaction_base& tx, const Timeouts& timeouts);

// The same settings at session level for autocommit statements, RESET when it goes away.
class SessionSettings {
 public:
  SessionSettings(pqxx::connection& conn, const Timeouts& timeouts);
  ~SessionSettings();
  SessionSettings(const SessionSettings&) = delete;
  SessionSettings& operator=(const SessionSettings&) = delete;

 private:
  pqxx::connection& m_conn;
};

struct RetryContext {
  int max_retries = 8;  // retries after the first attempt
  Backoff backoff;
  EventSink on_event;
};

// Calls attempt(n) for n = 1, 2, ... until it returns. A lock failure (55P03, 40P01) is retried after
// a backoff delay, reported as a step_retry event. Any other SQL failure, or a lock failure after
// max_retries retries, calls give_up(failure, attempts), which must throw. Exceptions that are not SQL
// failures (lost connection, callbacks) propagate untouched.
void with_lock_retries(RetryContext& ctx, const std::string& step_id, const std::function<void(int)>& attempt,
                       const std::function<void(const SqlFailure&, int)>& give_up);

// One step's SQL and how to run it.
struct SqlRun {
  std::string step_id;
  std::string sql;
  bool autocommit = false;  // run statement by statement outside a transaction
  Timeouts timeouts;
  bool resuming = false;  // an earlier run started this (autocommit: recover before the first attempt)
  std::string hint;       // for the error thrown on failure: how to resume
};

// What a run writes to the state; each hook may be empty.
struct StepHooks {
  std::function<void(pqxx::transaction_base&)> started;   // own transaction, before every attempt
  std::function<void(pqxx::transaction_base&)> finished;  // in the SQL's transaction (autocommit: right after)
  std::function<void(pqxx::transaction_base&, const std::string&)> failed;  // own transaction, then throw
  // Autocommit only, before a retry or on resume: true when the SQL already took effect (the hook
  // records that itself); otherwise it removes any debris (an INVALID index) so the SQL can run again.
  std::function<bool()> recover;
};

// Runs `run`; throws StepError (step id, SQLSTATE, message, SQL) after calling hooks.failed.
void run_step_sql(pqxx::connection& conn, const SqlRun& run, const StepHooks& hooks, RetryContext& ctx);

// Runs `sql` statement by statement in autocommit under `timeouts` (session settings, reset after).
void run_autocommit(pqxx::connection& conn, const std::string& sql, const Timeouts& timeouts);
// Runs a done_check_sql query (one row, one boolean) under `timeouts`; NULL or no row counts as false.
bool query_done(pqxx::connection& conn, const std::string& sql, const Timeouts& timeouts);

// "step <id> failed: ..." with the SQL, as thrown by run_step_sql.
[[noreturn]] void throw_step_error(const std::string& step_id, const SqlFailure& failure, int attempts,
                                   const std::string& sql, const Timeouts& timeouts, const std::string& hint);
// The text stored in pgshift.steps.last_error.
std::string failure_text(const SqlFailure& failure);

}  // namespace pgshift::executor
