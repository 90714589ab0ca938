// This file implements the migration state tables in schema `pgshift` (state.hpp): their creation
// and versioning, and every read and write of them. Values always go as parameters.
#include "executor/state.hpp"

#include <fmt/format.h>

#include "planner/report/render.hpp"
#include "util/error.hpp"

namespace pgshift::executor {

namespace {

constexpr const char* k_create_v1 = R"sql(
CREATE TABLE pgshift.migrations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan jsonb NOT NULL,
  current_fingerprint text NOT NULL,
  desired_fingerprint text NOT NULL,
  created_by text NOT NULL DEFAULT current_user,
  client_addr text NOT NULL DEFAULT coalesce(host(inet_client_addr()), 'local'),
  application_name text NOT NULL DEFAULT current_setting('application_name'),
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at timestamptz,
  status text NOT NULL CHECK (status IN ('in_progress', 'failed', 'completed', 'rolled_back')),
  last_phase text
);
-- At most one migration in flight per database, whatever happens to the advisory lock.
CREATE UNIQUE INDEX migrations_one_in_flight ON pgshift.migrations ((true))
  WHERE status IN ('in_progress', 'failed');
CREATE TABLE pgshift.steps (
  migration_id bigint NOT NULL REFERENCES pgshift.migrations (id) ON DELETE CASCADE,
  ordinal integer NOT NULL,
  step_id text NOT NULL,
  phase text NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'running', 'done', 'failed', 'reverted')),
  started_at timestamptz,
  finished_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  checkpoint jsonb,
  PRIMARY KEY (migration_id, ordinal)
);
INSERT INTO pgshift.state_version (version) VALUES (1);
)sql";

// Additive within version 1: soft-dropped objects, one row per table or column a step moved aside.
// The steps insert and delete their rows (planner/recipes/soft_drop.cpp); `pgshift purge` removes both.
constexpr const char* k_create_trash = R"sql(
CREATE TABLE IF NOT EXISTS pgshift.trash (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  migration_id bigint REFERENCES pgshift.migrations (id) ON DELETE SET NULL,
  kind text NOT NULL CHECK (kind IN ('table', 'column')),
  table_schema text NOT NULL,
  table_name text NOT NULL,
  column_name text,
  trashed_name text NOT NULL,
  trashed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  retain_until timestamptz NOT NULL,
  bytes bigint NOT NULL DEFAULT 0
);
)sql";

constexpr const char* k_migration_columns =
    "id, status, last_phase, created_by, client_addr, application_name, date_trunc('second', started_at)::text, "
    "coalesce(date_trunc('second', finished_at)::text, ''), current_fingerprint, desired_fingerprint, "
    "(SELECT count(*) FROM pgshift.steps s WHERE s.migration_id = m.id), "
    "(SELECT count(*) FROM pgshift.steps s WHERE s.migration_id = m.id AND s.status = 'done'), "
    "(SELECT count(*) FROM pgshift.steps s WHERE s.migration_id = m.id AND s.status = 'failed'), "
    "(SELECT count(*) FROM pgshift.steps s WHERE s.migration_id = m.id AND s.status = 'reverted'), "
    // to_jsonb(m): NULL rather than an error on a state table not upgraded yet (read-only commands).
    "(to_jsonb(m) -> 'backup')::text";

std::string text(const pqxx::field& f) {
  return f.is_null() ? std::string() : std::string(f.c_str());
}

MigrationSummary read_summary(const pqxx::row& r) {
  MigrationSummary m;
  m.id = r[0].as<int64_t>();
  m.status = text(r[1]);
  m.last_phase = r[2].is_null() ? std::nullopt : planner::parse_phase(r[2].c_str());
  m.created_by = text(r[3]);
  m.client_addr = text(r[4]);
  m.application_name = text(r[5]);
  m.started_at = text(r[6]);
  m.finished_at = text(r[7]);
  m.current_fingerprint = text(r[8]);
  m.desired_fingerprint = text(r[9]);
  m.steps_total = r[10].as<int>();
  m.steps_done = r[11].as<int>();
  m.steps_failed = r[12].as<int>();
  m.steps_reverted = r[13].as<int>();
  if (!r[14].is_null() && std::string_view(r[14].c_str()) != "null") {
    m.backup = nlohmann::json::parse(r[14].c_str());
  }
  return m;
}

StepStatus parse_status(const std::string& s) {
  for (auto st :
       {StepStatus::pending, StepStatus::running, StepStatus::done, StepStatus::failed, StepStatus::reverted}) {
    if (step_status_name(st) == s) {
      return st;
    }
  }
  throw Error(fmt::format("unknown step status \"{}\" in pgshift.steps", s));
}

std::optional<BackfillProgress> progress_of(const nlohmann::json& cp) {
  if (!cp.is_object()) {
    return std::nullopt;
  }
  BackfillProgress p;
  p.rows_done = cp.value("rows_done", int64_t{0});
  p.rows_total = cp.value("total", int64_t{0});
  return p;
}

