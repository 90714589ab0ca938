// apply and rollback over a hand-built plan (no diff engine): every phase, --through and resume, crash
// seams, failures, hazards, in-flight refusal, and rollback from every phase back to the start.
#include <array>
#include <catch2/catch.hpp>
#include <cstdio>

#include "executor/apply.hpp"
#include "executor/rollback.hpp"
#include "executor/state.hpp"
#include "tests/support/pg_test.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

using namespace pgshift;
using executor::StepStatus;
using planner::Phase;
using planner::Step;

namespace {

constexpr const char* k_setup = R"sql(
CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL, name text, legacy text);
INSERT INTO public.users SELECT g, 'User' || g || '@Example.com', 'name ' || (g % 100), 'old ' || g
FROM generate_series(1, 2000) g;
CREATE TABLE public.applied_log (step text NOT NULL);
)sql";

Step step(std::string id, Phase phase, std::string forward, std::optional<std::string> reverse) {
  Step s;
  s.id = std::move(id);
  s.phase = phase;
  s.description = "test step " + s.id;
  s.forward_sql = std::move(forward);
  s.reverse_sql = std::move(reverse);
  s.lock = "ACCESS EXCLUSIVE on public.users";
  s.lock_timeout_ms = 2000;
  return s;
}

// Transactional steps also log themselves, so a step applied twice shows up.
std::string logged(const std::string& sql, const std::string& id) {
  return sql + "; INSERT INTO public.applied_log VALUES ('" + id + "')";
}

// NOT NULL through a check, a concurrent index and a backfill: the shape the planner produces.
planner::Plan standard_plan() {
  planner::Plan plan;
  plan.current_fingerprint = "current-fp";
  plan.desired_fingerprint = "desired-fp";
  plan.steps.push_back(step("add_column:public.users.email_lower", Phase::add,
                            logged("ALTER TABLE public.users ADD COLUMN email_lower text", "s1"),
                            "ALTER TABLE public.users DROP COLUMN email_lower"));
  plan.steps.push_back(step("add_check:public.users.users_email_lower_nn", Phase::add,
                            logged("ALTER TABLE public.users ADD CONSTRAINT users_email_lower_nn "
                                   "CHECK (email_lower IS NOT NULL) NOT VALID",
                                   "s2"),
                            "ALTER TABLE public.users DROP CONSTRAINT users_email_lower_nn"));
  Step index = step("create_index:public.users_name_idx", Phase::add,
                    "CREATE INDEX CONCURRENTLY users_name_idx ON public.users (name)",
                    "DROP INDEX CONCURRENTLY IF EXISTS public.users_name_idx");
  index.in_transaction = false;
  index.lock = "SHARE UPDATE EXCLUSIVE on public.users";
  index.done_check_sql =
      "SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('public.users_name_idx') "
      "AND indisvalid)";
  index.cleanup_sql = "DROP INDEX CONCURRENTLY IF EXISTS public.users_name_idx";
  plan.steps.push_back(index);
  Step fill = step("backfill:public.users.email_lower", Phase::backfill, "", "");
  fill.backfill = planner::Backfill{.table = {"public", "users"},
                                    .key = {"id"},
                                    .columns = {"email_lower"},
                                    .expressions = {"lower(email)"},
                                    .where = "email_lower IS NULL",
                                    .batch_size = 300};
  fill.lock = "ROW EXCLUSIVE on public.users";
  plan.steps.push_back(fill);
  plan.steps.push_back(step("validate_check:public.users.users_email_lower_nn", Phase::switch_over,
                            logged("ALTER TABLE public.users VALIDATE CONSTRAINT users_email_lower_nn", "s5"), ""));
  plan.steps.push_back(step("set_not_null:public.users.email_lower", Phase::switch_over,
                            logged("ALTER TABLE public.users ALTER COLUMN email_lower SET NOT NULL", "s6"),
                            "ALTER TABLE public.users ALTER COLUMN email_lower DROP NOT NULL"));
  plan.steps.push_back(step("drop_check:public.users.users_email_lower_nn", Phase::drop,
                            logged("ALTER TABLE public.users DROP CONSTRAINT users_email_lower_nn", "s7"),
                            "ALTER TABLE public.users ADD CONSTRAINT users_email_lower_nn "
                            "CHECK (email_lower IS NOT NULL) NOT VALID"));
  return plan;
}

