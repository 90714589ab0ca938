#include <catch2/catch.hpp>

#include "planner/report/render.hpp"
#include "util/strings.hpp"

using namespace pgshift::planner;

namespace {

// A hand-built plan touching every phase and renderer feature: a multi-statement step, a step outside
// a transaction, a backfill, an irreversible drop with two hazards, and a note.
Plan sample_plan() {
  Plan plan;
  plan.current_fingerprint = "sha256:1111";
  plan.desired_fingerprint = "sha256:2222";
  Step add_column{.id = "add_column:public.users.email", .phase = Phase::add, .change = '+',
                  .object = "column public.users.email", .description = "add nullable column"};
  add_column.forward_sql = R"(ALTER TABLE "public"."users" ADD COLUMN "email" text)";
  add_column.reverse_sql = R"(ALTER TABLE "public"."users" DROP COLUMN "email")";
  add_column.lock = "ACCESS EXCLUSIVE on public.users";
  Step add_index{.id = "add_index:public.users_email_idx", .phase = Phase::add, .change = '+',
                 .object = "index public.users_email_idx", .description = "build concurrently"};
  add_index.forward_sql = R"(CREATE INDEX CONCURRENTLY "users_email_idx" ON "public"."users" ("email");)";
  add_index.reverse_sql = R"(DROP INDEX CONCURRENTLY "public"."users_email_idx";)";
  add_index.hazards = {{HazardKind::index_build, "builds an index on public.users (~2.1M rows, 480 MB)"}};
  add_index.lock = "SHARE UPDATE EXCLUSIVE on public.users";
  add_index.in_transaction = false;
  Step backfill{.id = "backfill:public.users.email", .phase = Phase::backfill, .change = '~',
                .object = "column public.users.email", .description = "copy lower(login) into email"};
  backfill.reverse_sql = "";
  backfill.backfill = Backfill{{"public", "users"}, {"id"}, {"email"}, {"lower(login)"}, "email IS NULL", 5000};
  backfill.hazards = {{HazardKind::long_backfill, "updates ~2.1M rows of public.users"}};
  backfill.lock = "ROW EXCLUSIVE on public.users";
  Step not_null{.id = "set_not_null:public.users.email", .phase = Phase::switch_over, .change = '~',
                .object = "column public.users.email", .description = "set NOT NULL using the validated check"};
  not_null.forward_sql =
      "ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"users_email_nn\";\n"
      "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"email\" SET NOT NULL";
  not_null.reverse_sql = R"(ALTER TABLE "public"."users" ALTER COLUMN "email" DROP NOT NULL)";
  not_null.hazards = {{HazardKind::access_exclusive_lock, "brief ACCESS EXCLUSIVE lock on public.users"}};
  not_null.lock = "ACCESS EXCLUSIVE on public.users";
  Step drop{.id = "drop_column:public.users.login", .phase = Phase::drop, .change = '-',
            .object = "column public.users.login", .description = "drop the old column"};
  drop.forward_sql = R"(ALTER TABLE "public"."users" DROP COLUMN "login")";
  drop.reverse_sql = std::nullopt;
  drop.irreversible_reason = "the column's data is deleted";
  drop.hazards = {{HazardKind::deletes_data, "drops column public.users.login and its data"},
                  {HazardKind::backward_incompatible, "old application code reading login breaks"}};
  drop.lock = "ACCESS EXCLUSIVE on public.users";
  plan.steps = {add_column, add_index, backfill, not_null, drop};
  plan.notes = {"possible rename: public.users.login -> email (set renamed_from to keep the data)"};
  return plan;
}

}  // namespace

