#include <catch2/catch.hpp>

#include "planner/drift.hpp"
#include "planner/report/render.hpp"

using namespace pgshift::planner;
using namespace pgshift::schema;

namespace {

Expr expr(const std::string& text) { return Expr{text, text}; }

// The desired schema: one table with a check, an index and a grant, a view and a trigger function.
Database desired_db() {
  Database db;
  db.managed_roles = {"app"};
  db.extensions["pgcrypto"] = Extension{"pgcrypto"};
  Schema& s = db.schemas["public"];
  Table users;
  users.columns = {Column{"id", "bigint", false}, Column{"email", "text"},
                   Column{"status", "text", true, expr("'active'::text")}};
  users.primary_key = PrimaryKey{"", {"id"}};
  users.checks["users_email_check"] = CheckConstraint{"users_email_check", expr("length(email) > 3")};
  users.indexes["users_email_idx"] = Index{"users_email_idx", {IndexElem{"email"}}};
  users.grants = {Grant{"app", {"SELECT", "INSERT"}}};
  s.tables["users"] = users;
  Function touch;
  touch.name = {"public", "touch"};
  touch.returns = "trigger";
  touch.body = "BEGIN NEW.updated_at := now(); RETURN NEW; END";
  s.functions[touch.key()] = touch;
  View active;
  active.query = expr("SELECT id FROM public.users WHERE status = 'active'::text");
  s.views["active_users"] = active;
  normalize(db);
  return db;
}

// The database after six changes by hand (the issue's acceptance list).
Database drifted_db() {
  Database db = desired_db();
  Schema& s = db.schemas["public"];
  Table& users = s.tables["users"];
  users.columns.push_back(Column{"nickname", "text"});
  users.columns[2].default_value = expr("'new'::text");
  users.indexes.clear();
  users.checks["users_email_check"].expression = expr("length(email) > 5");
  Table audit;
  audit.columns = {Column{"id", "bigint", false}, Column{"payload", "jsonb"}};
  s.tables["audit"] = audit;
  s.functions["touch()"].body = "BEGIN\n  NEW.updated_at := clock_timestamp();\n  RETURN NEW;\nEND";
  normalize(db);
  return db;
}

std::vector<std::string> summaries(const DriftReport& report) {
  std::vector<std::string> out;
  for (const auto& item : report.items) {
    out.push_back(std::string(drift_status_name(item.status)) + " " + item.kind + " " + item.name +
                  (item.what.empty() ? "" : ": " + item.what));
  }
  return out;
}

}  // namespace

TEST_CASE("a database that matches has no drift") {
  DriftReport report = compute_drift(desired_db(), desired_db());
  CHECK(report.items.empty());
  CHECK_FALSE(report.drifted());
  CHECK(render_drift_text(report) == "No drift. The database matches the desired schema.\n");
  CHECK(drift_to_json(report)["status"] == "match");
  CHECK(render_drift_markdown(report) ==
        "## pgshift drift\n\n**No drift.** The database matches the desired schema.\n");
}

TEST_CASE("each kind of hand-made change is named with its expected and actual definition") {
  DriftReport report = compute_drift(drifted_db(), desired_db());
  CHECK(summaries(report) == std::vector<std::string>{
                                 "extra table public.audit",
                                 "extra column public.users.nickname",
                                 "changed column public.users.status: default",
                                 "changed check public.users.users_email_check: definition",
                                 "missing index public.users.users_email_idx",
                                 "changed function public.touch(): body",
                             });
  CHECK(render_drift_text(report) == R"EXPECTED(Drift: 6 differences (3 changed, 2 extra, 1 missing).

  + table public.audit: in the database, not in the schema files
      actual:   TABLE (id bigint NOT NULL, payload jsonb)
  + column public.users.nickname: in the database, not in the schema files
      actual:   text
  ~ column public.users.status: default
      expected: text DEFAULT 'active'::text
      actual:   text DEFAULT 'new'::text
  ~ check public.users.users_email_check: definition
      expected: CHECK (length(email) > 3)
      actual:   CHECK (length(email) > 5)
  - index public.users.users_email_idx: in the schema files, missing from the database
      expected: INDEX USING btree (email)
  ~ function public.touch(): body
      expected: FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.updated_at := now(); RETURN NEW; END$$
      actual:   FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN
                  NEW.updated_at := clock_timestamp();
                  RETURN NEW;
                END$$
)EXPECTED");
}

