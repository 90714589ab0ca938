// libFuzzer target for the YAML schema loader: any input either loads (and then writes back as YAML
// without trouble) or is refused with pgshift::Error (file:line:column diagnostics). Anything else
// (another exception, a crash, a sanitizer report, a leak) is a bug. Built by scripts/fuzz with clang.
//
// What loads is also planned from an empty database, and every statement of that plan must parse,
// with the marker word of the seeds in tests/fuzz/corpus (hostile names, comments and labels that
// try to run `CREATE ROLE pgshift_pwned`) only ever inside a string constant or a quoted identifier:
// a value of the YAML never becomes SQL of its own.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "planner/planner.hpp"
#include "schema/expr.hpp"
#include "schema/sql_check.hpp"
#include "schema/yaml_io.hpp"
#include "util/error.hpp"

namespace {

void check_sql(const std::string& what, const std::string& sql) {
  if (sql.empty()) {
    return;
  }
  try {
    (void)pgshift::schema::statement_kinds(sql);
  } catch (const pgshift::schema::SqlParseError& e) {
    std::fprintf(stderr, "generated SQL does not parse (%s): %s\n%s\n", what.c_str(), e.what(), sql.c_str());
    std::abort();
  }
  std::string escape = pgshift::schema::marker_escape(sql, "pgshift_pwned");
  if (!escape.empty()) {
    std::fprintf(stderr, "a YAML value became SQL (%s): %s\n%s\n", what.c_str(), escape.c_str(), sql.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  pgshift::schema::Database db;
  try {
    db = pgshift::schema::load_schema_text(text, "fuzz.yaml");
    std::string yaml = pgshift::schema::to_yaml(db);
    // What the loader accepted and wrote back must load again.
    (void)pgshift::schema::load_schema_text(yaml, "fuzz-roundtrip.yaml");
  } catch (const pgshift::Error&) {
    return 0;  // refused with a diagnostic: fine
  }
  pgshift::planner::Plan plan;
  try {
    plan = pgshift::planner::make_plan(pgshift::schema::Database{}, db);
  } catch (const pgshift::Error&) {
    return 0;  // a change the planner refuses, named in its message: nothing runs
  }
  for (const auto& step : plan.steps) {
    check_sql(step.id + " forward", step.forward_sql);
    check_sql(step.id + " reverse", step.reverse_sql.value_or(""));
    check_sql(step.id + " precheck", step.precheck_sql);
    check_sql(step.id + " done check", step.done_check_sql);
    check_sql(step.id + " cleanup", step.cleanup_sql);
  }
  return 0;
}
