// The executor's offline helpers: which SQL needs autocommit, statement splitting, progress rendering
// and the retry backoff. No database.
#include <catch2/catch.hpp>

#include "executor/lock.hpp"
#include "executor/progress.hpp"
#include "executor/sql_kind.hpp"

using namespace pgshift;
using namespace std::chrono_literals;

TEST_CASE("needs_autocommit recognises statements that refuse a transaction block") {
  struct Case {
    const char* sql;
    bool expected;
  };
  const Case cases[] = {
      {"DROP INDEX CONCURRENTLY IF EXISTS public.users_name_idx", true},
      {"create unique index concurrently \"i\" on \"t\" (a)", true},
      {"  -- comment\n  DROP INDEX /* why */ CONCURRENTLY x", true},
      {"REINDEX INDEX CONCURRENTLY public.i", true},
      {"ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY", true},
      {"ALTER TYPE public.mood ADD VALUE 'meh' AFTER 'ok'", true},
      {"ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'meh'", true},
      {"VACUUM public.users", true},
      {"ALTER TABLE t ADD COLUMN a int; CREATE INDEX CONCURRENTLY i ON t (a)", true},
      {"DROP INDEX public.\"concurrently\"", false},
      {"ALTER TABLE t ADD CONSTRAINT c CHECK (s <> 'concurrently')", false},
      {"COMMENT ON TABLE t IS $$CREATE INDEX CONCURRENTLY$$", false},
      {"ALTER TYPE public.mood RENAME VALUE 'a' TO 'b'", false},
      {"ALTER TABLE t ADD COLUMN a int", false},
      {"ALTER TYPE public.composite ADD ATTRIBUTE value int", false},
      {"SELECT E'it\\'s CONCURRENTLY'; DROP INDEX i", false},
      {"REFRESH MATERIALIZED VIEW CONCURRENTLY mv", false},
      {"", false},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.sql) {
      CHECK(executor::needs_autocommit(c.sql) == c.expected);
    }
  }
}

TEST_CASE("split_statements cuts at semicolons outside literals, identifiers, comments and bodies") {
  using V = std::vector<std::string>;
  CHECK(executor::split_statements("SET a = 1; SELECT ';' AS \";\"; -- x;y\n") ==
        V{"SET a = 1", "SELECT ';' AS \";\""});
  CHECK(executor::split_statements("CREATE FUNCTION f() RETURNS int AS $b$ SELECT 1; $b$ LANGUAGE sql;") ==
        V{"CREATE FUNCTION f() RETURNS int AS $b$ SELECT 1; $b$ LANGUAGE sql"});
  CHECK(executor::split_statements("DROP INDEX CONCURRENTLY i") == V{"DROP INDEX CONCURRENTLY i"});
  CHECK(executor::split_statements(" ; ;/* only a comment */") == V{});
  CHECK(executor::split_statements("SELECT $1; SELECT 2") == V{"SELECT $1", "SELECT 2"});
}

TEST_CASE("progress renders as a bar on a terminal and as plain lines otherwise") {
  executor::BackfillProgress p{
      .rows_done = 450000, .rows_total = 1000000, .batches = 45, .rows_per_s = 52310.4, .eta_s = 10.5};
  CHECK(executor::render_progress_bar("public.users.email", p, 20) ==
        "public.users.email  [#########-----------]  45% 450,000/1,000,000 rows  52,310 rows/s  ETA 0:11");
  CHECK(executor::render_progress_line("public.users.email", p) ==
        "public.users.email: 450,000/1,000,000 rows (45%), 52,310 rows/s, ETA 0:11");
  CHECK(executor::format_duration(3725) == "1:02:05");
  CHECK(executor::group_thousands(999) == "999");
  CHECK(executor::group_thousands(1000) == "1,000");

  auto t0 = std::chrono::steady_clock::time_point{};
  executor::ProgressRenderer plain(false, 5s);
  CHECK(plain.update("x", p, t0) == executor::render_progress_line("x", p) + "\n");
  CHECK(plain.update("x", p, t0 + 1s).empty());
  CHECK_FALSE(plain.update("x", p, t0 + 5s).empty());
  executor::BackfillProgress done{.rows_done = 10, .rows_total = 10, .eta_s = 0.0};
  CHECK_FALSE(plain.update("x", done, t0 + 6s).empty());  // the last update is always shown
  CHECK(plain.finish().empty());

  executor::ProgressRenderer bar(true);
  std::string first = bar.update("x", p, t0);
  CHECK(first.front() == '\r');
  CHECK(first.substr(first.size() - 3) == "\x1b[K");
  CHECK(bar.update("x", p, t0 + 50ms).empty());
  CHECK_FALSE(bar.update("x", p, t0 + 150ms).empty());
  CHECK(bar.finish() == "\n");
}

TEST_CASE("lock retries back off exponentially with jitter up to a cap") {
  executor::Backoff backoff(100ms, 5000ms);
  for (int i = 0; i < 50; ++i) {
    auto first = backoff.delay(1);
    CHECK(first >= 50ms);
    CHECK(first <= 100ms);
    auto fourth = backoff.delay(4);
    CHECK(fourth >= 400ms);
    CHECK(fourth <= 800ms);
    auto late = backoff.delay(30);
    CHECK(late >= 2500ms);
    CHECK(late <= 5000ms);
  }
  CHECK(executor::is_lock_failure("55P03"));
  CHECK(executor::is_lock_failure("40P01"));
  CHECK_FALSE(executor::is_lock_failure("57014"));
}
