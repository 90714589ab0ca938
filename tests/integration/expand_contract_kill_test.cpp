// kill -9 at 20 random moments of an apply made by the planner for a column rename and an
// integer-to-bigint change of a primary key referenced by a foreign key (mid-backfill, mid-index-build
// and mid-switch included): each resumed apply continues the same migration, and the end is the
// desired schema, an empty re-plan and every value preserved.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <thread>

#include "cli/shadow.hpp"
#include "executor/apply.hpp"
#include "executor/connection.hpp"
#include "executor/rollback.hpp"
#include "introspect/introspect.hpp"
#include "planner/planner.hpp"
#include "planner/render.hpp"
#include "schema/yaml_io.hpp"
#include "tests/support/pg_test.hpp"
#include "util/error.hpp"

using namespace pgshift;
using namespace std::chrono_literals;

namespace {

constexpr const char* k_setup = R"sql(
CREATE TABLE public.accounts (id integer PRIMARY KEY, title text NOT NULL);
CREATE TABLE public.users (
  id integer PRIMARY KEY,
  account_id integer NOT NULL REFERENCES public.accounts (id),
  name text NOT NULL
);
CREATE INDEX users_name_idx ON public.users (name);
INSERT INTO public.accounts SELECT g, 'account ' || g FROM generate_series(1, 2000) g;
INSERT INTO public.users SELECT g, 1 + g % 2000, 'user ' || g FROM generate_series(1, 80000) g;
)sql";

constexpr const char* k_desired = R"yaml(
schemas:
  public:
    tables:
      accounts:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: title, type: text, nullable: false}
        primary_key: [id]
      users:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: account_id, type: bigint, nullable: false}
          - {name: full_name, type: text, nullable: false, renamed_from: name}
        primary_key: [id]
        foreign_keys:
          users_account_id_fkey: {columns: [account_id], references: {table: accounts, columns: [id]}}
        indexes:
          users_name_idx: {columns: [full_name]}
)yaml";

executor::ApplyOptions options() {
  executor::ApplyOptions o;
  for (int k = 0; k <= static_cast<int>(planner::HazardKind::irreversible); ++k) {
    o.allowed_hazards.insert(static_cast<planner::HazardKind>(k));
  }
  o.lock_timeout_ms = 5000;
  o.batch_size = 2000;
  return o;
}

executor::ApplyResult apply_when_unlocked(pqxx::connection& conn, const planner::Plan& plan) {
  for (int i = 0;; ++i) {
    try {
      return executor::apply(conn, plan, options());
    } catch (const Error& e) {
      if (i > 200 || e.message().find("another pgshift apply or rollback") == std::string::npos) throw;
      std::this_thread::sleep_for(50ms);
    }
  }
}

bool apply_in_child_killed_after(const std::string& url, const planner::Plan& plan, std::chrono::milliseconds delay) {
  pid_t pid = fork();
  if (pid == 0) {
    int code = 1;
    try {
      auto conn = executor::connect(url);
      apply_when_unlocked(*conn, plan);
      code = 0;
    } catch (...) {
      code = 1;
    }
    _exit(code);
  }
  REQUIRE(pid > 0);
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

TEST_CASE("expand/contract apply killed 20 times at random resumes and keeps every value", "[pg][expand]") {
  test::TestDb db;
  db.exec(k_setup);
  schema::Database desired = schema::load_schema_text(k_desired, "desired.yaml");
  desired = cli::normalize_through_server(db.url(), desired).desired;
  const planner::Plan plan = planner::make_plan(introspect::introspect(db.conn(), {}), desired);
  INFO(planner::render_golden(plan));
  const std::string values_before =
      db.query_value("SELECT md5(string_agg(id || ':' || account_id || ':' || name, ',' ORDER BY id)) FROM public.users");

  auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(30, 400);
  int kills = 0, completions = 0;
  std::string trace;
  const std::string values_after_sql =
      "SELECT md5(string_agg(id || ':' || account_id || ':' || full_name, ',' ORDER BY id)) FROM public.users";
  // Every kill lands in an apply: when one finishes first, it is checked, rolled back and started again.
  while (kills < 20) {
    int delay = delay_ms(rng);
    if (apply_in_child_killed_after(db.url(), plan, std::chrono::milliseconds(delay))) {
      ++completions;
      trace += "\n  finished within " + std::to_string(delay) + " ms: checked, rolled back, started again";
      CHECK(db.query_value(values_after_sql) == values_before);
      executor::RollbackOptions r;
      r.allowed_hazards = options().allowed_hazards;
      r.lock_timeout_ms = 5000;
      CHECK(executor::rollback(db.conn(), r).rolled_back);
      CHECK(db.query_value("SELECT md5(string_agg(id || ':' || account_id || ':' || name, ',' ORDER BY id)) FROM public.users") ==
            values_before);
      continue;
    }
    ++kills;
    trace += "\n  after " + std::to_string(delay) + " ms: " +
             (db.query_value("SELECT to_regclass('pgshift.steps') IS NULL") == "t"
                  ? std::string("no state yet")
                  : db.query_value("SELECT string_agg(left(s.status, 4) || coalesce('@' || (s.checkpoint->>'rows_done'), ''), ' ' "
                                   "ORDER BY s.ordinal) FROM pgshift.steps s WHERE s.migration_id = "
                                   "(SELECT max(id) FROM pgshift.migrations)"));
  }
  INFO("kills:" << trace);
  CHECK(apply_when_unlocked(db.conn(), plan).completed);
  CHECK(db.query_value("SELECT status FROM pgshift.migrations ORDER BY id DESC LIMIT 1") == "completed");
  CHECK(db.query_value("SELECT count(*) FROM pgshift.migrations") == std::to_string(completions + 1));
  auto replan = planner::make_plan(introspect::introspect(db.conn(), {}), desired);
  INFO("re-plan:\n" << planner::render_golden(replan));
  CHECK(replan.empty());
  CHECK(db.query_value(values_after_sql) == values_before);
  CHECK(db.query_value("SELECT count(*) FROM pg_index WHERE NOT indisvalid") == "0");
  CHECK(db.query_value("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '\\_pgshift%'") == "0");
  CHECK(db.query_value("SELECT convalidated FROM pg_constraint WHERE conname = 'users_account_id_fkey'") == "t");
  WARN(kills << " kills, " << completions << " applies finished between them (seed " << seed << ")" << trace);
}
