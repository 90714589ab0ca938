#include <catch2/catch.hpp>

#include "planner/planner.hpp"
#include "schema/yaml_io.hpp"
#include "util/error.hpp"

using namespace pgshift;

namespace {

schema::Database load(const std::string& yaml) { return schema::load_schema_text(yaml, "t.yaml"); }

const char* k_no_pk = R"(
schemas:
  public:
    tables:
      employees:
        columns:
          - {name: name, type: text}
)";

const char* k_serial_added = R"yaml(
schemas:
  public:
    sequences:
      employees_id_seq: {type: integer, owned_by: employees.id}
    tables:
      employees:
        columns:
          - {name: name, type: text}
          - {name: id, type: integer, nullable: false, default: "nextval('employees_id_seq')"}
)yaml";

const char* k_partitioned = R"(
schemas:
  public:
    tables:
      employees:
        columns:
          - {name: name, type: text}
        partition_by: LIST (name)
)";

planner::PlanOptions with_rows(double rows) {
  planner::PlanOptions o;
  o.table_stats[{"public", "employees"}] = {rows, 8192, 0};
  return o;
}

const planner::Step* find_step(const planner::Plan& plan, const std::string& id) {
  for (const auto& s : plan.steps) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a serial column on a small table without a primary key is one ADD COLUMN, checked at apply") {
  planner::Plan plan = planner::make_plan(load(k_no_pk), load(k_serial_added), with_rows(3));
  const planner::Step* add = find_step(plan, "add_column:public.employees.id");
  REQUIRE(add != nullptr);
  CHECK(add->forward_sql.find("ADD COLUMN \"id\" integer DEFAULT nextval('employees_id_seq') NOT NULL") != std::string::npos);
  CHECK(add->precheck_sql.find("LIMIT 10001") != std::string::npos);
  CHECK(find_step(plan, "backfill:public.employees.id") == nullptr);
}

TEST_CASE("a serial column on a large table without a primary key is refused with its row count") {
  try {
    planner::make_plan(load(k_no_pk), load(k_serial_added), with_rows(250000));
    FAIL("planned");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) ==
          "cannot add column public.employees.id: its values must be computed row by row, public.employees has ~250000 "
          "rows and no primary key to backfill them in batches by");
  }
}

TEST_CASE("changing how an empty table is partitioned rebuilds it; with rows it is refused with the count") {
  planner::Plan plan = planner::make_plan(load(k_no_pk), load(k_partitioned), with_rows(0));
  const planner::Step* rebuild = find_step(plan, "rebuild_table:public.employees");
  REQUIRE(rebuild != nullptr);
  CHECK(rebuild->forward_sql.find("PARTITION BY LIST (name)") != std::string::npos);
  CHECK(rebuild->precheck_sql.find("count(*)") != std::string::npos);
  try {
    planner::make_plan(load(k_no_pk), load(k_partitioned), with_rows(12));
    FAIL("planned");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "changing how public.employees is partitioned needs the table rebuilt, and it has ~12 rows");
  }
}
