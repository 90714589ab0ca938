// This file implements the preflight checks (preflight.hpp).
#include "executor/preflight.hpp"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

constexpr int k_min_server_version = 140000;

// Relation locks held by other sessions of this database, with the sessions' age and query.
constexpr const char* k_blocking_sql = R"sql(
SELECT a.pid,
       extract(epoch FROM clock_timestamp() - coalesce(a.xact_start, a.query_start))::float8 AS age_s,
       coalesce(a.state, ''), left(coalesce(a.query, ''), 200), coalesce(a.application_name, ''),
       string_agg(DISTINCT n.nspname || '.' || c.relname, ', ') AS tables
FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
JOIN pg_class c ON c.oid = l.relation
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.locktype = 'relation'
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND a.pid <> pg_backend_pid()
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'pgshift')
  AND (a.state LIKE 'idle in transaction%'
       OR clock_timestamp() - coalesce(a.xact_start, a.query_start) > interval '1 second')
  {table_filter}
GROUP BY a.pid, a.xact_start, a.query_start, a.state, a.query, a.application_name
ORDER BY age_s DESC
)sql";

void emit(const EventSink& on_event, Event e) {
  if (on_event) {
    on_event(e);
  }
}

std::string server_version_text(int version) {
  return fmt::format("{}.{}", version / 10000, version % 10000);
}

}  // namespace

std::set<std::string> tables_touched(const planner::Step& step) {
  std::set<std::string> out;
  if (step.backfill) {
    out.insert(step.backfill->table.display());
  }
  size_t at = step.lock.find(" on ");
  if (at != std::string::npos) {
    for (const auto& name : util::split(step.lock.substr(at + 4), ',')) {
      std::string t = util::trim(name);
      // "public.users (brief)", "public.events and its partitions": the table name alone.
      for (const char* note : {" (", " and its partitions"}) {
        t = util::trim(t.substr(0, t.find(note)));
      }
      if (!t.empty()) {
        out.insert(t);
      }
    }
  }
  return out;
}

std::vector<BlockingSession> blocking_sessions(pqxx::connection& conn, const std::set<std::string>& tables) {
  pqxx::nontransaction tx(conn);
  // The table names go as parameters, one each.
  std::vector<std::string> names(tables.begin(), tables.end());
  std::string filter;
  if (!names.empty()) {
    std::vector<std::string> p;
    for (size_t i = 0; i < names.size(); ++i) {
      p.push_back(fmt::format("${}::text", i + 1));
    }
    filter = "AND n.nspname || '.' || c.relname = ANY (ARRAY[" + util::join(p, ", ") + "])";
  }
  std::string sql = fmt::format(fmt::runtime(k_blocking_sql), fmt::arg("table_filter", filter));
  auto rows = tx.exec_params(sql, pqxx::prepare::make_dynamic_params(names));
  std::vector<BlockingSession> out;
  for (const auto& r : rows) {
    out.push_back(BlockingSession{.pid = r[0].as<int>(),
                                  .age_s = r[1].as<double>(),
                                  .state = r[2].c_str(),
                                  .query = r[3].c_str(),
                                  .tables = r[5].c_str(),
                                  .application_name = r[4].c_str()});
  }
  return out;
}

void preflight(pqxx::connection& conn, const std::set<std::string>& tables, int wait_for_quiet_s,
               const EventSink& on_event) {
  int version = conn.server_version();
  if (version < k_min_server_version) {
    emit(on_event, {.kind = EventKind::warning,
                    .message = fmt::format("PostgreSQL {} is older than 14, the oldest version pgshift is tested with",
                                           server_version_text(version))});
  } else {
    emit(on_event,
         {.kind = EventKind::info, .message = fmt::format("preflight: PostgreSQL {}", server_version_text(version))});
  }
  auto sessions = blocking_sessions(conn, tables);
  if (sessions.empty()) {
    emit(on_event,
         {.kind = EventKind::info,
          .message = "preflight: no long-running or idle-in-transaction session holds a lock on the plan's tables"});
    return;
  }
  emit(on_event, {.kind = EventKind::blocking_sessions,
                  .message = fmt::format("{} session(s) hold locks on tables this plan changes and are idle in "
                                         "transaction or running for more than a second",
                                         sessions.size()),
                  .sessions = sessions});
  if (wait_for_quiet_s <= 0) {
    return;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_for_quiet_s);
  while (!sessions.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    sessions = blocking_sessions(conn, tables);
  }
  if (sessions.empty()) {
    emit(on_event, {.kind = EventKind::info, .message = "the blocking sessions have finished"});
  } else {
    emit(on_event, {.kind = EventKind::blocking_sessions,
                    .message = fmt::format("still {} blocking session(s) after waiting {} s; proceeding under the "
                                           "lock timeouts",
                                           sessions.size(), wait_for_quiet_s),
                    .sessions = sessions});
  }
}

}  // namespace pgshift::executor
