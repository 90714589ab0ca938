#include <catch2/catch.hpp>

#include "planner/report/render.hpp"

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

TEST_CASE("the golden text lists phase, id, forward, reverse and hazards per step") {
  std::string expected = R"EXPECTED(phase: add
id: add_column:public.users.email
forward:
  ALTER TABLE "public"."users" ADD COLUMN "email" text
reverse:
  ALTER TABLE "public"."users" DROP COLUMN "email"
hazards: none

phase: add
id: add_index:public.users_email_idx
in_transaction: false
forward:
  CREATE INDEX CONCURRENTLY "users_email_idx" ON "public"."users" ("email");
reverse:
  DROP INDEX CONCURRENTLY "public"."users_email_idx";
hazards: INDEX_BUILD

phase: backfill
id: backfill:public.users.email
forward:
  (none)
backfill: batches of 5000 by (id)
  UPDATE "public"."users" SET "email" = lower(login)
  WHERE ("id") > (:last_key) AND ("id") <= (:max_key) AND (email IS NULL)
reverse:
  (nothing to undo)
hazards: LONG_BACKFILL

phase: switch
id: set_not_null:public.users.email
forward:
  ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_email_nn";
  ALTER TABLE "public"."users" ALTER COLUMN "email" SET NOT NULL
reverse:
  ALTER TABLE "public"."users" ALTER COLUMN "email" DROP NOT NULL
hazards: ACCESS_EXCLUSIVE_LOCK

phase: drop
id: drop_column:public.users.login
forward:
  ALTER TABLE "public"."users" DROP COLUMN "login"
reverse:
  IRREVERSIBLE: the column's data is deleted
hazards: DELETES_DATA, BACKWARD_INCOMPATIBLE

note: possible rename: public.users.login -> email (set renamed_from to keep the data)
)EXPECTED";
  CHECK(render_golden(sample_plan()) == expected);
}

TEST_CASE("the golden text of an empty plan says so") { CHECK(render_golden(Plan{}) == "(no changes)\n"); }

TEST_CASE("the golden text drops trailing spaces and indents blank lines as empty lines") {
  Plan plan;
  Step step{.id = "s", .phase = Phase::add};
  step.forward_sql = "SELECT 1;  \n\nSELECT 2;\n\n";
  step.reverse_sql = "  ";
  plan.steps = {step};
  CHECK(render_golden(plan) ==
        "phase: add\nid: s\nforward:\n  SELECT 1;\n\n  SELECT 2;\nreverse:\n  (nothing to undo)\nhazards: none\n");
}
