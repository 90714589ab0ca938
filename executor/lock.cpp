// This file implements the advisory lock that keeps two pgshift runs apart and the lock-failure
// retry vocabulary (lock.hpp).
#include "executor/lock.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {

AdvisoryLock::AdvisoryLock(pqxx::connection& conn) : m_conn(conn) {
  bool taken = false;
  {
    pqxx::nontransaction tx(conn);
    taken = tx.exec_params1("SELECT pg_try_advisory_lock($1, $2)", k_lock_class, k_lock_object)[0].as<bool>();
  }
  if (taken) {
    if (conn.server_version() >= 140000) {
      pqxx::nontransaction tx(conn);
      tx.exec("SET client_connection_check_interval = 1000");
    }
    return;
  }
  auto holder = advisory_lock_holder(conn);
  throw Error(
      fmt::format("another pgshift apply or rollback is running on this database: {}",
                  holder.value_or("a session that has just released the lock")),
      {},
      holder ? "wait for it to finish; if it is stuck, stop it with SELECT pg_terminate_backend(pid)" : "try again");
}

AdvisoryLock::~AdvisoryLock() {
  try {
    pqxx::nontransaction tx(m_conn);
    tx.exec_params("SELECT pg_advisory_unlock($1, $2)", k_lock_class, k_lock_object);
  } catch (...) {
    // The session is gone, and the lock with it.
  }
}

std::optional<std::string> advisory_lock_holder(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  // The two-key form of the lock appears with classid, objid and objsubid = 2.
  auto rows = tx.exec_params(
      "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'), "
      "a.backend_start::text, coalesce(a.usename::text, '') "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid AND l.objid = $2::oid "
      "AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
      "AND a.pid <> pg_backend_pid()",
      k_lock_class, k_lock_object);
  if (rows.empty()) {
    return std::nullopt;
  }
  const auto& r = rows[0];
  return fmt::format("pid {} (user {}, application_name \"{}\", client {}, session started {})", r[0].c_str(),
                     r[4].c_str(), r[1].c_str(), r[2].c_str(), r[3].c_str());
}

SqlFailure current_sql_failure() {
  try {
    throw;
  } catch (const pqxx::sql_error& e) {
    return {e.sqlstate(), util::trim(e.what())};
  } catch (const pqxx::deadlock_detected& e) {
    return {"40P01", util::trim(e.what())};
  } catch (const pqxx::serialization_failure& e) {
    return {"40001", util::trim(e.what())};
  }
}

bool is_lock_failure(const std::string& sqlstate) {
  return sqlstate == "55P03" || sqlstate == "40P01";
}

Backoff::Backoff(std::chrono::milliseconds start, std::chrono::milliseconds cap)
    : m_start(start), m_cap(cap), m_rng(std::random_device{}()) {}

std::chrono::milliseconds Backoff::delay(int attempt) {
  int64_t ceiling = m_start.count();
  for (int i = 1; i < attempt && ceiling < m_cap.count(); ++i) {
    ceiling *= 2;
  }
  ceiling = std::min<int64_t>(ceiling, m_cap.count());
  // "Equal jitter": half fixed, half random, so concurrent retries spread out but never spin.
  std::uniform_int_distribution<int64_t> jitter(ceiling / 2, ceiling);
  return std::chrono::milliseconds(jitter(m_rng));
}

}  // namespace pgshift::executor