// The standard plan plus an irreversible column drop (DELETES_DATA).
planner::Plan plan_with_drop() {
  auto plan = standard_plan();
  plan.desired_fingerprint = "desired-fp-with-drop";
  Step drop = step("drop_column:public.users.legacy", Phase::drop,
                   logged("ALTER TABLE public.users DROP COLUMN legacy", "s8"), std::nullopt);
  drop.irreversible_reason = "drops column public.users.legacy and its data";
  drop.hazards.push_back({planner::HazardKind::deletes_data, "drops column public.users.legacy and its data"});
  plan.steps.push_back(drop);
  return plan;
}

std::string run_command(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    out.append(buffer.data(), n);
  }
  REQUIRE(pclose(pipe) == 0);
  return out;
}

// The schema as pg_dump prints it, without pgshift's own state, comments and the random \restrict key.
std::string dump(test::TestDb& db) {
  std::string text =
      run_command("/usr/lib/postgresql/15/bin/pg_dump --schema-only --exclude-schema=pgshift '" + db.url() + "'");
  std::string out;
  for (const auto& line : util::split(text, '\n')) {
    if (!line.empty() && !util::starts_with(line, "--") && !util::starts_with(line, "\\restrict") &&
        !util::starts_with(line, "\\unrestrict")) {
      out += line + "\n";
    }
  }
  return out;
}

std::string users_checksum(test::TestDb& db) {
  return db.query_value("SELECT md5(string_agg(u::text, ',' ORDER BY id)) FROM public.users u");
}

std::string log_counts(test::TestDb& db) {
  return db.query_value(
      "SELECT string_agg(step || '=' || n, ' ' ORDER BY step) FROM "
      "(SELECT step, count(*) AS n FROM public.applied_log GROUP BY step) c");
}

std::vector<StepStatus> statuses(test::TestDb& db) {
  std::vector<StepStatus> out;
  for (const auto& s : executor::status(db.conn()).steps) {
    out.push_back(s.status);
  }
  return out;
}

void check_fully_applied(test::TestDb& db) {
  CHECK(db.query_value("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.users'::regclass "
                       "AND attname = 'email_lower'") == "t");
  CHECK(db.query_value("SELECT count(*) FROM public.users WHERE email_lower IS DISTINCT FROM lower(email)") == "0");
  CHECK(db.query_value("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.users_name_idx'::regclass") == "t");
  CHECK(db.query_value("SELECT count(*) FROM pg_constraint WHERE conname = 'users_email_lower_nn'") == "0");
  CHECK(log_counts(db) == "s1=1 s2=1 s5=1 s6=1 s7=1");
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.render();
  }
  FAIL("no pgshift::Error thrown");
  return "";
}

}  // namespace

TEST_CASE("apply runs every phase in order and records a completed migration") {
  test::TestDb db;
  db.exec(k_setup);
  std::vector<std::string> started;
  executor::ApplyOptions opts;
  opts.on_event = [&](const executor::Event& e) {
    if (e.kind == executor::EventKind::step_started) {
      started.push_back(e.step_id);
    }
  };
  auto result = executor::apply(db.conn(), standard_plan(), opts);
  CHECK(result.completed);
  CHECK_FALSE(result.resumed);
  CHECK(result.steps_run == 7);
  CHECK(started.size() == 7);
  check_fully_applied(db);

  auto st = executor::status(db.conn());
  CHECK_FALSE(st.in_flight);
  REQUIRE(st.last);
  CHECK(st.last->status == "completed");
  CHECK(st.last->last_phase == Phase::drop);
  CHECK(st.last->steps_done == 7);
  CHECK(st.last->created_by == "postgres");
  CHECK_FALSE(st.last->finished_at.empty());
  auto h = executor::history(db.conn(), 10);
  REQUIRE(h.size() == 1);
  CHECK(h[0].id == result.migration_id);
  CHECK(db.query_value("SELECT plan->'steps'->2->>'id' FROM pgshift.migrations") ==
        "create_index:public.users_name_idx");
  CHECK(db.query_value("SELECT checkpoint->>'rows_done' FROM pgshift.steps WHERE ordinal = 3") == "2000");
}