std::vector<StepState> load_steps(pqxx::transaction_base& tx, int64_t id) {
  auto rows = tx.exec_params(
      "SELECT ordinal, step_id, phase, status, attempts, coalesce(last_error, ''), "
      "coalesce(date_trunc('second', started_at)::text, ''), "
      "coalesce(date_trunc('second', finished_at)::text, ''), checkpoint::text "
      "FROM pgshift.steps WHERE migration_id = $1 ORDER BY ordinal",
      id);
  std::vector<StepState> steps;
  for (const auto& r : rows) {
    StepState s;
    s.ordinal = r[0].as<int>();
    s.id = r[1].c_str();
    s.phase = planner::parse_phase(r[2].c_str()).value_or(planner::Phase::add);
    s.status = parse_status(r[3].c_str());
    s.attempts = r[4].as<int>();
    s.last_error = r[5].c_str();
    s.started_at = r[6].c_str();
    s.finished_at = r[7].c_str();
    if (!r[8].is_null()) {
      s.checkpoint = nlohmann::json::parse(r[8].c_str());
      s.backfill = progress_of(*s.checkpoint);
    }
    steps.push_back(std::move(s));
  }
  return steps;
}

void check_version(pqxx::transaction_base& tx) {
  auto r = tx.exec("SELECT max(version) FROM pgshift.state_version");
  if (!r[0][0].is_null() && r[0][0].as<int>() > k_state_version) {
    throw Error(fmt::format("the pgshift state in this database has version {}, newer than this pgshift "
                            "understands (version {})",
                            r[0][0].as<int>(), k_state_version),
                {}, "upgrade pgshift");
  }
}

}  // namespace

std::string_view step_status_name(StepStatus status) {
  switch (status) {
    case StepStatus::pending:
      return "pending";
    case StepStatus::running:
      return "running";
    case StepStatus::done:
      return "done";
    case StepStatus::failed:
      return "failed";
    case StepStatus::reverted:
      return "reverted";
  }
  return "unknown";
}

bool state_exists(pqxx::transaction_base& tx) {
  auto r = tx.exec(
      "SELECT to_regclass('pgshift.migrations') IS NOT NULL AND "
      "to_regclass('pgshift.state_version') IS NOT NULL");
  if (!r[0][0].as<bool>()) {
    return false;
  }
  check_version(tx);
  return true;
}

void ensure_state(pqxx::connection& conn) {
  pqxx::work tx(conn);
  tx.exec("SET LOCAL lock_timeout = '5s'");
  tx.exec("CREATE SCHEMA IF NOT EXISTS pgshift");
  tx.exec("CREATE TABLE IF NOT EXISTS pgshift.state_version (version integer NOT NULL)");
  auto r = tx.exec("SELECT max(version) FROM pgshift.state_version");
  if (r[0][0].is_null()) {
    tx.exec(k_create_v1);
  } else {
    check_version(tx);
  }
  // Additive changes within version 1, which older pgshift versions read past.
  auto has_backup = tx.exec(
      "SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = 'pgshift.migrations'::regclass "
      "AND attname = 'backup' AND NOT attisdropped");
  if (has_backup.empty()) {
    tx.exec("ALTER TABLE pgshift.migrations ADD COLUMN IF NOT EXISTS backup jsonb");
  }
  // Soft drop (planner/soft_drop.hpp): what the drop phase moved aside, written by the steps themselves.
  tx.exec(k_create_trash);
  // Future layouts migrate here, one version at a time.
  tx.commit();
}

std::optional<Migration> load_migration(pqxx::transaction_base& tx, bool or_last_applied) {
  if (!state_exists(tx)) {
    return std::nullopt;
  }
  std::string where = or_last_applied ? "status <> 'rolled_back'" : "status IN ('in_progress', 'failed')";
  auto rows = tx.exec(fmt::format("SELECT {}, plan::text FROM pgshift.migrations m WHERE {} ORDER BY id DESC LIMIT 1",
                                  k_migration_columns, where));
  if (rows.empty()) {
    return std::nullopt;
  }
  Migration m;
  m.summary = read_summary(rows[0]);
  m.plan = planner::plan_from_json(nlohmann::json::parse(rows[0][15].c_str()));
  m.steps = load_steps(tx, m.summary.id);
  if (m.steps.size() != m.plan.steps.size()) {
    throw Error(fmt::format("pgshift state of migration {} is inconsistent: {} step rows for {} plan steps",
                            m.summary.id, m.steps.size(), m.plan.steps.size()));
  }
  return m;
}

