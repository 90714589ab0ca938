// Golden plans, offline: tests/golden/cases/<case>/{current.yaml,desired.yaml,plan.txt}.
// plan.txt is render_golden() of make_plan(current, desired); PGSHIFT_UPDATE_GOLDEN=1 rewrites it.
// Every case also checks that the plan is deterministic, that planning desired -> desired is empty, and
// that every step carries a lock timeout and either a reverse or the reason it has none.
// A case directory holding a file named `soft-drop` is planned with PlanOptions::soft_drop.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "planner/planner.hpp"
#include "planner/render.hpp"
#include "schema/yaml_io.hpp"
#include "util/error.hpp"

namespace fs = std::filesystem;
using namespace pgshift;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> cases() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(PGSHIFT_TESTS_DIR) / "golden" / "cases")) {
    if (e.is_directory()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

planner::PlanOptions case_options(const fs::path& dir) {
  planner::PlanOptions o;
  o.soft_drop = fs::exists(dir / "soft-drop");
  return o;
}

schema::Database load_or_empty(const fs::path& p) {
  if (!fs::exists(p)) return {};
  return schema::load_schema(p);
}

std::string plan_text(const fs::path& dir) {
  auto current = load_or_empty(dir / "current.yaml");
  auto desired = load_or_empty(dir / "desired.yaml");
  schema::strip_hints(current);
  try {
    return planner::render_golden(planner::make_plan(current, desired, case_options(dir)));
  } catch (const Error& e) {
    return "error: " + e.render() + "\n";
  }
}

}  // namespace

TEST_CASE("golden plans match their plan.txt", "[golden]") {
  bool update = std::getenv("PGSHIFT_UPDATE_GOLDEN") != nullptr;
  auto all = cases();
  REQUIRE(!all.empty());
  for (const auto& dir : all) {
    DYNAMIC_SECTION(dir.filename().string()) {
      std::string actual = plan_text(dir);
      fs::path expected_path = dir / "plan.txt";
      if (update) {
        std::ofstream(expected_path, std::ios::binary) << actual;
      }
      REQUIRE(fs::exists(expected_path));
      CHECK(actual == read_file(expected_path));
      CHECK(actual == plan_text(dir));  // deterministic
    }
  }
}

TEST_CASE("planning the desired schema against itself is empty, and every step is complete", "[golden]") {
  for (const auto& dir : cases()) {
    DYNAMIC_SECTION(dir.filename().string()) {
      auto current = load_or_empty(dir / "current.yaml");
      auto desired = load_or_empty(dir / "desired.yaml");
      schema::Database stripped = desired;
      schema::strip_hints(stripped);
      CHECK(planner::make_plan(stripped, desired, case_options(dir)).empty());
      schema::strip_hints(current);
      planner::Plan plan;
      try {
        plan = planner::make_plan(current, desired, case_options(dir));
      } catch (const Error&) {
        continue;  // error cases pin their message in plan.txt
      }
      for (const auto& s : plan.steps) {
        INFO(s.id);
        CHECK(s.lock_timeout_ms > 0);
        CHECK((s.reverse_sql.has_value() || !s.irreversible_reason.empty()));
        CHECK(!s.lock.empty());
        CHECK((!s.forward_sql.empty() || s.backfill.has_value()));
      }
      // JSON round trip
      CHECK(planner::plan_from_json(planner::plan_to_json(plan)) == plan);
    }
  }
}