TEST_CASE("apply --through a phase stops there, and a later apply continues the same migration") {
  for (auto through : {Phase::add, Phase::backfill, Phase::switch_over}) {
    DYNAMIC_SECTION("through " << planner::phase_name(through)) {
      test::TestDb db;
      db.exec(k_setup);
      auto plan = standard_plan();
      executor::ApplyOptions opts;
      opts.through = through;
      auto first = executor::apply(db.conn(), plan, opts);
      CHECK_FALSE(first.completed);
      CHECK(first.last_phase == through);
      size_t expected_done = 0;
      for (const auto& s : plan.steps) {
        expected_done += s.phase <= through ? 1 : 0;
      }
      CHECK(first.steps_run == static_cast<int>(expected_done));
      auto st = executor::status(db.conn());
      REQUIRE(st.in_flight);
      CHECK(st.in_flight->status == "in_progress");
      CHECK(st.in_flight->last_phase == through);
      CHECK(st.phases_done.back() == through);
      REQUIRE(st.current_step);
      CHECK(st.current_step->id == plan.steps[expected_done].id);

      auto second = executor::apply(db.conn(), plan);
      CHECK(second.resumed);
      CHECK(second.completed);
      CHECK(second.migration_id == first.migration_id);
      CHECK(second.steps_skipped == static_cast<int>(expected_done));
      CHECK(second.steps_run == static_cast<int>(plan.steps.size() - expected_done));
      check_fully_applied(db);
      CHECK(executor::history(db.conn(), 10).size() == 1);
    }
  }
}

TEST_CASE("an empty plan with no migration in flight changes nothing, not even the state schema") {
  test::TestDb db;
  auto result = executor::apply(db.conn(), planner::Plan{});
  CHECK(result.nothing_to_do);
  CHECK(db.query_value("SELECT to_regnamespace('pgshift') IS NULL") == "t");
  CHECK_FALSE(executor::status(db.conn()).initialized);
}

TEST_CASE("a crash before any step resumes at that step and applies nothing twice") {
  auto plan = standard_plan();
  for (size_t k = 0; k < plan.steps.size(); ++k) {
    DYNAMIC_SECTION("crash before step " << k) {
      test::TestDb db;
      db.exec(k_setup);
      executor::ApplyOptions crash;
      crash.before_step = [&](const std::string& id) { return id != plan.steps[k].id; };
      CHECK_THROWS_AS(executor::apply(db.conn(), plan, crash), executor::Interrupted);
      auto st = statuses(db);
      for (size_t i = 0; i < st.size(); ++i) {
        CHECK(st[i] == (i < k ? StepStatus::done : StepStatus::pending));
      }
      auto result = executor::apply(db.conn(), plan);
      CHECK(result.resumed);
      CHECK(result.completed);
      CHECK(result.steps_run == static_cast<int>(plan.steps.size() - k));
      check_fully_applied(db);
    }
  }
}

TEST_CASE("a failing step stops the apply with its id, SQLSTATE and SQL, and resumes once fixed") {
  test::TestDb db;
  db.exec(k_setup);
  auto plan = standard_plan();
  plan.steps.insert(plan.steps.begin() + 1,
                    step("add_fk:public.users.users_team_fk", Phase::add,
                         "ALTER TABLE public.users ADD COLUMN team_id int REFERENCES public.teams (id)",
                         "ALTER TABLE public.users DROP COLUMN team_id"));
  try {
    executor::apply(db.conn(), plan);
    FAIL("apply did not fail");
  } catch (const executor::StepError& e) {
    CHECK(e.step_id() == "add_fk:public.users.users_team_fk");
    CHECK(e.sqlstate() == "42P01");
    CHECK_THAT(e.message(), Catch::Contains("step add_fk:public.users.users_team_fk failed"));
    CHECK_THAT(e.message(), Catch::Contains("relation \"public.teams\" does not exist"));
    CHECK_THAT(e.message(), Catch::Contains("SQLSTATE 42P01"));
    CHECK_THAT(e.message(), Catch::Contains("SQL: ALTER TABLE public.users ADD COLUMN team_id"));
    CHECK_THAT(e.hint(), Catch::Contains("pgshift apply"));
  }
  auto st = executor::status(db.conn());
  REQUIRE(st.in_flight);
  CHECK(st.in_flight->status == "failed");
  CHECK(st.steps[1].status == StepStatus::failed);
  CHECK(st.steps[1].attempts == 1);
  CHECK_THAT(st.steps[1].last_error, Catch::Contains("42P01"));
  REQUIRE(st.current_step);
  CHECK(st.current_step->id == "add_fk:public.users.users_team_fk");

  db.exec("CREATE TABLE public.teams (id int PRIMARY KEY)");
  auto result = executor::apply(db.conn(), plan);
  CHECK(result.completed);
  CHECK(result.steps_skipped == 1);
  check_fully_applied(db);
  CHECK(db.query_value("SELECT attempts FROM pgshift.steps WHERE ordinal = 1") == "2");
}