TEST_CASE("the sql view has a header per phase and each step's SQL terminated once") {
  std::string expected = R"EXPECTED(-- pgshift plan: 5 steps
-- current schema sha256:1111
-- desired schema sha256:2222
-- note: possible rename: public.users.login -> email (set renamed_from to keep the data)

-- ==== Phase 1/4: add (2 steps) ====

-- add_column:public.users.email
-- + column public.users.email: add nullable column
-- lock: ACCESS EXCLUSIVE on public.users; lock_timeout 500ms
ALTER TABLE "public"."users" ADD COLUMN "email" text;

-- add_index:public.users_email_idx
-- + index public.users_email_idx: build concurrently
-- lock: SHARE UPDATE EXCLUSIVE on public.users; lock_timeout 500ms
-- hazard INDEX_BUILD: builds an index on public.users (~2.1M rows, 480 MB)
-- not in a transaction
CREATE INDEX CONCURRENTLY "users_email_idx" ON "public"."users" ("email");

-- ==== Phase 2/4: backfill (1 step) ====

-- backfill:public.users.email
-- ~ column public.users.email: copy lower(login) into email
-- lock: ROW EXCLUSIVE on public.users; lock_timeout 500ms
-- hazard LONG_BACKFILL: updates ~2.1M rows of public.users
-- backfill public.users in batches of 5000 rows by (id), one transaction per batch, resumable.
-- Run by `pgshift apply`, not by this script; per batch, with :last_key the previous batch's last key
-- (no lower bound for the first) and :max_key the largest key when the backfill started:
--   UPDATE "public"."users" SET "email" = lower(login)
--   WHERE ("id") > (:last_key) AND ("id") <= (:max_key) AND (email IS NULL)

-- ==== Phase 3/4: switch (1 step) ====

-- set_not_null:public.users.email
-- ~ column public.users.email: set NOT NULL using the validated check
-- lock: ACCESS EXCLUSIVE on public.users; lock_timeout 500ms
-- hazard ACCESS_EXCLUSIVE_LOCK: brief ACCESS EXCLUSIVE lock on public.users
ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_email_nn";
ALTER TABLE "public"."users" ALTER COLUMN "email" SET NOT NULL;

-- ==== Phase 4/4: drop (1 step) ====

-- drop_column:public.users.login
-- - column public.users.login: drop the old column
-- lock: ACCESS EXCLUSIVE on public.users; lock_timeout 500ms
-- hazard DELETES_DATA: drops column public.users.login and its data
-- hazard BACKWARD_INCOMPATIBLE: old application code reading login breaks
-- irreversible: the column's data is deleted
ALTER TABLE "public"."users" DROP COLUMN "login";
)EXPECTED";
  CHECK(render_sql(sample_plan()) == expected);
}

TEST_CASE("an empty plan renders as one comment") {
  CHECK(render_sql(Plan{}) == "-- No changes. The database matches the desired schema.\n");
}

TEST_CASE("statements get exactly one terminating semicolon") {
  auto sql_of = [](std::string forward) {
    Plan plan;
    Step step{.id = "s", .phase = Phase::add, .change = '+', .object = "o"};
    step.forward_sql = std::move(forward);
    step.reverse_sql = "";
    plan.steps = {step};
    std::string out = render_sql(plan);
    return out.substr(out.find("-- + o\n") + 7);
  };
  CHECK(sql_of("SELECT 1") == "SELECT 1;\n");
  CHECK(sql_of("SELECT 1;") == "SELECT 1;\n");
  CHECK(sql_of("SELECT 1;\n\n  ") == "SELECT 1;\n");
  CHECK(sql_of("SELECT 1;\nSELECT 2") == "SELECT 1;\nSELECT 2;\n");
  CHECK(sql_of("SELECT 1\n-- trailing comment") == "SELECT 1\n-- trailing comment\n;\n");
  CHECK(sql_of("CREATE FUNCTION f() RETURNS int AS $pgshift$ SELECT 1; $pgshift$ LANGUAGE sql") ==
        "CREATE FUNCTION f() RETURNS int AS $pgshift$ SELECT 1; $pgshift$ LANGUAGE sql;\n");
  CHECK(sql_of("") == "");
}

TEST_CASE("a line break in a name or message cannot end a comment and inject SQL") {
  Plan plan;
  Step step{.id = "drop_table:public.x\nDROP TABLE y; --", .phase = Phase::drop, .change = '-',
            .object = "table x\r\nDROP TABLE z;", .description = "a\nDROP TABLE w;"};
  step.forward_sql = "SELECT 1";
  step.reverse_sql = std::nullopt;
  step.irreversible_reason = "gone\nDROP TABLE v;";
  step.hazards = {{HazardKind::deletes_data, "drops\nDROP TABLE u;"}};
  step.lock = "none\nDROP TABLE t;";
  plan.steps = {step};
  plan.notes = {"note\nDROP TABLE s;"};
  for (const auto& line : pgshift::util::split(render_sql(plan), '\n')) {
    CHECK((line.empty() || line.rfind("--", 0) == 0 || line == "SELECT 1;"));
  }
}
