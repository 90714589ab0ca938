// verify (executor/scratch/verify.hpp) against the test cluster: the sampled copy keeps foreign keys with
// hostile names, a good plan is proven (lost data named, not a failure), a step whose rollback does not
// restore data or schema is a divergence, queries are explained, and the scratch database is dropped
// in every case, cancellation included.
#include <catch2/catch.hpp>

#include "executor/scratch/normalize.hpp"
#include "executor/connection.hpp"
#include "executor/scratch/scratch.hpp"
#include "executor/scratch/scratch_copy.hpp"
#include "executor/scratch/verify.hpp"
#include "introspect/introspect.hpp"
#include "planner/planner.hpp"
#include "schema/yaml_io.hpp"
#include "tests/support/pg_test.hpp"

using namespace pgshift;

namespace {

bool database_exists(const std::string& name) {
  auto conn = executor::connect(test::cluster_url());
  pqxx::read_transaction tx(*conn);
  return tx.exec_params1("SELECT count(*) FROM pg_database WHERE datname = $1", name)[0].as<int>() == 1;
}

std::string scalar(const std::string& conninfo, const std::string& sql) {
  auto conn = executor::connect(conninfo);
  pqxx::read_transaction tx(*conn);
  auto f = tx.exec1(sql)[0];
  return f.is_null() ? "" : f.as<std::string>();
}

constexpr const char* k_hostile = R"sql(
CREATE SCHEMA "with space";
CREATE TABLE "with space"."Parent" (id bigint PRIMARY KEY, "select" text);
CREATE TABLE public."a""b" (
  id bigint PRIMARY KEY,
  parent_id bigint REFERENCES "with space"."Parent" (id),
  "ünï" text,
  twice bigint GENERATED ALWAYS AS (id * 2) STORED,
  ident bigint GENERATED ALWAYS AS IDENTITY);
CREATE TABLE public.grandchild (
  id int PRIMARY KEY,
  child_id bigint NOT NULL REFERENCES public."a""b" (id),
  up int REFERENCES public.grandchild (id));
INSERT INTO "with space"."Parent" SELECT g, 'p' || g FROM generate_series(1, 3000) g;
INSERT INTO public."a""b" (id, parent_id, "ünï") OVERRIDING SYSTEM VALUE
  SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE (g * 7) % 3000 + 1 END, 'x''); DROP TABLE t; --' FROM generate_series(1, 3000) g;
INSERT INTO public.grandchild SELECT g, (g * 13) % 3000 + 1, CASE WHEN g % 2 = 0 THEN g - 1 END FROM generate_series(1, 3000) g;
)sql";

constexpr const char* k_users = R"sql(
CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL, name varchar(50));
INSERT INTO public.users SELECT g, 'user' || g, 'name' || g FROM generate_series(1, 3000) g;
)sql";

// A backfilled NOT NULL column, two new indexes, and a dropped column (DELETES_DATA).
constexpr const char* k_users_desired = R"yaml(schemas:
  public:
    tables:
      users:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: email, type: text, nullable: false}
          - {name: token, type: uuid, nullable: false, default: "gen_random_uuid()"}
        primary_key: [id]
        indexes:
          users_email_idx: {columns: [email]}
          users_lower_email_idx: {expression: lower(email)}
)yaml";

executor::VerifyOptions options_for(const test::TestDb& db) {
  executor::VerifyOptions o;
  o.source_conninfo = db.url();
  o.sample_rows = 100;
  return o;
}

// A plan of hand-made steps on `db`'s current schema, which it claims to keep.
planner::Plan hand_plan(test::TestDb& db, std::vector<planner::Step> steps) {
  planner::Plan plan;
  plan.current_fingerprint = plan.desired_fingerprint = planner::fingerprint(introspect::introspect(db.conn(), {}));
  plan.steps = std::move(steps);
  return plan;
}

planner::Step hand_step(std::string id, std::string forward, std::string reverse) {
  planner::Step s;
  s.id = std::move(id);
  s.object = "table public.users";
  s.forward_sql = std::move(forward);
  s.reverse_sql = std::move(reverse);
  s.lock = "ACCESS EXCLUSIVE on public.users";
  return s;
}

}  // namespace

