// Backfills: keyset batches over a 200k-row table, resume from the checkpoint after a crash, hostile
// names and a two-column key, rows written after the start, and row locks that time out.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "executor/apply.hpp"
#include "executor/connection.hpp"
#include "executor/state.hpp"
#include "tests/support/pg_test.hpp"

using namespace pgshift;
using namespace std::chrono_literals;
using planner::Phase;

namespace {

// hits counts the updates each row received: the backfill must touch every row exactly once.
constexpr const char* k_setup = R"sql(
CREATE TABLE public.events (id bigint PRIMARY KEY, payload text NOT NULL, hits int NOT NULL DEFAULT 0);
INSERT INTO public.events (id, payload) SELECT g * 3, 'Payload ' || g FROM generate_series(1, 200000) g;
ALTER TABLE public.events ADD COLUMN payload_lower text;
)sql";

struct Crash : std::runtime_error {
  Crash() : std::runtime_error("simulated crash") {}
};

planner::Plan backfill_plan(planner::Backfill backfill) {
  planner::Step s;
  s.id = "backfill:" + backfill.table.display() + "." + backfill.columns[0];
  s.phase = Phase::backfill;
  s.reverse_sql = "";
  s.lock = "ROW EXCLUSIVE on " + backfill.table.display();
  s.lock_timeout_ms = 200;
  s.backfill = std::move(backfill);
  planner::Plan plan;
  plan.desired_fingerprint = "filled";
  plan.steps.push_back(s);
  return plan;
}

planner::Plan events_plan(int batch_size) {
  return backfill_plan({.table = {"public", "events"},
                        .key = {"id"},
                        .columns = {"payload_lower", "hits"},
                        .expressions = {"lower(payload)", "hits + 1"},
                        .batch_size = batch_size});
}

void check_events_filled_once(test::TestDb& db) {
  CHECK(db.query_value("SELECT count(*) FROM public.events WHERE payload_lower IS DISTINCT FROM lower(payload)") ==
        "0");
  CHECK(db.query_value("SELECT string_agg(DISTINCT hits::text, ',') FROM public.events") == "1");
}

}  // namespace

TEST_CASE("a backfill over 200k rows fills every row exactly once and reports its progress") {
  test::TestDb db;
  db.exec(k_setup);
  std::vector<executor::BackfillProgress> progress;
  executor::ApplyOptions opts;
  opts.on_event = [&](const executor::Event& e) {
    if (e.kind == executor::EventKind::backfill_progress) {
      progress.push_back(*e.progress);
    }
  };
  auto started = std::chrono::steady_clock::now();
  auto result = executor::apply(db.conn(), events_plan(10000), opts);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(result.completed);
  check_events_filled_once(db);
  REQUIRE(progress.size() == 20);
  CHECK(progress[0].rows_done == 10000);
  CHECK(progress[0].rows_total == 200000);
  CHECK(progress[0].rows_per_s > 0);
  CHECK(progress[0].eta_s.has_value());
  CHECK(progress.back().rows_done == 200000);
  CHECK(progress.back().eta_s == 0.0);
  CHECK(progress.back().batches == 20);
  CHECK(db.query_value("SELECT checkpoint->>'last' FROM pgshift.steps") == "[\"600000\"]");
  WARN("200k rows backfilled in " << seconds << " s");
}