int64_t insert_migration(pqxx::transaction_base& tx, const planner::Plan& plan) {
  auto r = tx.exec_params1(
      "INSERT INTO pgshift.migrations (plan, current_fingerprint, desired_fingerprint, status) "
      "VALUES ($1::jsonb, $2, $3, 'in_progress') RETURNING id",
      planner::plan_to_json_text(plan), plan.current_fingerprint, plan.desired_fingerprint);
  int64_t id = r[0].as<int64_t>();
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    tx.exec_params("INSERT INTO pgshift.steps (migration_id, ordinal, step_id, phase) VALUES ($1, $2, $3, $4)", id,
                   static_cast<int>(i), plan.steps[i].id, std::string(planner::phase_name(plan.steps[i].phase)));
  }
  return id;
}

void set_migration_backup(pqxx::transaction_base& tx, int64_t id, const nlohmann::json& backup) {
  tx.exec_params("UPDATE pgshift.migrations SET backup = $2::jsonb WHERE id = $1", id, backup.dump());
}

void set_migration_status(pqxx::transaction_base& tx, int64_t id, std::string_view status,
                          std::optional<planner::Phase> last_phase, bool finished) {
  const char* phase = nullptr;
  std::string phase_text;
  if (last_phase) {
    phase_text = std::string(planner::phase_name(*last_phase));
    phase = phase_text.c_str();
  }
  tx.exec_params(
      "UPDATE pgshift.migrations SET status = $2, last_phase = $3, "
      "finished_at = CASE WHEN $4 THEN clock_timestamp() END WHERE id = $1",
      id, std::string(status), phase, finished);
}

void mark_step_running(pqxx::transaction_base& tx, int64_t id, int ordinal) {
  tx.exec_params(
      "UPDATE pgshift.steps SET status = 'running', attempts = attempts + 1, "
      "started_at = coalesce(started_at, clock_timestamp()), finished_at = NULL "
      "WHERE migration_id = $1 AND ordinal = $2",
      id, ordinal);
}

void mark_step(pqxx::transaction_base& tx, int64_t id, int ordinal, StepStatus status) {
  bool finished = status == StepStatus::done || status == StepStatus::reverted;
  // A reverted backfill starts afresh when applied again: its checkpoint no longer describes the data.
  tx.exec_params(
      "UPDATE pgshift.steps SET status = $3, "
      "finished_at = CASE WHEN $4 THEN clock_timestamp() END, "
      "checkpoint = CASE WHEN $3 = 'reverted' THEN NULL ELSE checkpoint END "
      "WHERE migration_id = $1 AND ordinal = $2",
      id, ordinal, std::string(step_status_name(status)), finished);
}

void mark_step_failed(pqxx::transaction_base& tx, int64_t id, int ordinal, const std::string& error) {
  tx.exec_params("UPDATE pgshift.steps SET status = 'failed', last_error = $3 WHERE migration_id = $1 AND ordinal = $2",
                 id, ordinal, error);
}

void set_step_error(pqxx::transaction_base& tx, int64_t id, int ordinal, const std::string& error) {
  tx.exec_params("UPDATE pgshift.steps SET last_error = $3 WHERE migration_id = $1 AND ordinal = $2", id, ordinal,
                 error);
}

void save_checkpoint(pqxx::transaction_base& tx, int64_t id, int ordinal, const nlohmann::json& checkpoint) {
  tx.exec_params("UPDATE pgshift.steps SET checkpoint = $3::jsonb WHERE migration_id = $1 AND ordinal = $2", id,
                 ordinal, checkpoint.dump());
}

void write_state(pqxx::connection& conn, const std::function<void(pqxx::transaction_base&)>& write) {
  pqxx::work tx(conn);
  write(tx);
  tx.commit();
}

Status status(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn);
  Status st;
  st.initialized = state_exists(tx);
  if (!st.initialized) {
    return st;
  }
  auto last = tx.exec(fmt::format("SELECT {} FROM pgshift.migrations m ORDER BY id DESC LIMIT 1", k_migration_columns));
  if (!last.empty()) {
    st.last = read_summary(last[0]);
  }
  auto m = load_migration(tx, false);
  if (!m) {
    return st;
  }
  st.in_flight = m->summary;
  st.steps = m->steps;
  for (auto phase : planner::k_all_phases) {
    bool all_done = true;
    for (const auto& s : st.steps) {
      all_done = all_done && (s.phase != phase || s.status == StepStatus::done);
    }
    if (!all_done) {
      break;
    }
    st.phases_done.push_back(phase);
  }
  for (const auto& s : st.steps) {
    if (s.status != StepStatus::done) {
      st.current_step = s;
      break;
    }
  }
  return st;
}

std::vector<MigrationSummary> history(pqxx::connection& conn, int limit) {
  pqxx::read_transaction tx(conn);
  std::vector<MigrationSummary> out;
  if (!state_exists(tx)) {
    return out;
  }
  auto rows = tx.exec_params(
      fmt::format("SELECT {} FROM pgshift.migrations m ORDER BY id DESC LIMIT $1", k_migration_columns), limit);
  for (const auto& r : rows) {
    out.push_back(read_summary(r));
  }
  return out;
}

std::optional<Migration> migration_in_flight(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn);
  return load_migration(tx, false);
}

}  // namespace pgshift::executor
