// Checks made before the first step of an apply or rollback: the server version and the sessions that
// would block the plan's DDL (or queue behind it).
#pragma once

#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "executor/events.hpp"
#include "planner/plan.hpp"

namespace pgshift::executor {

// The tables a step locks, as unquoted "schema.name": the backfill's table and the names after
// " on " in Step::lock ("ACCESS EXCLUSIVE on public.users"; several joined by ", "), without the
// notes after a name (" (brief)", " and its partitions").
std::set<std::string> tables_touched(const planner::Step& step);

// Sessions other than ours holding a lock on one of `tables` (unquoted "schema.name"; empty = any
// table outside the system schemas) that are idle in transaction or whose transaction has run for
// more than a second.
std::vector<BlockingSession> blocking_sessions(pqxx::connection& conn, const std::set<std::string>& tables);

// Reports the server version (a warning below PostgreSQL 14) and the blocking sessions. With
// wait_for_quiet_s > 0, waits up to that long for those sessions to go away, reporting once more when
// it gives up. Never throws for what it finds; the steps' lock timeouts and retries deal with it.
void preflight(pqxx::connection& conn, const std::set<std::string>& tables, int wait_for_quiet_s,
               const EventSink& on_event);

}  // namespace pgshift::executor
