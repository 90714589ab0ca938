#include <catch2/catch.hpp>

#include "planner/planner.hpp"
#include "schema/yaml_io.hpp"

using namespace pgshift;
using planner::HazardKind;
using planner::Severity;

namespace {

// A table without a primary key: its type change is an in-place rewrite (TABLE_REWRITE and
// ACCESS_EXCLUSIVE_LOCK), the case grading matters most for.
schema::Database db(const char* type) {
  std::string yaml = std::string(R"(
schemas:
  public:
    tables:
      events:
        columns:
          - {name: id, type: )") + type + R"(}
          - {name: note, type: text}
)";
  return schema::load_schema_text(yaml, "t.yaml");
}

std::map<HazardKind, Severity> severities(const planner::PlanOptions& options) {
  planner::Plan plan = planner::make_plan(db("integer"), db("bigint"), options);
  std::map<HazardKind, Severity> out;
  for (const auto& s : plan.steps) {
    for (const auto& h : s.hazards) out[h.kind] = h.severity;
  }
  return out;
}

planner::PlanOptions with_stats(double rows, int64_t bytes, double writes_per_s) {
  planner::PlanOptions o;
  o.table_stats[{"public", "events"}] = {rows, bytes, writes_per_s};
  return o;
}

}  // namespace

TEST_CASE("hazards are graded by the live table: a note when small, a blocker when large or busy") {
  // Offline (no statistics): warnings, as before.
  auto offline = severities({});
  REQUIRE(offline.count(HazardKind::table_rewrite));
  CHECK(offline[HazardKind::table_rewrite] == Severity::warning);
  // An empty, quiet table: a note.
  CHECK(severities(with_stats(0, 8192, 0))[HazardKind::table_rewrite] == Severity::note);
  // Mid-sized and quiet: a warning.
  CHECK(severities(with_stats(200000, 20 << 20, 1))[HazardKind::table_rewrite] == Severity::warning);
  // Large: a blocker; so is a small but busy one.
  auto large = severities(with_stats(5e6, int64_t(600) << 20, 1));
  CHECK(large[HazardKind::table_rewrite] == Severity::blocker);
  CHECK(large[HazardKind::access_exclusive_lock] == Severity::blocker);
  CHECK(severities(with_stats(5000, 1 << 20, 400))[HazardKind::table_rewrite] == Severity::blocker);
  // Thresholds are options.
  auto lenient = with_stats(5e6, int64_t(600) << 20, 1);
  lenient.grading.large_rows = 1e7;
  lenient.grading.large_bytes = int64_t(1) << 40;
  CHECK(severities(lenient)[HazardKind::table_rewrite] == Severity::warning);
}

TEST_CASE("a blocker needs --allow-hazards even for a kind that otherwise does not, and says why") {
  planner::Plan plan = planner::make_plan(db("integer"), db("bigint"), with_stats(5e6, int64_t(600) << 20, 120));
  bool found = false;
  for (const auto& s : plan.steps) {
    for (const auto& h : s.hazards) {
      if (h.kind != HazardKind::access_exclusive_lock) continue;
      found = true;
      CHECK(planner::hazard_needs_permission(h));
      CHECK_THAT(h.message, Catch::Contains("a blocker here: ~5.0M rows, 120 rows written/s"));
    }
  }
  CHECK(found);
  planner::Hazard quiet{HazardKind::access_exclusive_lock, "x"};
  CHECK_FALSE(planner::hazard_needs_permission(quiet));
}
