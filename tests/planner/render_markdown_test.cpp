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

TEST_CASE("the markdown view reads as a pull-request review") {
  std::string expected = R"EXPECTED(## pgshift plan

**5 steps**: 2 to add, 2 to change, 1 to drop.

| Phase | Steps | Add | Change | Drop |
|---|--:|--:|--:|--:|
| 1. add | 2 | 2 | 0 | 0 |
| 2. backfill | 1 | 0 | 1 | 0 |
| 3. switch | 1 | 0 | 1 | 0 |
| 4. drop | 1 | 0 | 0 | 1 |

### Hazards

| Severity | Hazard | Phase | Step | Details |
|---|---|---|---|---|
| warning (needs `--allow-hazards`) | `DELETES_DATA` | drop | `drop_column:public.users.login` | drops column public.users.login and its data |
| warning (needs `--allow-hazards`) | `BACKWARD_INCOMPATIBLE` | drop | `drop_column:public.users.login` | old application code reading login breaks |
| warning | `INDEX_BUILD` | add | `add_index:public.users_email_idx` | builds an index on public.users (\~2.1M rows, 480 MB) |
| warning | `LONG_BACKFILL` | backfill | `backfill:public.users.email` | updates \~2.1M rows of public.users |
| warning | `ACCESS_EXCLUSIVE_LOCK` | switch | `set_not_null:public.users.email` | brief ACCESS EXCLUSIVE lock on public.users |

### Notes

- possible rename: public.users.login -\> email (set renamed\_from to keep the data)

### SQL

<details>
<summary>Phase 1/4: add (2 steps)</summary>

```sql
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
```

</details>

<details>
<summary>Phase 2/4: backfill (1 step)</summary>

```sql
-- backfill:public.users.email
-- ~ column public.users.email: copy lower(login) into email
-- lock: ROW EXCLUSIVE on public.users; lock_timeout 500ms
-- hazard LONG_BACKFILL: updates ~2.1M rows of public.users
-- backfill public.users in batches of 5000 rows by (id), one transaction per batch, resumable.
-- Run by `pgshift apply`, not by this script; per batch, with :last_key the previous batch's last key
-- (no lower bound for the first) and :max_key the largest key when the backfill started:
--   UPDATE "public"."users" SET "email" = lower(login)
--   WHERE ("id") > (:last_key) AND ("id") <= (:max_key) AND (email IS NULL)
```

</details>

<details>
<summary>Phase 3/4: switch (1 step)</summary>

```sql
-- set_not_null:public.users.email
-- ~ column public.users.email: set NOT NULL using the validated check
-- lock: ACCESS EXCLUSIVE on public.users; lock_timeout 500ms
-- hazard ACCESS_EXCLUSIVE_LOCK: brief ACCESS EXCLUSIVE lock on public.users
ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_email_nn";
ALTER TABLE "public"."users" ALTER COLUMN "email" SET NOT NULL;
```

</details>

<details>
<summary>Phase 4/4: drop (1 step)</summary>

```sql
-- drop_column:public.users.login
-- - column public.users.login: drop the old column
-- lock: ACCESS EXCLUSIVE on public.users; lock_timeout 500ms
-- hazard DELETES_DATA: drops column public.users.login and its data
-- hazard BACKWARD_INCOMPATIBLE: old application code reading login breaks
-- irreversible: the column's data is deleted
ALTER TABLE "public"."users" DROP COLUMN "login";
```

</details>

### Reverse SQL

A rollback runs these from the last step back to the first.

<details>
<summary>Undo phase 4/4: drop (1 step)</summary>

```sql
-- drop_column:public.users.login: IRREVERSIBLE: the column's data is deleted
```

</details>

<details>
<summary>Undo phase 3/4: switch (1 step)</summary>

```sql
-- undo set_not_null:public.users.email
ALTER TABLE "public"."users" ALTER COLUMN "email" DROP NOT NULL;
```

</details>

<details>
<summary>Undo phase 2/4: backfill (1 step)</summary>

```sql
-- undo backfill:public.users.email: nothing to undo
```

</details>

<details>
<summary>Undo phase 1/4: add (2 steps)</summary>

```sql
-- undo add_index:public.users_email_idx
DROP INDEX CONCURRENTLY "public"."users_email_idx";

-- undo add_column:public.users.email
ALTER TABLE "public"."users" DROP COLUMN "email";
```

</details>
)EXPECTED";
  CHECK(render_markdown(sample_plan()) == expected);
}

TEST_CASE("an empty plan is a one-line review") {
  CHECK(render_markdown(Plan{}) == "## pgshift plan\n\nNo changes. The database matches the desired schema.\n");
}

TEST_CASE("backticks in SQL cannot close the code block early") {
  Plan plan;
  Step step{.id = "add_table:public.t", .phase = Phase::add, .change = '+', .object = "table t"};
  step.forward_sql = "COMMENT ON TABLE \"public\".\"t\" IS '````'";
  step.reverse_sql = "COMMENT ON TABLE \"public\".\"t\" IS '```'";
  plan.steps = {step};
  std::string md = render_markdown(plan);
  CHECK(md.find("`````sql\n-- add_table:public.t\n") != std::string::npos);
  CHECK(md.find("````sql\n-- undo add_table:public.t\n") != std::string::npos);
}

TEST_CASE("pipes, markup and line breaks in hazard cells are escaped") {
  Plan plan;
  Step step{.id = "drop_column:public.a|b.`c`", .phase = Phase::drop, .change = '-'};
  step.reverse_sql = std::nullopt;
  step.hazards = {{HazardKind::deletes_data, "drops a|b <script>\n*all* data"}};
  plan.steps = {step};
  std::string md = render_markdown(plan);
  CHECK(md.find("| warning (needs `--allow-hazards`) | `DELETES_DATA` | drop | `` drop_column:public.a\\|b.`c` `` | "
                "drops a\\|b \\<script\\> \\*all\\* data |\n") != std::string::npos);
}

TEST_CASE("hazards are listed by graded severity, what needs permission first, then in plan order") {
  Plan plan;
  Step a{.id = "a", .phase = Phase::add};
  a.hazards = {{HazardKind::index_build, "i", Severity::note}, {HazardKind::share_lock, "s"}};
  Step b{.id = "b", .phase = Phase::drop};
  b.hazards = {{HazardKind::full_table_scan, "f"},
               {HazardKind::irreversible, "r"},
               {HazardKind::access_exclusive_lock, "x", Severity::blocker},
               {HazardKind::table_rewrite, "t"}};
  plan.steps = {a, b};
  std::string md = render_markdown(plan);
  auto at = [&](std::string_view cell) { return md.find(cell); };
  CHECK(at("`ACCESS_EXCLUSIVE_LOCK`") < at("`IRREVERSIBLE`"));
  CHECK(at("`IRREVERSIBLE`") < at("`TABLE_REWRITE`"));
  CHECK(at("`TABLE_REWRITE`") < at("`SHARE_LOCK`"));
  CHECK(at("`SHARE_LOCK`") < at("`FULL_TABLE_SCAN`"));
  CHECK(at("`FULL_TABLE_SCAN`") < at("`INDEX_BUILD`"));
  CHECK(md.find("| **blocker** (needs `--allow-hazards`) | `ACCESS_EXCLUSIVE_LOCK` |") != std::string::npos);
  CHECK(md.find("| note | `INDEX_BUILD` |") != std::string::npos);
  CHECK(md.find("| warning | `SHARE_LOCK` |") != std::string::npos);
}
