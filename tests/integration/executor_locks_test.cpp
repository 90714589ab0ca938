// Concurrency: the advisory lock between two pgshift runs, lock_timeout retries against an application
// transaction holding a lock, a clean stop when the lock outlasts the retries, and preflight.
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
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

namespace {

constexpr const char* k_setup = R"sql(
CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL);
INSERT INTO public.users SELECT g, 'user' || g FROM generate_series(1, 100) g;
)sql";

planner::Plan add_column_plan(int64_t lock_timeout_ms) {
  planner::Step s;
  s.id = "add_column:public.users.nickname";
  s.phase = Phase::add;
  s.forward_sql = "ALTER TABLE public.users ADD COLUMN nickname text";
  s.reverse_sql = "ALTER TABLE public.users DROP COLUMN nickname";
  s.lock = "ACCESS EXCLUSIVE on public.users";
  s.lock_timeout_ms = lock_timeout_ms;
  planner::Plan plan;
  plan.desired_fingerprint = "with-nickname";
  plan.steps.push_back(s);
  return plan;
}

// An application transaction holding ACCESS EXCLUSIVE on public.users until release() (or a timeout).
class TableLocker {
 public:
  TableLocker(const std::string& url, std::chrono::milliseconds hold) {
    std::promise<void> locked;
    auto locked_future = locked.get_future();
    m_thread = std::thread([this, url, hold, locked = std::move(locked)]() mutable {
      auto conn = executor::connect(url);
      pqxx::work tx(*conn);
      tx.exec("LOCK TABLE public.users IN ACCESS EXCLUSIVE MODE");
      locked.set_value();
      m_release.get_future().wait_for(hold);
      tx.commit();
    });
    locked_future.wait();
  }
  ~TableLocker() {
    release();
    m_thread.join();
  }
  void release() {
    if (!m_released) {
      m_released = true;
      m_release.set_value();
    }
  }

 private:
  std::promise<void> m_release;
  bool m_released = false;
  std::thread m_thread;
};

}  // namespace

TEST_CASE("a second apply or rollback while one runs is refused at once, naming the holder") {
  test::TestDb db;
  db.exec(k_setup);
  auto first_conn = executor::connect(db.url());
  pqxx::nontransaction(*first_conn).exec("SET application_name = 'first-pgshift'");
  int first_pid = first_conn->backendpid();
  std::promise<void> inside, go_on;
  auto go_on_future = go_on.get_future();
  std::thread first([&] {
    executor::ApplyOptions opts;
    opts.before_step = [&](const std::string&) {
      inside.set_value();
      go_on_future.wait();
      return true;
    };
    executor::apply(*first_conn, add_column_plan(500), opts);
  });
  inside.get_future().wait();

  auto started = std::chrono::steady_clock::now();
  std::string text;
  try {
    executor::apply(db.conn(), add_column_plan(500));
  } catch (const Error& e) {
    text = e.render();
  }
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  CHECK_THAT(text, Catch::Contains("another pgshift apply or rollback is running on this database"));
  CHECK_THAT(text, Catch::Contains("pid " + std::to_string(first_pid)));
  CHECK_THAT(text, Catch::Contains("application_name \"first-pgshift\""));
  CHECK_THAT(text, Catch::Contains("client 127.0.0.1"));
  CHECK_THAT(text, Catch::Contains("session started 20"));
  CHECK_THAT(text, Catch::Contains("pg_terminate_backend"));
  CHECK_THROWS_WITH(executor::rollback(db.conn()), Catch::Contains("pid " + std::to_string(first_pid)));
  CHECK(executor::status(db.conn()).in_flight);  // status does not need the lock

  go_on.set_value();
  first.join();
  CHECK(executor::status(db.conn()).last->status == "completed");
  CHECK(executor::rollback(db.conn()).rolled_back);  // the lock was released
}

TEST_CASE("a step blocked by an application lock retries after each lock timeout and then succeeds") {
  test::TestDb db;
  db.exec(k_setup);
  TableLocker locker(db.url(), 1500ms);
  std::vector<executor::Event> retries;
  executor::ApplyOptions opts;
  opts.on_event = [&](const executor::Event& e) {
    if (e.kind == executor::EventKind::step_retry) {
      retries.push_back(e);
    }
  };
  auto started = std::chrono::steady_clock::now();
  auto result = executor::apply(db.conn(), add_column_plan(200), opts);
  auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(result.completed);
  REQUIRE(retries.size() >= 2);
  CHECK(retries[0].sqlstate == "55P03");
  CHECK(retries[0].attempt == 1);
  CHECK(retries[0].delay_ms >= 50);
  CHECK(retries[0].delay_ms <= 100);
  CHECK_THAT(retries[0].message, Catch::Contains("lock timeout"));
  CHECK(elapsed >= 1300ms);
  CHECK(elapsed < 4s);
  CHECK(db.query_value("SELECT attempts FROM pgshift.steps") == std::to_string(retries.size() + 1));
}