TEST_CASE("an INVALID index left by a failed concurrent build is dropped before the build runs again") {
  test::TestDb db;
  db.exec(
      "CREATE TABLE public.accounts (id int PRIMARY KEY, email text);"
      "INSERT INTO public.accounts SELECT g, 'a' || (g % 500) FROM generate_series(1, 1000) g;");
  planner::Plan plan;
  plan.desired_fingerprint = "unique-email";
  Step index = step("create_index:public.accounts_email_key", Phase::add,
                    "CREATE UNIQUE INDEX CONCURRENTLY accounts_email_key ON public.accounts (email)",
                    "DROP INDEX CONCURRENTLY IF EXISTS public.accounts_email_key");
  index.in_transaction = false;
  index.done_check_sql =
      "SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = "
      "to_regclass('public.accounts_email_key') AND indisvalid)";
  index.cleanup_sql = "DROP INDEX CONCURRENTLY IF EXISTS public.accounts_email_key";
  plan.steps.push_back(index);

  try {
    executor::apply(db.conn(), plan);
    FAIL("the duplicate emails did not fail the build");
  } catch (const executor::StepError& e) {
    CHECK(e.sqlstate() == "23505");
  }
  CHECK(db.query_value("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.accounts_email_key'::regclass") ==
        "f");
  db.exec("UPDATE public.accounts SET email = 'a' || id");
  auto result = executor::apply(db.conn(), plan);
  CHECK(result.completed);
  CHECK(db.query_value("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.accounts_email_key'::regclass") ==
        "t");
  CHECK(db.query_value("SELECT count(*) FROM pg_class WHERE relname LIKE 'accounts_email_key%'") == "1");
}

TEST_CASE("a non-transactional step that took effect before a crash is recognised as done") {
  test::TestDb db;
  db.exec(k_setup);
  auto plan = standard_plan();
  executor::ApplyOptions crash;
  crash.before_step = [&](const std::string& id) { return id != plan.steps[3].id; };
  CHECK_THROWS_AS(executor::apply(db.conn(), plan, crash), executor::Interrupted);
  // As if the process died after the index build finished but before recording it.
  db.exec("UPDATE pgshift.steps SET status = 'running' WHERE ordinal = 2");
  auto result = executor::apply(db.conn(), plan);
  CHECK(result.completed);
  check_fully_applied(db);
  CHECK(db.query_value("SELECT attempts FROM pgshift.steps WHERE ordinal = 2") == "1");
}

