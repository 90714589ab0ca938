// Locks: the session-level advisory lock that keeps two pgshift runs apart, and the retry policy for
// DDL that could not get its table lock within lock_timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <string>

namespace pgshift::executor {

// pg_try_advisory_lock(k_lock_class, k_lock_object): 'pgsh' and 1.
inline constexpr int k_lock_class = 0x70677368;
inline constexpr int k_lock_object = 1;

// Holds the advisory lock for its lifetime (session level, so it spans the steps' transactions).
class AdvisoryLock {
 public:
  // Takes the lock at once or throws pgshift::Error naming the holder (pid, client address,
  // application_name, backend start) and how to stop it. Also sets client_connection_check_interval
  // = 1s for the session (PostgreSQL 14+): when pgshift is killed, the server stops its statement
  // within a second instead of finishing it, and the lock goes with the session.
  explicit AdvisoryLock(pqxx::connection& conn);
  ~AdvisoryLock();  // releases; never throws (a dead connection released it already)
  AdvisoryLock(const AdvisoryLock&) = delete;
  AdvisoryLock& operator=(const AdvisoryLock&) = delete;

 private:
  pqxx::connection& m_conn;
};

// Describes who holds the advisory lock ("pid 123 (application_name "x", client 127.0.0.1, session
// started ...)"), or nullopt when nobody does.
std::optional<std::string> advisory_lock_holder(pqxx::connection& conn);

// A failed statement: SQLSTATE, server message (trimmed), from a libpqxx exception.
struct SqlFailure {
  std::string sqlstate;
  std::string message;
};
// The failure carried by the exception being handled; rethrows anything that is not a SQL failure
// (connection loss, usage errors, exceptions from callbacks). Call only inside a catch block.
SqlFailure current_sql_failure();

// 55P03 lock_not_available and 40P01 deadlock_detected: retrying the same statement may succeed.
bool is_lock_failure(const std::string& sqlstate);

// Jittered exponential backoff: attempt 1 waits in [50, 100] ms, doubling up to a cap of 5 s.
class Backoff {
 public:
  explicit Backoff(std::chrono::milliseconds start = std::chrono::milliseconds(100),
                   std::chrono::milliseconds cap = std::chrono::milliseconds(5000));
  std::chrono::milliseconds delay(int attempt);  // attempt >= 1

 private:
  std::chrono::milliseconds m_start, m_cap;
  std::mt19937 m_rng;
};

}  // namespace pgshift::executor