TEST_CASE("a lock held past every retry stops the apply cleanly with the step failed, and apply resumes later") {
  test::TestDb db;
  db.exec(k_setup);
  {
    TableLocker locker(db.url(), 30s);
    executor::ApplyOptions opts;
    opts.max_lock_retries = 2;
    opts.lock_timeout_ms = 100;
    try {
      executor::apply(db.conn(), add_column_plan(2000), opts);
      FAIL("apply did not stop");
    } catch (const executor::StepError& e) {
      CHECK(e.sqlstate() == "55P03");
      CHECK_THAT(e.message(), Catch::Contains("step add_column:public.users.nickname could not get its lock in 3 "
                                              "attempts (lock_timeout 100 ms)"));
      CHECK_THAT(e.message(), Catch::Contains("SQL: ALTER TABLE public.users ADD COLUMN nickname text"));
    }
    auto st = executor::status(db.conn());
    REQUIRE(st.in_flight);
    CHECK(st.in_flight->status == "failed");
    CHECK(st.steps[0].status == executor::StepStatus::failed);
    CHECK(st.steps[0].attempts == 3);
    CHECK_THAT(st.steps[0].last_error, Catch::Contains("55P03"));
  }
  auto result = executor::apply(db.conn(), add_column_plan(2000));
  CHECK(result.resumed);
  CHECK(result.completed);
  CHECK(db.query_value("SELECT count(*) FROM information_schema.columns WHERE column_name = 'nickname'") == "1");
}

TEST_CASE("preflight reports sessions idle in transaction on the plan's tables and can wait for them") {
  test::TestDb db;
  db.exec(k_setup);
  db.exec("CREATE TABLE public.other (id int)");
  std::promise<int> holding;
  std::thread app([&, url = db.url()] {
    auto conn = executor::connect(url);
    pqxx::work tx(*conn);
    tx.exec("SELECT count(*) FROM public.users");
    holding.set_value(conn->backendpid());
    std::this_thread::sleep_for(1500ms);
    tx.commit();
  });
  int app_pid = holding.get_future().get();
  // A session on another table is not reported.
  auto bystander = executor::connect(db.url());
  pqxx::work bystander_tx(*bystander);
  bystander_tx.exec("SELECT count(*) FROM public.other");

  std::vector<executor::Event> events;
  executor::ApplyOptions opts;
  opts.wait_for_quiet_s = 10;
  opts.on_event = [&](const executor::Event& e) { events.push_back(e); };
  auto started = std::chrono::steady_clock::now();
  auto result = executor::apply(db.conn(), add_column_plan(200), opts);
  app.join();
  CHECK(result.completed);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  const executor::Event* found = nullptr;
  bool quiet = false;
  for (const auto& e : events) {
    if (e.kind == executor::EventKind::blocking_sessions && found == nullptr) {
      found = &e;
    }
    quiet = quiet || e.message == "the blocking sessions have finished";
  }
  REQUIRE(found != nullptr);
  REQUIRE(found->sessions.size() == 1);
  CHECK(found->sessions[0].pid == app_pid);
  CHECK(found->sessions[0].state == "idle in transaction");
  CHECK(found->sessions[0].tables == "public.users");
  CHECK_THAT(found->sessions[0].query, Catch::Contains("SELECT count(*) FROM public.users"));
  CHECK(quiet);
  CHECK(db.query_value("SELECT count(*) FROM pgshift.steps WHERE attempts = 1") == "1");
}

TEST_CASE("a step chosen as a deadlock victim (40P01) is retried and succeeds") {
  test::TestDb db;
  db.exec(k_setup);
  db.exec("CREATE TABLE public.audit (id bigint)");
  // The step takes users, then audit; the application holds audit, then (400 ms later) asks for users.
  // PostgreSQL checks for a deadlock once, deadlock_timeout after a session starts waiting: the step's
  // check (default 1 s) comes before the application's (5 s), so the step is the victim; the
  // application then finishes and the retry goes through.
  planner::Plan plan = add_column_plan(10000);
  plan.steps[0].forward_sql =
      "ALTER TABLE public.users ADD COLUMN nickname text; LOCK TABLE public.audit IN ACCESS EXCLUSIVE MODE";
  std::promise<void> audit_locked;
  auto audit_locked_future = audit_locked.get_future();
  std::string app_error;
  std::thread app([&] {
    try {
      auto conn = executor::connect(db.url());
      pqxx::work tx(*conn);
      tx.exec("SET LOCAL deadlock_timeout = '5s'");
      tx.exec("LOCK TABLE public.audit IN SHARE MODE");
      audit_locked.set_value();
      std::this_thread::sleep_for(400ms);  // the step now holds users and waits for audit
      tx.exec("SELECT count(*) FROM public.users");
      tx.commit();
    } catch (const std::exception& e) {
      app_error = e.what();
    }
  });
  audit_locked_future.wait();
  std::vector<executor::Event> retries;
  executor::ApplyOptions opts;
  opts.on_event = [&](const executor::Event& e) {
    if (e.kind == executor::EventKind::step_retry) retries.push_back(e);
  };
  auto result = executor::apply(db.conn(), plan, opts);
  app.join();
  INFO(app_error);
  CHECK(app_error.empty());
  CHECK(result.completed);
  REQUIRE(retries.size() >= 1);
  CHECK(retries[0].sqlstate == "40P01");
  CHECK(db.query_value("SELECT count(*) FROM information_schema.columns WHERE column_name = 'nickname'") == "1");
}
