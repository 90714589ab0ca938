// Version schemas: with PlanOptions::version_schemas, the old and the new application each use their
// own schema of views (search_path) from the add phase to the drop phase: a rename copies nothing, a
// type change still goes through its shadow column, both sides read each other's writes, and rollback
// from every phase restores the schema and keeps every row.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>

#include "executor/scratch/normalize.hpp"
#include "executor/apply.hpp"
#include "executor/connection.hpp"
#include "executor/rollback.hpp"
#include "introspect/introspect.hpp"
#include "planner/planner.hpp"
#include "planner/report/render.hpp"
#include "schema/yaml_io.hpp"
#include "tests/support/pg_test.hpp"

using namespace pgshift;
using planner::Phase;

namespace {

constexpr const char* k_desired = R"yaml(
schemas:
  public:
    tables:
      users:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: full_name, type: text, nullable: false, renamed_from: name}
          - {name: score, type: bigint, nullable: false, default: "0"}
          - {name: nickname, type: text}
        primary_key: [id]
        indexes:
          users_name_idx: {columns: [full_name]}
)yaml";

std::string value(pqxx::connection& c, const std::string& search_path, const std::string& sql) {
  pqxx::work tx(c);
  tx.exec0("SET LOCAL search_path = " + search_path);
  auto r = tx.exec(sql);
  tx.commit();
  return r.empty() || r[0][0].is_null() ? "" : r[0][0].c_str();
}

void exec(pqxx::connection& c, const std::string& search_path, const std::string& sql) {
  pqxx::work tx(c);
  tx.exec0("SET LOCAL search_path = " + search_path);
  tx.exec0(sql);
  tx.commit();
}

}  // namespace

TEST_CASE("version schemas give old and new code their own shape and a rename copies nothing", "[pg][expand]") {
  test::TestDb db;
  db.exec(R"sql(
CREATE TABLE public.users (id bigint PRIMARY KEY, name text NOT NULL, score integer NOT NULL DEFAULT 0);
CREATE INDEX users_name_idx ON public.users (name);
INSERT INTO public.users SELECT g, 'user ' || g, g % 100 FROM generate_series(1, 5000) g;
)sql");
  auto& c = db.conn();
  const schema::Database desired = test::desired_schema(db, k_desired);
  const schema::Database start = introspect::introspect(c, {});
  const std::string start_yaml = schema::to_yaml(start);
  planner::PlanOptions options;
  options.version_schemas = std::make_pair(std::string("app_v1"), std::string("app_v2"));
  const planner::Plan plan = planner::make_plan(start, desired, options);
  INFO(planner::render_golden(plan));
  auto has = [&](const std::string& id) {
    return std::any_of(plan.steps.begin(), plan.steps.end(), [&](const auto& s) { return s.id == id; });
  };
  CHECK(has("rename_column:public.users.name"));               // a plain rename ...
  CHECK_FALSE(has("add_shadow_column:public.users.full_name"));  // ... no copy of the column
  CHECK(has("add_shadow_column:public.users.score"));           // the type change still has its shadow
  CHECK(has("create_version_schemas:app_v1,app_v2"));
  CHECK(has("drop_version_schemas:app_v1,app_v2"));

  auto old_app = executor::connect(db.url());
  auto new_app = executor::connect(db.url());
  const std::string old_path = "app_v1, public", new_path = "app_v2, public";
  int64_t next = 100000;
  for (Phase phase : planner::k_all_phases) {
    INFO("through " << planner::phase_name(phase));
    executor::ApplyOptions o;
    o.allowed_hazards = test::all_hazards();
    o.lock_timeout_ms = 5000;
    o.through = phase;
    executor::apply(c, plan, o);
    if (phase != Phase::drop) {
      // Old code: the old names and types; new code: the new ones. Each sees the other's writes.
      int64_t a = next++, b = next++;
      exec(*old_app, old_path, fmt::format("INSERT INTO users (id, name, score) VALUES ({}, 'old {}', 7)", a, a));
      exec(*new_app, new_path, fmt::format("INSERT INTO users (id, full_name, score, nickname) VALUES ({}, 'new {}', 500, 'n')", b, b));
      exec(*old_app, old_path, "UPDATE users SET name = 'renamed by old' WHERE id = 1");
      CHECK(value(*new_app, new_path, fmt::format("SELECT full_name FROM users WHERE id = {}", a)) == fmt::format("old {}", a));
      CHECK(value(*old_app, old_path, fmt::format("SELECT name FROM users WHERE id = {}", b)) == fmt::format("new {}", b));
      CHECK(value(*new_app, new_path, "SELECT full_name FROM users WHERE id = 1") == "renamed by old");
      CHECK(value(*new_app, new_path, fmt::format("SELECT score FROM users WHERE id = {}", b)) == "500");
      CHECK(value(*old_app, old_path, "SELECT pg_typeof(score)::text FROM users LIMIT 1") == "integer");
      CHECK(value(*new_app, new_path, "SELECT pg_typeof(score)::text FROM users LIMIT 1") == "bigint");
      // The old shape does not show the new column; the new one does.
      CHECK(value(*old_app, old_path, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'app_v1' "
                                      "AND table_name = 'users' AND column_name = 'nickname'") == "0");
    } else {
      CHECK(db.query_value("SELECT count(*) FROM pg_namespace WHERE nspname IN ('app_v1', 'app_v2')") == "0");
    }
    executor::RollbackOptions r;
    r.allowed_hazards = test::all_hazards();
    r.lock_timeout_ms = 5000;
    executor::rollback(c, r);
    auto back = introspect::introspect(c, {});
    CHECK(planner::make_plan(back, start).empty());
    if (phase != Phase::drop) CHECK(schema::to_yaml(back) == start_yaml);
    CHECK(db.query_value("SELECT count(*) FROM pg_namespace WHERE nspname IN ('app_v1', 'app_v2')") == "0");
    CHECK(db.query_value("SELECT name FROM public.users WHERE id = 1") == "renamed by old");  // written through app_v1
    CHECK(db.query_value("SELECT count(*) FROM public.users") == std::to_string(5000 + (next - 100000)));
  }
  executor::ApplyOptions o;
  o.allowed_hazards = test::all_hazards();
  executor::apply(c, plan, o);
  CHECK(planner::make_plan(introspect::introspect(c, {}), desired).empty());
  CHECK(db.query_value("SELECT count(*) FROM public.users WHERE full_name LIKE 'user %' OR full_name LIKE 'old %' OR "
                       "full_name LIKE 'new %' OR full_name = 'renamed by old'") ==
        db.query_value("SELECT count(*) FROM public.users"));
}