TEST_CASE("a backfill interrupted part way resumes from its checkpoint") {
  test::TestDb db;
  db.exec(k_setup);
  int batches = 0;
  executor::ApplyOptions crash;
  crash.batch_size = 7000;  // overrides the step's own
  crash.on_event = [&](const executor::Event& e) {
    if (e.kind == executor::EventKind::backfill_progress && ++batches == 5) {
      throw Crash();
    }
  };
  CHECK_THROWS_AS(executor::apply(db.conn(), events_plan(10000), crash), Crash);
  CHECK(db.query_value("SELECT count(*) FROM public.events WHERE hits = 1") == "35000");
  CHECK(db.query_value("SELECT checkpoint->>'rows_done' FROM pgshift.steps") == "35000");
  auto st = executor::status(db.conn());
  REQUIRE(st.current_step);
  CHECK(st.current_step->status == executor::StepStatus::running);
  REQUIRE(st.current_step->backfill);
  CHECK(st.current_step->backfill->rows_done == 35000);
  CHECK(st.current_step->backfill->rows_total == 200000);

  // Rows written after the backfill began are not its business (triggers or defaults handle them).
  db.exec("INSERT INTO public.events (id, payload) VALUES (700000, 'Late')");
  std::vector<int64_t> done;
  executor::ApplyOptions resume;
  resume.batch_size = 50000;
  resume.on_event = [&](const executor::Event& e) {
    if (e.kind == executor::EventKind::backfill_progress) {
      done.push_back(e.progress->rows_done);
    }
  };
  auto result = executor::apply(db.conn(), events_plan(10000), resume);
  CHECK(result.resumed);
  CHECK(result.completed);
  CHECK(done == std::vector<int64_t>{85000, 135000, 185000, 200000});
  db.exec("DELETE FROM public.events WHERE id = 700000");
  check_events_filled_once(db);
}

TEST_CASE("a backfill with a two-column key, a filter and hostile names quotes everything") {
  test::TestDb db;
  db.exec(R"sql(
CREATE SCHEMA "Odd ""schema""";
CREATE TABLE "Odd ""schema"""."select" ("a""b" int, "with space" text, "ünï" text, PRIMARY KEY ("a""b", "with space"));
INSERT INTO "Odd ""schema"""."select" SELECT g % 37, 'k' || g, CASE WHEN g % 2 = 0 THEN 'set' END
FROM generate_series(1, 3000) g;
)sql");
  auto plan = backfill_plan({.table = {"Odd \"schema\"", "select"},
                             .key = {"a\"b", "with space"},
                             .columns = {"ünï"},
                             .expressions = {"'filled ' || \"with space\""},
                             .where = "\"ünï\" IS NULL",
                             .batch_size = 400});
  int batches = 0;
  executor::ApplyOptions opts;
  opts.on_event = [&](const executor::Event& e) { batches += e.kind == executor::EventKind::backfill_progress; };
  CHECK(executor::apply(db.conn(), plan, opts).completed);
  CHECK(batches == 8);  // 3000 keys in batches of 400: the filter (1500 rows match) applies in the UPDATE
  CHECK(db.query_value(R"(SELECT count(*) FROM "Odd ""schema"""."select" WHERE "ünï" = 'set')") == "1500");
  CHECK(db.query_value(R"(SELECT count(*) FROM "Odd ""schema"""."select" WHERE "ünï" = 'filled ' || "with space")") ==
        "1500");
}

TEST_CASE("a backfill of an empty table finishes at once") {
  test::TestDb db;
  db.exec(
      "CREATE TABLE public.events (id bigint PRIMARY KEY, payload text NOT NULL, hits int NOT NULL DEFAULT 0, "
      "payload_lower text)");
  CHECK(executor::apply(db.conn(), events_plan(100)).completed);
  CHECK(db.query_value("SELECT status || ' ' || (checkpoint->>'finished') FROM pgshift.steps") == "done true");
}

TEST_CASE("a batch blocked by an application's row lock retries after the lock timeout") {
  test::TestDb db;
  db.exec(
      "CREATE TABLE public.events (id bigint PRIMARY KEY, payload text NOT NULL, hits int NOT NULL DEFAULT 0, "
      "payload_lower text);"
      "INSERT INTO public.events (id, payload) SELECT g, 'P' || g FROM generate_series(1, 1000) g;");
  auto app = executor::connect(db.url());
  std::thread holder([&] {
    pqxx::work tx(*app);
    tx.exec("SELECT * FROM public.events WHERE id = 500 FOR UPDATE");
    std::this_thread::sleep_for(800ms);
    tx.commit();
  });
  std::this_thread::sleep_for(100ms);
  int retries = 0;
  executor::ApplyOptions opts;
  opts.on_event = [&](const executor::Event& e) { retries += e.kind == executor::EventKind::step_retry; };
  auto result = executor::apply(db.conn(), events_plan(300), opts);
  holder.join();
  CHECK(result.completed);
  CHECK(retries >= 1);
  CHECK(db.query_value("SELECT string_agg(DISTINCT hits::text, ',') FROM public.events") == "1");
}