TEST_CASE("steps with hazards that need permission are refused before any step, each one named") {
  test::TestDb db;
  db.exec(k_setup);
  auto plan = plan_with_drop();
  plan.steps[0].hazards.push_back({planner::HazardKind::table_rewrite, "rewrites public.users"});
  std::string text = error_of([&] { executor::apply(db.conn(), plan); });
  CHECK_THAT(text, Catch::Contains("hazards that need permission"));
  CHECK_THAT(text, Catch::Contains("add_column:public.users.email_lower: TABLE_REWRITE: rewrites public.users"));
  CHECK_THAT(text, Catch::Contains("drop_column:public.users.legacy: DELETES_DATA: drops column public.users.legacy"));
  CHECK_THAT(text, Catch::Contains("--allow-hazards DELETES_DATA,TABLE_REWRITE"));
  CHECK(db.query_value("SELECT count(*) FROM information_schema.columns WHERE column_name = 'email_lower'") == "0");
  CHECK(db.query_value("SELECT to_regclass('pgshift.migrations') IS NULL") == "t");

  executor::ApplyOptions opts;
  opts.allowed_hazards = {planner::HazardKind::deletes_data};
  CHECK_THROWS_WITH(executor::apply(db.conn(), plan, opts), Catch::Contains("TABLE_REWRITE"));
  opts.allowed_hazards.insert(planner::HazardKind::table_rewrite);
  CHECK(executor::apply(db.conn(), plan, opts).completed);
  CHECK(db.query_value("SELECT count(*) FROM information_schema.columns WHERE column_name = 'legacy'") == "0");
}

TEST_CASE("a different plan while a migration is in flight is refused") {
  test::TestDb db;
  db.exec(k_setup);
  executor::ApplyOptions opts;
  opts.through = Phase::add;
  auto first = executor::apply(db.conn(), standard_plan(), opts);
  std::string expected = "migration " + std::to_string(first.migration_id) +
                         " is in flight (through phase add); finish it with `pgshift apply` or undo it with "
                         "`pgshift rollback`";
  CHECK_THAT(error_of([&] { executor::apply(db.conn(), plan_with_drop()); }), Catch::Contains(expected));
  CHECK_THAT(error_of([&] { executor::apply(db.conn(), planner::Plan{}); }), Catch::Contains(expected));
  auto other = standard_plan();
  other.steps.pop_back();  // same desired fingerprint, other steps
  CHECK_THAT(error_of([&] { executor::apply(db.conn(), other); }), Catch::Contains(expected));
  CHECK(executor::apply(db.conn(), standard_plan()).completed);
}

TEST_CASE("rollback from every phase restores the schema and the data") {
  for (auto through : planner::k_all_phases) {
    DYNAMIC_SECTION("applied through " << planner::phase_name(through)) {
      test::TestDb db;
      db.exec(k_setup);
      std::string schema0 = dump(db);
      std::string data0 = users_checksum(db);
      executor::ApplyOptions opts;
      opts.through = through;
      executor::apply(db.conn(), standard_plan(), opts);
      CHECK(dump(db) != schema0);

      auto result = executor::rollback(db.conn());
      CHECK(result.rolled_back);
      CHECK(dump(db) == schema0);
      CHECK(users_checksum(db) == data0);
      auto st = executor::status(db.conn());
      CHECK_FALSE(st.in_flight);
      CHECK(st.last->status == "rolled_back");
      int applied = 0;
      for (const auto& s : standard_plan().steps) {
        applied += s.phase <= through ? 1 : 0;
      }
      CHECK(st.last->steps_reverted == applied);
      CHECK(result.steps_reverted == applied);
      CHECK(executor::rollback(db.conn()).nothing_to_do);

      // And the plan applies again from scratch, as a new migration.
      auto again = executor::apply(db.conn(), standard_plan());
      CHECK(again.completed);
      CHECK(again.migration_id != result.migration_id);
    }
  }
}

TEST_CASE("rollback --to add undoes the later phases only, and apply then continues") {
  test::TestDb db;
  db.exec(k_setup);
  executor::apply(db.conn(), standard_plan());
  executor::RollbackOptions to_add;
  to_add.to = Phase::add;
  auto result = executor::rollback(db.conn(), to_add);
  CHECK_FALSE(result.rolled_back);
  CHECK(result.steps_reverted == 4);
  CHECK(db.query_value("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.users'::regclass "
                       "AND attname = 'email_lower'") == "f");
  // The helper check is back as the add phase left it: NOT VALID.
  CHECK(db.query_value("SELECT convalidated FROM pg_constraint WHERE conname = 'users_email_lower_nn'") == "f");
  CHECK(db.query_value("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.users_name_idx'::regclass") == "t");
  auto st = executor::status(db.conn());
  REQUIRE(st.in_flight);
  CHECK(st.in_flight->last_phase == Phase::add);
  CHECK(statuses(db) == std::vector<StepStatus>{StepStatus::done, StepStatus::done, StepStatus::done,
                                                StepStatus::reverted, StepStatus::reverted, StepStatus::reverted,
                                                StepStatus::reverted});
  CHECK_FALSE(st.steps[3].checkpoint);  // a reverted backfill runs afresh
  auto resumed = executor::apply(db.conn(), standard_plan());
  CHECK(resumed.completed);
  CHECK(resumed.steps_run == 4);
  CHECK(db.query_value("SELECT checkpoint->>'rows_done' FROM pgshift.steps WHERE ordinal = 3") == "0");
}