TEST_CASE("the JSON drift report has the documented keys") {
  DriftReport report = compute_drift(drifted_db(), desired_db());
  CHECK(drift_to_json_text(report) == R"EXPECTED({
  "differences": [
    {
      "actual": "TABLE (id bigint NOT NULL, payload jsonb)",
      "expected": null,
      "kind": "table",
      "name": "public.audit",
      "status": "extra",
      "what": ""
    },
    {
      "actual": "text",
      "expected": null,
      "kind": "column",
      "name": "public.users.nickname",
      "status": "extra",
      "what": ""
    },
    {
      "actual": "text DEFAULT 'new'::text",
      "expected": "text DEFAULT 'active'::text",
      "kind": "column",
      "name": "public.users.status",
      "status": "changed",
      "what": "default"
    },
    {
      "actual": "CHECK (length(email) > 5)",
      "expected": "CHECK (length(email) > 3)",
      "kind": "check",
      "name": "public.users.users_email_check",
      "status": "changed",
      "what": "definition"
    },
    {
      "actual": null,
      "expected": "INDEX USING btree (email)",
      "kind": "index",
      "name": "public.users.users_email_idx",
      "status": "missing",
      "what": ""
    },
    {
      "actual": "FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN\n  NEW.updated_at := clock_timestamp();\n  RETURN NEW;\nEND$$",
      "expected": "FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.updated_at := now(); RETURN NEW; END$$",
      "kind": "function",
      "name": "public.touch()",
      "status": "changed",
      "what": "body"
    }
  ],
  "format_version": 1,
  "migration": null,
  "notes": [],
  "status": "drift",
  "strict": false,
  "summary": {
    "changed": 3,
    "extra": 2,
    "ignored": 0,
    "missing": 1
  }
}
)EXPECTED");
}

TEST_CASE("the markdown drift report has a table and the definitions") {
  DriftReport report = compute_drift(drifted_db(), desired_db());
  CHECK(render_drift_markdown(report) == R"EXPECTED(## pgshift drift

**Drift**: 6 differences (3 changed, 2 extra, 1 missing).

| Status | Kind | Object | Differs |
|---|---|---|---|
| extra | table | `public.audit` | in the database, not in the schema files |
| extra | column | `public.users.nickname` | in the database, not in the schema files |
| changed | column | `public.users.status` | default |
| changed | check | `public.users.users_email_check` | definition |
| missing | index | `public.users.users_email_idx` | in the schema files, missing from the database |
| changed | function | `public.touch()` | body |

<details>
<summary>Definitions: expected and actual</summary>

**extra** table `public.audit`

```sql
-- actual (database)
TABLE (id bigint NOT NULL, payload jsonb)
```

**extra** column `public.users.nickname`

```sql
-- actual (database)
text
```

**changed** column `public.users.status`

```sql
-- expected (schema files)
text DEFAULT 'active'::text
-- actual (database)
text DEFAULT 'new'::text
```

**changed** check `public.users.users_email_check`

```sql
-- expected (schema files)
CHECK (length(email) > 3)
-- actual (database)
CHECK (length(email) > 5)
```

**missing** index `public.users.users_email_idx`

```sql
-- expected (schema files)
INDEX USING btree (email)
```

**changed** function `public.touch()`

```sql
-- expected (schema files)
FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.updated_at := now(); RETURN NEW; END$$
-- actual (database)
FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END$$
```

</details>
)EXPECTED");
}

TEST_CASE("ignore globs hide matching objects and count them") {
  DriftReport report = compute_drift(drifted_db(), desired_db(), DriftOptions{{"public.audit", "public.users.*"}});
  CHECK(summaries(report) == std::vector<std::string>{"changed function public.touch(): body"});
  CHECK(report.ignored == 5);
  CHECK(drift_to_json(report)["summary"]["ignored"] == 5);
  CHECK(render_drift_text(report).find("(5 differences ignored by --ignore patterns)") != std::string::npos);
}

TEST_CASE("ignoring a table hides the differences inside it") {
  DriftReport report = compute_drift(drifted_db(), desired_db(), DriftOptions{{"public.users"}});
  CHECK(summaries(report) ==
        std::vector<std::string>{"extra table public.audit", "changed function public.touch(): body"});
  CHECK(report.ignored == 1);
}

TEST_CASE("hints in the desired schema are not drift") {
  Database desired = desired_db();
  Column& email = desired.schemas["public"].tables["users"].columns[1];
  email.renamed_from = "mail";
  email.using_expr = expr("mail::text");
  email.down_using = expr("email");
  desired.schemas["public"].tables["users"].renamed_from = "people";
  CHECK(compute_drift(desired_db(), desired).items.empty());
}

