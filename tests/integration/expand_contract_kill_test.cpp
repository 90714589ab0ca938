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

#include "executor/scratch/normalize.hpp"
#include "executor/apply.hpp"
#include "executor/connection.hpp"
#include "executor/rollback.hpp"
#include "introspect/introspect.hpp"
#include "planner/planner.hpp"
#include "planner/report/render.hpp"
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

// Plans `desired_yaml` against the database set up by `setup`, then kills the apply 20 times at random
// moments; when an apply finishes between kills it is checked, rolled back and started again, so every
// kill lands in an apply. `values_sql` (before) and `values_after_sql` (after) must agree each time.
void kill_20_times(const char* setup, const char* desired_yaml, const std::string& values_sql, const std::string& values_after_sql,
                   int max_delay_ms) {
  test::TestDb db;
  db.exec(setup);
  const schema::Database desired = test::desired_schema(db, desired_yaml);
  const planner::Plan plan = planner::make_plan(introspect::introspect(db.conn(), {}), desired);
  INFO(planner::render_golden(plan));
  const std::string values_before = db.query_value(values_sql);

  auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(30, max_delay_ms), early_ms(30, 400);
  int kills = 0, completions = 0;
  std::string trace;
  bool early = true;  // before the backfill: short delays, to land in the add phase (index builds) too
  while (kills < 20) {
    int delay = early ? early_ms(rng) : delay_ms(rng);
    if (apply_in_child_killed_after(db.url(), plan, std::chrono::milliseconds(delay))) {
      ++completions;
      trace += "\n  finished within " + std::to_string(delay) + " ms: checked, rolled back, started again";
      CHECK(db.query_value(values_after_sql) == values_before);
      executor::RollbackOptions r;
      r.allowed_hazards = options().allowed_hazards;
      r.lock_timeout_ms = 5000;
      CHECK(executor::rollback(db.conn(), r).rolled_back);
      CHECK(db.query_value(values_sql) == values_before);
      early = true;
      continue;
    }
    ++kills;
    std::string where = db.query_value("SELECT to_regclass('pgshift.steps') IS NULL") == "t"
                            ? std::string("no state yet")
                            : db.query_value("SELECT string_agg(left(s.status, 4) || coalesce('@' || (s.checkpoint->>'rows_done'), ''), ' ' "
                                             "ORDER BY s.ordinal) FROM pgshift.steps s WHERE s.migration_id = "
                                             "(SELECT max(id) FROM pgshift.migrations)");
    early = where.find('@') == std::string::npos;
    trace += "\n  after " + std::to_string(delay) + " ms: " + where;
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
  CHECK(db.query_value("SELECT count(*) FROM pg_constraint WHERE NOT convalidated") == "0");
  WARN(kills << " kills, " << completions << " applies finished between them (seed " << seed << ")" << trace);
}

}  // namespace

TEST_CASE("expand/contract apply killed 20 times at random resumes and keeps every value", "[pg][expand]") {
  kill_20_times(k_setup, k_desired,
                "SELECT md5(string_agg(id || ':' || account_id || ':' || name, ',' ORDER BY id)) FROM public.users",
                "SELECT md5(string_agg(id || ':' || account_id || ':' || full_name, ',' ORDER BY id)) FROM public.users", 400);
}

// The executor issue's crash test: a NOT NULL through a check, a concurrent index, a validated foreign
// key and a volatile-default column on a 200k-row table.
TEST_CASE("apply of online changes killed 20 times at random resumes and keeps every value", "[pg]") {
  kill_20_times(R"sql(
CREATE TABLE public.customers (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.orders (id bigint PRIMARY KEY, customer_id bigint, note text, amount numeric NOT NULL);
INSERT INTO public.customers SELECT g, 'customer ' || g FROM generate_series(1, 1000) g;
INSERT INTO public.orders SELECT g, 1 + g % 1000, 'note ' || g, (g % 1000) / 10.0 FROM generate_series(1, 200000) g;
)sql",
                R"yaml(
extensions: [pgcrypto]
schemas:
  public:
    tables:
      customers:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: name, type: text, nullable: false}
        primary_key: [id]
      orders:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: customer_id, type: bigint}
          - {name: note, type: text, nullable: false}
          - {name: amount, type: numeric, nullable: false}
          - {name: token, type: uuid, nullable: false, default: "gen_random_uuid()"}
        primary_key: [id]
        foreign_keys:
          orders_customer_id_fkey: {columns: [customer_id], references: {table: customers, columns: [id]}}
        indexes:
          orders_customer_amount_idx: {columns: [customer_id, amount]}
)yaml",
                "SELECT md5(string_agg(id || ':' || customer_id || ':' || note || ':' || amount, ',' ORDER BY id)) FROM public.orders",
                "SELECT md5(string_agg(id || ':' || customer_id || ':' || note || ':' || amount, ',' ORDER BY id)) FROM public.orders "
                "WHERE token IS NOT NULL",
                1500);
}
