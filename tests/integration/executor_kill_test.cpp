// kill -9 at random moments: a child process runs apply and is killed (mid-backfill, mid-index-build,
// between steps); apply again resumes and finishes, nothing applied twice, nothing lost.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <thread>

#include "executor/apply.hpp"
#include "executor/connection.hpp"
#include "executor/rollback.hpp"
#include "executor/state.hpp"
#include "tests/support/pg_test.hpp"
#include "util/error.hpp"

using namespace pgshift;
using namespace std::chrono_literals;
using planner::Phase;
using planner::Step;

namespace {

constexpr const char* k_setup = R"sql(
CREATE TABLE public.orders (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric NOT NULL,
                            hits int NOT NULL DEFAULT 0);
INSERT INTO public.orders (id, customer, amount)
SELECT g, 'Customer ' || (g % 997), (g % 1000) / 10.0 FROM generate_series(1, 60000) g;
CREATE TABLE public.applied_log (step text NOT NULL);
)sql";

Step step(std::string id, Phase phase, std::string forward, std::string reverse) {
  Step s;
  s.id = std::move(id);
  s.phase = phase;
  s.forward_sql = std::move(forward);
  s.reverse_sql = std::move(reverse);
  s.lock = "ACCESS EXCLUSIVE on public.orders";
  s.lock_timeout_ms = 1000;
  return s;
}

std::string logged(const std::string& sql, const std::string& id) {
  return sql + "; INSERT INTO public.applied_log VALUES ('" + id + "')";
}

planner::Plan plan() {
  planner::Plan p;
  p.desired_fingerprint = "orders-v2";
  p.steps.push_back(step("add_column:public.orders.customer_key", Phase::add,
                         logged("ALTER TABLE public.orders ADD COLUMN customer_key text", "s1"),
                         "ALTER TABLE public.orders DROP COLUMN customer_key"));
  p.steps.push_back(step("add_check:public.orders.orders_customer_key_nn", Phase::add,
                         logged("ALTER TABLE public.orders ADD CONSTRAINT orders_customer_key_nn "
                                "CHECK (customer_key IS NOT NULL) NOT VALID",
                                "s2"),
                         "ALTER TABLE public.orders DROP CONSTRAINT orders_customer_key_nn"));
  Step index = step("create_index:public.orders_customer_amount_idx", Phase::add,
                    "CREATE INDEX CONCURRENTLY orders_customer_amount_idx ON public.orders (customer, amount)",
                    "DROP INDEX CONCURRENTLY IF EXISTS public.orders_customer_amount_idx");
  index.in_transaction = false;
  index.done_check_sql =
      "SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = "
      "to_regclass('public.orders_customer_amount_idx') AND indisvalid)";
  index.cleanup_sql = "DROP INDEX CONCURRENTLY IF EXISTS public.orders_customer_amount_idx";
  p.steps.push_back(index);
  Step fill = step("backfill:public.orders.customer_key", Phase::backfill, "", "");
  fill.backfill = planner::Backfill{.table = {"public", "orders"},
                                    .key = {"id"},
                                    .columns = {"customer_key", "hits"},
                                    .expressions = {"upper(customer)", "hits + 1"},
                                    .batch_size = 1500};
  p.steps.push_back(fill);
  p.steps.push_back(step("validate_check:public.orders.orders_customer_key_nn", Phase::switch_over,
                         logged("ALTER TABLE public.orders VALIDATE CONSTRAINT orders_customer_key_nn", "s5"), ""));
  p.steps.push_back(step("set_not_null:public.orders.customer_key", Phase::switch_over,
                         logged("ALTER TABLE public.orders ALTER COLUMN customer_key SET NOT NULL", "s6"),
                         "ALTER TABLE public.orders ALTER COLUMN customer_key DROP NOT NULL"));
  p.steps.push_back(step("drop_check:public.orders.orders_customer_key_nn", Phase::drop,
                         logged("ALTER TABLE public.orders DROP CONSTRAINT orders_customer_key_nn", "s7"),
                         "ALTER TABLE public.orders ADD CONSTRAINT orders_customer_key_nn "
                         "CHECK (customer_key IS NOT NULL) NOT VALID"));
  return p;
}