TEST_CASE("verify's sampled copy keeps every foreign key satisfied, hostile names included") {
  test::TestDb db;
  db.exec(k_hostile);
  std::string name;
  {
    executor::ScratchDatabase scratch(test::cluster_url(), executor::database_locale(db.conn()));
    name = scratch.name();
    auto copied = executor::copy_to_scratch(
        {.source_conninfo = db.url(), .scratch_conninfo = scratch.conninfo(), .sample_rows = 100});
    CHECK(copied.notes.empty());
    const auto& tables = copied.tables;
    REQUIRE(tables.size() == 3);
    for (const auto& t : tables) {
      INFO(t.table);
      CHECK(t.rows > 0);
      CHECK(t.rows <= 100);
    }
    std::string url = scratch.conninfo();
    // Post-data ran after the rows: the keys exist and were validated against the sample.
    CHECK(scalar(url, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated") == "3");
    CHECK(scalar(url, "SELECT count(*) FROM public.\"a\"\"b\" c WHERE parent_id IS NOT NULL AND NOT EXISTS "
                      "(SELECT 1 FROM \"with space\".\"Parent\" p WHERE p.id = c.parent_id)") == "0");
    CHECK(scalar(url, "SELECT count(*) FROM public.\"a\"\"b\" WHERE parent_id IS NULL") != "0");
    CHECK(scalar(url, "SELECT count(*) FROM public.\"a\"\"b\" WHERE twice <> id * 2 OR ident IS NULL") == "0");
    CHECK(scalar(url, "SELECT min(\"ünï\") FROM public.\"a\"\"b\"") == "x'); DROP TABLE t; --");
    CHECK(database_exists(name));
  }
  CHECK_FALSE(database_exists(name));
}

TEST_CASE("verify proves a good plan on the copy: steps measured, lost data named, copy dropped") {
  test::TestDb db;
  db.exec(k_users);
  executor::VerifyOptions o = options_for(db);
  o.desired = executor::normalize_through_server(db.url(), schema::load_schema_text(k_users_desired, "desired.yaml")).desired;
  o.queries = {"SELECT id FROM public.users WHERE email = 'user5'"};

  executor::VerifyReport r = executor::verify(o);
  INFO(executor::render_verify_text(r));
  CHECK_FALSE(r.proven);  // apply would refuse the DELETES_DATA step without permission
  CHECK(r.needs_permission == std::vector<std::string>{"DELETES_DATA"});
  CHECK_FALSE(r.divergence);
  CHECK(r.desired_reached);
  CHECK(r.scratch_dropped);
  CHECK_FALSE(database_exists(r.scratch_database));
  REQUIRE(r.phases.size() == 4);
  for (const auto& p : r.phases) {
    CHECK(p.schema_restored);
    CHECK(p.data_restored);
  }
  REQUIRE(r.phases.back().lost.size() == 1);
  CHECK_THAT(r.phases.back().lost[0], Catch::StartsWith("public.users.name: "));
  CHECK_THAT(r.phases.back().lost[0], Catch::Contains("drop_column:public.users.name (DELETES_DATA)"));
  bool backfilled = false;
  for (const auto& s : r.steps) {
    INFO(s.id);
    CHECK(s.apply_s.has_value());
    backfilled = backfilled || s.rows_backfilled == 100;
  }
  CHECK(backfilled);
  REQUIRE(r.queries.size() == 1);
  CHECK(r.queries[0].changed);
  CHECK_THAT(r.queries[0].plan_after, Catch::Contains("users_email_idx"));
  CHECK(r.new_indexes_used == std::vector<std::string>{"public.users_email_idx"});
  CHECK(r.new_indexes_unused == std::vector<std::string>{"public.users_lower_email_idx"});

  o.allowed_hazards = {planner::HazardKind::deletes_data};
  o.queries.clear();
  r = executor::verify(o);
  CHECK(r.proven);
  CHECK_THAT(executor::render_verify_markdown(r), Catch::StartsWith("## pgshift verify\n\n**PROVEN on a scratch copy**"));
}

TEST_CASE("verify reports a step whose rollback does not restore the data as a divergence") {
  test::TestDb db;
  db.exec(k_users);
  executor::VerifyOptions o = options_for(db);
  o.plan = hand_plan(db, {hand_step("touch:public.users", "UPDATE public.users SET email = email || '!'", "")});
  executor::VerifyReport r = executor::verify(o);
  INFO(executor::render_verify_text(r));
  CHECK_FALSE(r.proven);
  REQUIRE(r.divergence);
  CHECK(r.divergence->stage == "rollback after add");
  CHECK_THAT(r.divergence->message, Catch::Contains("public.users.email: values not as before"));
  CHECK_FALSE(database_exists(r.scratch_database));
}

TEST_CASE("verify shows the schema difference when a reverse leaves the schema changed") {
  test::TestDb db;
  db.exec(k_users);
  schema::Database desired = introspect::introspect(db.conn(), {});
  desired.schemas["public"].tables["users"].columns.push_back({.name = "extra", .type = "integer"});
  executor::VerifyOptions o = options_for(db);
  o.plan = hand_plan(db, {hand_step("add_extra:public.users", "ALTER TABLE public.users ADD COLUMN extra integer", "")});
  o.plan->desired_fingerprint = planner::fingerprint(desired);
  executor::VerifyReport r = executor::verify(o);
  INFO(executor::render_verify_text(r));
  REQUIRE(r.divergence);
  CHECK(r.desired_reached);
  CHECK(r.divergence->stage == "rollback after add");
  CHECK_THAT(r.divergence->diff, Catch::Contains("--- original schema\n+++ after rollback\n"));
  CHECK_THAT(r.divergence->diff, Catch::Contains("\n+          - {name: extra, type: integer}\n"));
  CHECK_FALSE(database_exists(r.scratch_database));
}

TEST_CASE("a cancelled verify drops the scratch database on the way out") {
  test::TestDb db;
  db.exec(k_users);
  executor::VerifyOptions o = options_for(db);
  o.desired = executor::normalize_through_server(db.url(), schema::load_schema_text(k_users_desired, "desired.yaml")).desired;
  bool stop = false;
  std::string scratch;
  o.progress = [&](const std::string& line) {
    if (auto at = line.find("pgshift_verify_"); at != std::string::npos) scratch = line.substr(at);
  };
  o.before_step = [&](const std::string&) {
    stop = true;  // as a Ctrl-C during the first step would
    return true;
  };
  o.cancelled = [&] { return stop; };
  CHECK_THROWS_WITH(executor::verify(o), Catch::Contains("interrupted; the scratch database") && Catch::Contains("was dropped"));
  REQUIRE_FALSE(scratch.empty());
  CHECK_FALSE(database_exists(scratch));
}