TEST_CASE("rolling back an irreversible step is refused without DELETES_DATA, naming what would be lost") {
  test::TestDb db;
  db.exec(k_setup);
  executor::ApplyOptions opts;
  opts.allowed_hazards = {planner::HazardKind::deletes_data};
  executor::apply(db.conn(), plan_with_drop(), opts);
  std::string text = error_of([&] { executor::rollback(db.conn()); });
  CHECK_THAT(text, Catch::Contains("cannot roll back without losing data"));
  CHECK_THAT(text, Catch::Contains("drop_column:public.users.legacy: drops column public.users.legacy and its data"));
  CHECK_THAT(text, Catch::Contains("--allow-hazards DELETES_DATA"));
  CHECK(executor::status(db.conn()).last->status == "completed");

  executor::RollbackOptions to_switch;  // keeps the drop phase: nothing irreversible to undo
  to_switch.to = Phase::drop;
  CHECK(executor::rollback(db.conn(), to_switch).nothing_to_do);

  executor::RollbackOptions allowed;
  allowed.allowed_hazards = {planner::HazardKind::deletes_data};
  auto result = executor::rollback(db.conn(), allowed);
  CHECK(result.rolled_back);
  REQUIRE(result.irreversible_left.size() == 1);
  CHECK_THAT(result.irreversible_left[0], Catch::Contains("drop_column:public.users.legacy"));
  CHECK(db.query_value("SELECT count(*) FROM information_schema.columns WHERE column_name IN ('legacy', "
                       "'email_lower')") == "0");
}

TEST_CASE("a rollback interrupted part way resumes and finishes") {
  auto plan = standard_plan();
  for (size_t k : {size_t{5}, size_t{2}, size_t{0}}) {  // set_not_null, the concurrent index, the first step
    DYNAMIC_SECTION("crash before undoing " << plan.steps[k].id) {
      test::TestDb db;
      db.exec(k_setup);
      std::string schema0 = dump(db);
      executor::apply(db.conn(), plan);
      const std::string& crash_id = plan.steps[k].id;
      executor::RollbackOptions crash;
      crash.before_step = [&](const std::string& id) { return id != crash_id; };
      CHECK_THROWS_AS(executor::rollback(db.conn(), crash), executor::Interrupted);
      auto result = executor::rollback(db.conn());
      CHECK(result.rolled_back);
      CHECK(dump(db) == schema0);
    }
  }
}

TEST_CASE("rollback of a failed migration undoes the applied steps and passes over the failed one") {
  test::TestDb db;
  db.exec(k_setup);
  std::string schema0 = dump(db);
  auto plan = standard_plan();
  plan.steps[4].forward_sql = "ALTER TABLE public.users VALIDATE CONSTRAINT no_such_constraint";
  CHECK_THROWS_AS(executor::apply(db.conn(), plan), executor::StepError);
  std::vector<std::string> events;
  executor::RollbackOptions opts;
  opts.on_event = [&](const executor::Event& e) {
    if (e.kind == executor::EventKind::step_skipped) {
      events.push_back(e.step_id + ": " + e.message);
    }
  };
  auto result = executor::rollback(db.conn(), opts);
  CHECK(result.rolled_back);
  CHECK(dump(db) == schema0);
  CHECK(events == std::vector<std::string>{"validate_check:public.users.users_email_lower_nn: never applied: nothing "
                                           "to undo",
                                           "backfill:public.users.email_lower: nothing to undo"});
}

TEST_CASE("rollback with no migration says there is nothing to do") {
  test::TestDb db;
  CHECK(executor::rollback(db.conn()).nothing_to_do);
}