// apply, waiting while a killed process's backend still holds the advisory lock (it notices its client
// is gone within client_connection_check_interval, or when its statement ends).
executor::ApplyResult apply_when_unlocked(pqxx::connection& conn) {
  for (int i = 0;; ++i) {
    try {
      return executor::apply(conn, plan());
    } catch (const Error& e) {
      if (i > 100 || e.message().find("another pgshift apply or rollback") == std::string::npos) {
        throw;
      }
      std::this_thread::sleep_for(50ms);
    }
  }
}

// Runs apply in a child process, killed with SIGKILL after `delay`; true when it finished first.
bool apply_in_child_killed_after(const std::string& url, std::chrono::milliseconds delay) {
  pid_t pid = fork();
  if (pid == 0) {
    int code = 1;
    try {
      auto conn = executor::connect(url);
      apply_when_unlocked(*conn);
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

TEST_CASE("apply killed with SIGKILL at random moments resumes and finishes, nothing applied twice") {
  test::TestDb db;
  db.exec(k_setup);
  const std::string untouched = "SELECT md5(string_agg(id || customer || amount, ',' ORDER BY id)) FROM public.orders";
  std::string checksum = db.query_value(untouched);
  auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(0, 600);
  int kills = 0;
  bool finished = false;
  std::string trace;  // where each kill left the steps
  for (int round = 0; round < 12 && !finished; ++round) {
    int delay = delay_ms(rng);
    finished = apply_in_child_killed_after(db.url(), std::chrono::milliseconds(delay));
    if (finished) {
      break;
    }
    ++kills;
    trace += "\n  after " + std::to_string(delay) + " ms: " +
             (db.query_value("SELECT to_regclass('pgshift.steps') IS NULL") == "t"
                  ? std::string("no state yet")
                  : db.query_value("SELECT string_agg(left(status, 4) || coalesce('@' || (checkpoint->>'rows_done'), "
                                   "''), ' ' ORDER BY ordinal) FROM pgshift.steps"));
  }
  INFO("kills:" << trace);
  if (!finished) {
    CHECK(apply_when_unlocked(db.conn()).completed);
  }
  CHECK(db.query_value("SELECT status FROM pgshift.migrations") == "completed");
  CHECK(db.query_value("SELECT count(*) FROM pgshift.migrations") == "1");
  CHECK(db.query_value(untouched) == checksum);
  CHECK(db.query_value("SELECT count(*) FROM public.orders") == "60000");
  CHECK(db.query_value("SELECT string_agg(DISTINCT hits::text, ',') FROM public.orders") == "1");
  CHECK(db.query_value("SELECT count(*) FROM public.orders WHERE customer_key IS DISTINCT FROM upper(customer)") ==
        "0");
  CHECK(db.query_value("SELECT string_agg(step || '=' || n, ' ' ORDER BY step) FROM "
                       "(SELECT step, count(*) AS n FROM public.applied_log GROUP BY step) c") ==
        "s1=1 s2=1 s5=1 s6=1 s7=1");
  CHECK(db.query_value("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                       "'public.orders_customer_amount_idx'::regclass") == "t");
  CHECK(db.query_value("SELECT count(*) FROM pg_class WHERE relname LIKE 'orders_customer_amount_idx%'") == "1");
  WARN(kills << " kill(s) before the apply could finish (seed " << seed << ")" << trace);

  // The same for rollback: killed part way, then finished.
  pid_t pid = fork();
  if (pid == 0) {
    try {
      auto conn = executor::connect(db.url());
      executor::rollback(*conn);
    } catch (...) {
    }
    _exit(0);
  }
  REQUIRE(pid > 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng) / 4));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  for (int i = 0;; ++i) {
    try {
      auto r = executor::rollback(db.conn());
      CHECK((r.rolled_back || r.nothing_to_do));
      break;
    } catch (const Error& e) {
      REQUIRE(i < 100);
      REQUIRE_THAT(e.message(), Catch::Contains("another pgshift apply or rollback"));
      std::this_thread::sleep_for(100ms);
    }
  }
  CHECK(db.query_value("SELECT status FROM pgshift.migrations") == "rolled_back");
  CHECK(db.query_value("SELECT count(*) FROM information_schema.columns WHERE column_name = 'customer_key'") == "0");
  CHECK(db.query_value("SELECT count(*) FROM pg_class WHERE relname LIKE 'orders_customer_amount_idx%'") == "0");
  CHECK(db.query_value(untouched) == checksum);
}
