// Every golden case, applied for real (label pg): build `current.yaml` in a fresh database, fill every
// table with rows, plan to `desired.yaml`, then for each phase: apply through it, roll back, and check
// that schema and data are back as they were; finally apply everything, check the database matches the
// desired schema (an empty re-plan) and that a second apply changes nothing.
//
// Run as one ctest test per case (tests/CMakeLists.txt sets PGSHIFT_CASE); without PGSHIFT_CASE the
// hidden test case runs them all.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>

#include "executor/scratch/normalize.hpp"
#include "executor/apply.hpp"
#include "executor/rollback.hpp"
#include "introspect/introspect.hpp"
#include "planner/planner.hpp"
#include "planner/report/render.hpp"
#include "schema/sql_text.hpp"
#include "schema/yaml_io.hpp"
#include "tests/support/pg_test.hpp"
#include "util/strings.hpp"

namespace fs = std::filesystem;
using namespace pgshift;

namespace {

// The managed roles of the case being run (its current.yaml's and desired.yaml's `roles`): their grants
// are read, so a case with grants checks them too.
std::vector<std::string> g_roles;

schema::Database inspect(pqxx::connection& c) { return introspect::introspect(c, {{}, g_roles}); }

// Roles are cluster-wide and the YAML cannot create them: the case's roles are created once, if missing.
void create_roles(pqxx::connection& c, const std::vector<std::string>& roles) {
  for (const auto& r : roles) {
    if (r == "public") continue;
    pqxx::nontransaction tx(c);
    tx.exec(schema::do_block("BEGIN CREATE ROLE " + schema::quote_ident(r) +
                             " NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END"));
  }
}

void apply_all(pqxx::connection& c, const planner::Plan& plan, std::optional<planner::Phase> through = std::nullopt) {
  executor::ApplyOptions o;
  o.allowed_hazards = test::all_hazards();
  o.through = through;
  o.lock_timeout_ms = 5000;
  executor::apply(c, plan, o);
}

void rollback_all(pqxx::connection& c) {
  executor::RollbackOptions o;
  o.allowed_hazards = test::all_hazards();
  o.lock_timeout_ms = 5000;
  executor::rollback(c, o);
}

// A value expression for column `c` of row number g (an integer expression).
std::string sample_value(const schema::Column& c, const schema::Database& db) {
  const std::string& t = c.type;
  if (c.identity || c.generated) return "";
  if (t == "integer" || t == "bigint" || t == "smallint" || util::starts_with(t, "numeric") || t == "real" || t == "double precision") {
    return "g";
  }
  if (t == "text" || util::starts_with(t, "character varying")) return "'v' || g || '@example.com'";
  if (util::starts_with(t, "character(")) return "'abc'";
  if (t == "boolean") return "g % 2 = 0";
  if (t == "uuid") return "gen_random_uuid()";
  if (util::starts_with(t, "timestamp") || t == "date") return "timestamptz '2024-06-01' + g * interval '1 minute'";
  if (t == "jsonb" || t == "json") return "jsonb_build_object('n', g)";
  for (const auto& [sn, s] : db.schemas) {
    for (const auto& [en, e] : s.enums) {
      if ((sn == "public" ? en : sn + "." + en) == t && !e.values.empty()) {
        return schema::quote_literal(e.values.front().name);
      }
    }
  }
  return "";
}


void populate(pqxx::connection& c, const schema::Database& db, int rows) {
  pqxx::nontransaction tx(c);
  // Parents before children: tables referenced by foreign keys first (a few passes settle chains).
  std::vector<const schema::Table*> order;
  for (const auto& [sn, s] : db.schemas) {
    for (const auto& [tn, t] : s.tables) {
      if (!t.partition_of && !t.partition_by) order.push_back(&t);
    }
  }
  std::stable_sort(order.begin(), order.end(), [](const schema::Table* a, const schema::Table* b) {
    return a->foreign_keys.size() < b->foreign_keys.size();
  });
  for (const auto* t : order) {
    std::vector<std::string> cols, vals;
    for (const auto& col : t->columns) {
      std::string v = sample_value(col, db);
      if (v.empty()) continue;
      cols.push_back(schema::quote_ident(col.name));
      vals.push_back(v);
    }
    if (cols.empty()) continue;
    tx.exec(fmt::format("INSERT INTO {} ({}) SELECT {} FROM generate_series(1, {}) AS g", t->name.sql(), util::join(cols, ", "),
                        util::join(vals, ", "), rows));
  }
}

// count and checksum of every table of `db`, in a fixed order.
std::string data_checksum(pqxx::connection& c, const schema::Database& db) {
  pqxx::nontransaction tx(c);
  std::string out;
  for (const auto& [sn, s] : db.schemas) {
    for (const auto& [tn, t] : s.tables) {
      // jsonb keys are sorted: a column recreated at the end of the table (rollback of a drop) compares equal.
      auto r = tx.exec(fmt::format("SELECT count(*), md5(coalesce(string_agg(to_jsonb(x)::text, '|' ORDER BY to_jsonb(x)::text), '')) FROM {} AS x",
                                   t.name.sql()));
      out += t.name.display() + ":" + r[0][0].c_str() + ":" + r[0][1].c_str() + "\n";
    }
  }
  return out;
}

// The schema with each table's columns in name order. PostgreSQL adds a column at the end of its table,
// so a rollback of the drop phase of a shadow-column change (which recreates the old column) can only
// restore the columns themselves, not their order.
std::string yaml_ignoring_column_order(schema::Database db) {
  for (auto& [sn, s] : db.schemas) {
    for (auto& [tn, t] : s.tables) {
      std::sort(t.columns.begin(), t.columns.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    }
  }
  return schema::to_yaml(db);
}

bool has_hazard(const planner::Plan& p, planner::Phase phase, planner::HazardKind kind) {
  for (const auto& s : p.steps) {
    if (s.phase > phase) continue;
    for (const auto& h : s.hazards) {
      if (h.kind == kind) return true;
    }
  }
  return false;
}

bool recreates_columns(const planner::Plan& p) {
  return std::any_of(p.steps.begin(), p.steps.end(), [](const auto& s) { return s.id.rfind("drop_old_column:", 0) == 0; });
}

bool phase_has_steps(const planner::Plan& p, planner::Phase phase) {
  for (const auto& s : p.steps) {
    if (s.phase == phase) return true;
  }
  return false;
}

void run_case(const fs::path& dir) {
  INFO("case " << dir.filename().string());
  test::TestDb db;
  auto& c = db.conn();
  schema::Database current = fs::exists(dir / "current.yaml") ? schema::load_schema(dir / "current.yaml") : schema::Database{};
  schema::Database desired = schema::load_schema(dir / "desired.yaml");
  schema::strip_hints(current);
  g_roles = current.managed_roles;
  g_roles.insert(g_roles.end(), desired.managed_roles.begin(), desired.managed_roles.end());
  std::sort(g_roles.begin(), g_roles.end());
  g_roles.erase(std::unique(g_roles.begin(), g_roles.end()), g_roles.end());
  create_roles(c, g_roles);
  current = executor::normalize_through_server(db.url(), current).desired;
  desired = executor::normalize_through_server(db.url(), desired).desired;
  // 1. Build the starting schema and fill it.
  if (fs::exists(dir / "current.yaml")) {
    apply_all(c, planner::make_plan(inspect(c), current));
    REQUIRE(planner::make_plan(inspect(c), current).empty());
  }
  populate(c, current, 500);
  const schema::Database start = inspect(c);
  const std::string start_yaml = schema::to_yaml(start);
  const std::string start_data = data_checksum(c, current);
  planner::PlanOptions options;
  options.soft_drop = fs::exists(dir / "soft-drop");  // tests/golden/golden_test.cpp
  const planner::Plan plan = planner::make_plan(inspect(c), desired, options);
  INFO(planner::render_golden(plan));
  // 2. Each phase: apply through it, roll back, compare.
  for (planner::Phase phase : planner::k_all_phases) {
    if (!phase_has_steps(plan, phase)) continue;
    INFO("rollback after phase " << planner::phase_name(phase));
    apply_all(c, plan, phase);
    rollback_all(c);
    auto back = inspect(c);
    CHECK(planner::make_plan(back, start).empty());
    if (!has_hazard(plan, phase, planner::HazardKind::deletes_data)) {
      if (phase == planner::Phase::drop && recreates_columns(plan)) {
        CHECK(yaml_ignoring_column_order(back) == yaml_ignoring_column_order(start));
      } else {
        CHECK(schema::to_yaml(back) == start_yaml);
      }
      CHECK(data_checksum(c, current) == start_data);
    }
  }
  // 3. Everything, then the database equals the desired schema and a re-plan is empty.
  apply_all(c, plan);
  auto after = inspect(c);
  auto replan = planner::make_plan(after, desired, options);
  INFO("re-plan:\n" << planner::render_golden(replan));
  CHECK(replan.empty());
  executor::ApplyResult again = executor::apply(c, replan, {});
  CHECK(again.nothing_to_do == replan.empty());
}

}  // namespace

TEST_CASE("golden cases apply, roll back from every phase and converge", "[.roundtrip]") {
  const char* only = std::getenv("PGSHIFT_CASE");
  for (const auto& e : fs::directory_iterator(fs::path(PGSHIFT_TESTS_DIR) / "golden" / "cases")) {
    if (!e.is_directory()) continue;
    if (only && e.path().filename() != only) continue;
    if (fs::exists(e.path() / "no-roundtrip")) continue;
    run_case(e.path());
  }
}