TEST_CASE("grants are compared only for the managed roles") {
  Database actual = desired_db();
  Table& users = actual.schemas["public"].tables["users"];
  users.grants.push_back(Grant{"reporting", {"SELECT"}});
  CHECK(compute_drift(actual, desired_db()).items.empty());
  users.grants[0].privileges = {"SELECT"};
  DriftReport report = compute_drift(actual, desired_db());
  REQUIRE(report.items.size() == 1);
  CHECK(report.items[0] == DriftItem{DriftStatus::changed, "grant", "public.users", "on table",
                                     "INSERT, SELECT TO app", "SELECT TO app"});
}

TEST_CASE("comments are reported as their own kind") {
  Database actual = desired_db();
  actual.schemas["public"].tables["users"].columns[1].comment = "set by hand";
  actual.schemas["public"].comment = "app schema";
  DriftReport report = compute_drift(actual, desired_db());
  CHECK(report.items == std::vector<DriftItem>{
                            {DriftStatus::changed, "comment", "public", "on schema", "(none)", "app schema"},
                            {DriftStatus::changed, "comment", "public.users.email", "on column", "(none)", "set by hand"},
                        });
}

TEST_CASE("an extension version is compared only when the schema files pin it") {
  Database actual = desired_db();
  actual.extensions["pgcrypto"].version = "1.3";
  CHECK(compute_drift(actual, desired_db()).items.empty());
  Database desired = desired_db();
  desired.extensions["pgcrypto"].version = "1.2";
  CHECK(summaries(compute_drift(actual, desired)) == std::vector<std::string>{"changed extension pgcrypto: version"});
}

TEST_CASE("views, materialized views and procedures are named by their kind") {
  Database actual = desired_db();
  Schema& s = actual.schemas["public"];
  View totals;
  totals.materialized = true;
  totals.query = expr("SELECT count(*) AS count FROM public.users");
  s.views["totals"] = totals;
  Function purge;
  purge.name = {"public", "purge"};
  purge.procedure = true;
  purge.identity_arguments = "integer";
  purge.arguments = "days integer";
  purge.language = "sql";
  purge.body = "DELETE FROM public.audit";
  s.functions[purge.key()] = purge;
  s.views["active_users"].materialized = true;
  DriftReport report = compute_drift(actual, desired_db());
  CHECK(summaries(report) == std::vector<std::string>{
                                 "changed view public.active_users: materialized",
                                 "extra materialized view public.totals",
                                 "extra procedure public.purge(integer)",
                             });
  CHECK(report.items[2].actual == "PROCEDURE public.purge(days integer) LANGUAGE sql AS $$DELETE FROM public.audit$$");
}

TEST_CASE("a missing schema is one difference, not one per object") {
  Database desired = desired_db();
  desired.schemas["sales"].tables["orders"].columns = {Column{"id", "bigint", false}};
  normalize(desired);
  CHECK(summaries(compute_drift(desired_db(), desired)) == std::vector<std::string>{"missing schema sales"});
}

TEST_CASE("unmanaged objects are notes, not drift") {
  Database actual = desired_db();
  actual.unmanaged = {"unmanaged: rule public.users.r"};
  DriftReport report = compute_drift(actual, desired_db());
  CHECK_FALSE(report.drifted());
  CHECK(report.notes == std::vector<std::string>{"unmanaged: rule public.users.r"});
  CHECK(render_drift_text(report) ==
        "No drift. The database matches the desired schema.\n\nNotes:\n  - unmanaged: rule public.users.r\n");
}

TEST_CASE("a migration in flight is reported without a verdict unless strict") {
  DriftReport report = compute_drift(drifted_db(), desired_db());
  report.migration = MigrationInFlight{12, "add"};
  CHECK_FALSE(report.has_verdict());
  CHECK(drift_to_json(report)["status"] == "migration_in_flight");
  CHECK(drift_to_json(report)["migration"] == nlohmann::json{{"id", 12}, {"last_phase", "add"}});
  std::string text = render_drift_text(report);
  CHECK(text.rfind("Migration 12 is in flight (last completed phase: add): drift is not judged until it completes "
                   "(use --strict to judge anyway).\n\nDifferences while it runs (not judged: the migration makes some "
                   "or all of them): 6 differences (3 changed, 2 extra, 1 missing).\n\n",
                   0) == 0);
  report.strict = true;
  CHECK(report.has_verdict());
  CHECK(drift_to_json(report)["status"] == "drift");
  CHECK(render_drift_text(report).find("Drift: 6 differences") != std::string::npos);
}

TEST_CASE("a migration in flight with no differences says only that") {
  DriftReport report = compute_drift(desired_db(), desired_db());
  report.migration = MigrationInFlight{3, ""};
  CHECK(render_drift_text(report) ==
        "Migration 3 is in flight (last completed phase: none): drift is not judged until it completes "
        "(use --strict to judge anyway).\n");
}
