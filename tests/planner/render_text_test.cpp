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

TEST_CASE("the text view lists a summary, then each phase's steps with their hazards") {
  std::string expected = R"EXPECTED(Plan: 2 to add, 2 to change, 1 to drop (5 steps in 4 phases).

Phase 1/4: add (2 steps; new objects, the old application keeps working)
  + column public.users.email: add nullable column
  + index public.users_email_idx: build concurrently (not in a transaction)
      ! INDEX_BUILD (warning): builds an index on public.users (~2.1M rows, 480 MB)

Phase 2/4: backfill (1 step; batched data changes and validations)
  ~ column public.users.email: copy lower(login) into email
      ! LONG_BACKFILL (warning): updates ~2.1M rows of public.users

Phase 3/4: switch (1 step; the schema switches to its new shape)
  ~ column public.users.email: set NOT NULL using the validated check
      ! ACCESS_EXCLUSIVE_LOCK (warning): brief ACCESS EXCLUSIVE lock on public.users

Phase 4/4: drop (1 step; old objects are removed)
  - column public.users.login: drop the old column
      ! DELETES_DATA (warning): drops column public.users.login and its data
      ! BACKWARD_INCOMPATIBLE (warning): old application code reading login breaks

Notes:
  - possible rename: public.users.login -> email (set renamed_from to keep the data)
)EXPECTED";
  CHECK(render_text(sample_plan()) == expected);
}

TEST_CASE("an empty plan says there is nothing to do") {
  CHECK(render_text(Plan{}) == "No changes. The database matches the desired schema.\n");
}

TEST_CASE("an empty plan still shows its notes") {
  Plan plan;
  plan.notes = {"unmanaged: rule public.r"};
  CHECK(render_text(plan) ==
        "No changes. The database matches the desired schema.\n\nNotes:\n  - unmanaged: rule public.r\n");
}

TEST_CASE("the text view has ANSI colors only when asked") {
  Plan plan = sample_plan();
  CHECK(render_text(plan).find('\x1b') == std::string::npos);
  std::string colored = render_text(plan, RenderOptions{.color = true});
  CHECK(colored.find("\x1b[32m+\x1b[0m") != std::string::npos);
  CHECK(colored.find("\x1b[31m! DELETES_DATA (warning)\x1b[0m") != std::string::npos);
  CHECK(colored.find("\x1b[33m! INDEX_BUILD (warning)\x1b[0m") != std::string::npos);
}

TEST_CASE("the summary counts one step and one phase in the singular") {
  Plan plan;
  plan.steps = {Step{.id = "add_schema:app", .phase = Phase::add, .change = '+', .object = "schema app"}};
  CHECK(render_text(plan) ==
        "Plan: 1 to add, 0 to change, 0 to drop (1 step in 1 phase).\n\n"
        "Phase 1/4: add (1 step; new objects, the old application keeps working)\n"
        "  + schema app\n");
}

TEST_CASE("control characters in names cannot drive the terminal or break lines") {
  Plan plan;
  Step step{.id = "x", .phase = Phase::drop, .change = '-', .object = "table public.\x1b[2Jevil\nname"};
  step.hazards = {{HazardKind::deletes_data, "drops\r\n\x07it"}};
  plan.steps = {step};
  std::string text = render_text(plan);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
  CHECK(text.find("  - table public.?[2Jevil name\n") != std::string::npos);
  CHECK(text.find("      ! DELETES_DATA (warning): drops  ?it\n") != std::string::npos);
}
