// This file implements running one step's SQL (runner.hpp): settings, the transaction or autocommit
// shape, the state hooks, and the retry loop for lock failures.
#include "executor/runner.hpp"

#include <fmt/format.h>

#include <thread>

#include "executor/sql_kind.hpp"
#include "executor/step_error.hpp"

namespace pgshift::executor {

namespace {

constexpr const char* k_settings_sql =
    "SELECT set_config('lock_timeout', $1, $3), set_config('statement_timeout', $2, $3), "
    "set_config('search_path', 'public', $3), set_config('check_function_bodies', 'off', $3)";

void run_in_transaction(pqxx::connection& conn, const SqlRun& run, const StepHooks& hooks) {
  pqxx::work tx(conn);
  set_local(tx, run.timeouts);
  tx.exec(run.sql);
  if (hooks.finished) {
    hooks.finished(tx);
  }
  tx.commit();
}

void write(pqxx::connection& conn, const std::function<void(pqxx::transaction_base&)>& hook) {
  if (!hook) {
    return;
  }
  pqxx::work tx(conn);
  hook(tx);
  tx.commit();
}

}  // namespace

void set_local(pqxx::transaction_base& tx, const Timeouts& timeouts) {
  tx.exec_params(k_settings_sql, std::to_string(timeouts.lock_timeout_ms),
                 std::to_string(timeouts.statement_timeout_ms), true);
}

SessionSettings::SessionSettings(pqxx::connection& conn, const Timeouts& timeouts) : m_conn(conn) {
  pqxx::nontransaction tx(conn);
  tx.exec_params(k_settings_sql, std::to_string(timeouts.lock_timeout_ms),
                 std::to_string(timeouts.statement_timeout_ms), false);
}

SessionSettings::~SessionSettings() {
  try {
    pqxx::nontransaction tx(m_conn);
    tx.exec("RESET lock_timeout; RESET statement_timeout; RESET search_path; RESET check_function_bodies");
  } catch (...) {
    // A lost connection takes its settings with it.
  }
}

void run_autocommit(pqxx::connection& conn, const std::string& sql, const Timeouts& timeouts) {
  SessionSettings settings(conn, timeouts);
  for (const auto& statement : split_statements(sql)) {
    pqxx::nontransaction tx(conn);
    tx.exec(statement);
  }
}

bool query_done(pqxx::connection& conn, const std::string& sql, const Timeouts& timeouts) {
  pqxx::work tx(conn);
  set_local(tx, timeouts);
  auto r = tx.exec(sql);
  tx.commit();
  return !r.empty() && !r[0].empty() && !r[0][0].is_null() && r[0][0].as<bool>();
}

void with_lock_retries(RetryContext& ctx, const std::string& step_id, const std::function<void(int)>& attempt,
                       const std::function<void(const SqlFailure&, int)>& give_up) {
  for (int n = 1;; ++n) {
    SqlFailure failure;
    try {
      attempt(n);
      return;
    } catch (...) {
      failure = current_sql_failure();  // rethrows what is not a SQL failure
    }
    if (!is_lock_failure(failure.sqlstate) || n > ctx.max_retries) {
      if (ctx.on_event) {
        ctx.on_event(Event{.kind = EventKind::step_failed,
                           .step_id = step_id,
                           .message = failure.message,
                           .attempt = n,
                           .sqlstate = failure.sqlstate});
      }
      give_up(failure, n);
      throw std::logic_error("give_up returned");  // give_up must throw
    }
    auto delay = ctx.backoff.delay(n);
    if (ctx.on_event) {
      Event e{.kind = EventKind::step_retry,
              .step_id = step_id,
              .message = failure.message,
              .attempt = n,
              .delay_ms = delay.count(),
              .sqlstate = failure.sqlstate};
      ctx.on_event(e);
    }
    std::this_thread::sleep_for(delay);
  }
}

void run_step_sql(pqxx::connection& conn, const SqlRun& run, const StepHooks& hooks, RetryContext& ctx) {
  auto attempt = [&](int n) {
    if (run.autocommit && (n > 1 || run.resuming) && hooks.recover && hooks.recover()) {
      return;
    }
    write(conn, hooks.started);
    if (run.autocommit) {
      run_autocommit(conn, run.sql, run.timeouts);
      write(conn, hooks.finished);
    } else {
      run_in_transaction(conn, run, hooks);
    }
  };
  auto give_up = [&](const SqlFailure& failure, int attempts) {
    if (hooks.failed) {
      pqxx::work tx(conn);
      hooks.failed(tx, failure_text(failure));
      tx.commit();
    }
    throw_step_error(run.step_id, failure, attempts, run.sql, run.timeouts, run.hint);
  };
  with_lock_retries(ctx, run.step_id, attempt, give_up);
}

std::string failure_text(const SqlFailure& failure) {
  return fmt::format("{} (SQLSTATE {})", failure.message, failure.sqlstate.empty() ? "unknown" : failure.sqlstate);
}

void throw_step_error(const std::string& step_id, const SqlFailure& failure, int attempts, const std::string& sql,
                      const Timeouts& timeouts, const std::string& hint) {
  std::string what;
  if (is_lock_failure(failure.sqlstate)) {
    what = fmt::format("step {} could not get its lock in {} attempts (lock_timeout {} ms): {}", step_id, attempts,
                       timeouts.lock_timeout_ms, failure_text(failure));
  } else {
    what = fmt::format("step {} failed: {}", step_id, failure_text(failure));
  }
  throw StepError(step_id, failure.sqlstate, fmt::format("{}\n  SQL: {}", what, sql), hint);
}

}  // namespace pgshift::executor
