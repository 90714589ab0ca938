#include <catch2/catch.hpp>

#include "planner/report/render.hpp"
#include "util/error.hpp"

using namespace pgshift;
using namespace pgshift::planner;
using nlohmann::json;

namespace {

const std::vector<std::string> k_hostile = {
    "a\"b", "Users", "select", "with space", "ünï", std::string(64, 'x'), "x'); DROP TABLE t; --",
    "line\nbreak\ttab", "back\\slash", "$$dollar$$", "\x01\x1b[31mred"};

// Every field set, every hazard kind, every phase, and hostile text in every string.
Plan full_plan() {
  Plan plan;
  plan.current_fingerprint = "sha256:" + std::string(64, 'a');
  plan.desired_fingerprint = "sha256:" + std::string(64, 'b');
  plan.notes = k_hostile;
  HazardKind kinds[] = {HazardKind::access_exclusive_lock, HazardKind::share_lock,       HazardKind::table_rewrite,
                        HazardKind::full_table_scan,       HazardKind::index_build,      HazardKind::long_backfill,
                        HazardKind::deletes_data,          HazardKind::backward_incompatible, HazardKind::irreversible};
  int n = 0;
  for (Phase phase : k_all_phases) {
    for (const auto& text : k_hostile) {
      Step step;
      step.id = "op_" + std::to_string(n++) + ":" + text;
      step.phase = phase;
      step.change = "+~-"[n % 3];
      step.object = "column " + text;
      step.description = text;
      step.forward_sql = "ALTER TABLE " + text + ";\nSELECT 1;";
      if (n % 4 == 0) {
        step.reverse_sql = std::nullopt;
        step.irreversible_reason = "drops " + text;
      } else {
        step.reverse_sql = n % 4 == 1 ? "" : "DROP " + text;
      }
      step.hazards = {{kinds[n % 9], text}, {kinds[(n + 4) % 9], ""}};
      step.lock = "ACCESS EXCLUSIVE on " + text;
      step.in_transaction = n % 2 == 0;
      step.lock_timeout_ms = 1500 + n;
      step.statement_timeout_ms = n % 3 == 0 ? 0 : int64_t{1} << 40;
      if (phase == Phase::backfill) {
        step.backfill = Backfill{{text, text}, {"id", text}, {"c1", text}, {"lower(" + text + ")", "1"},
                                 n % 2 ? std::optional<std::string>(text) : std::nullopt, 250 + n};
      }
      step.done_check_sql = "SELECT " + text;
      step.cleanup_sql = "DROP INDEX IF EXISTS " + text;
      plan.steps.push_back(step);
    }
  }
  return plan;
}

std::string error_of(const std::string& text) {
  try {
    plan_from_json(json::parse(text));
  } catch (const Error& e) {
    return e.message();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("phase names print and parse, with expand and contract as aliases") {
  CHECK(phase_name(Phase::add) == "add");
  CHECK(phase_name(Phase::backfill) == "backfill");
  CHECK(phase_name(Phase::switch_over) == "switch");
  CHECK(phase_name(Phase::drop) == "drop");
  for (Phase phase : k_all_phases) {
    CHECK(parse_phase(phase_name(phase)) == phase);
  }
  CHECK(parse_phase("Expand") == Phase::add);
  CHECK(parse_phase("CONTRACT") == Phase::drop);
  CHECK(parse_phase("Switch") == Phase::switch_over);
  CHECK_FALSE(parse_phase("finish").has_value());
  CHECK_FALSE(parse_phase("").has_value());
}

TEST_CASE("hazard names print upper case and parse case-insensitively with - for _") {
  CHECK(hazard_name(HazardKind::access_exclusive_lock) == "ACCESS_EXCLUSIVE_LOCK");
  CHECK(hazard_name(HazardKind::backward_incompatible) == "BACKWARD_INCOMPATIBLE");
  CHECK(parse_hazard("deletes-data") == HazardKind::deletes_data);
  CHECK(parse_hazard("Table_Rewrite") == HazardKind::table_rewrite);
  CHECK(parse_hazard("INDEX_BUILD") == HazardKind::index_build);
  CHECK_FALSE(parse_hazard("DELETES DATA").has_value());
  CHECK_FALSE(parse_hazard("").has_value());
  for (auto kind : {HazardKind::access_exclusive_lock, HazardKind::share_lock, HazardKind::table_rewrite,
                    HazardKind::full_table_scan, HazardKind::index_build, HazardKind::long_backfill,
                    HazardKind::deletes_data, HazardKind::backward_incompatible, HazardKind::irreversible}) {
    CHECK(parse_hazard(hazard_name(kind)) == kind);
  }
}

TEST_CASE("only data loss, rewrites, incompatibility and irreversibility need permission") {
  CHECK(hazard_needs_permission(HazardKind::deletes_data));
  CHECK(hazard_needs_permission(HazardKind::table_rewrite));
  CHECK(hazard_needs_permission(HazardKind::backward_incompatible));
  CHECK(hazard_needs_permission(HazardKind::irreversible));
  CHECK_FALSE(hazard_needs_permission(HazardKind::access_exclusive_lock));
  CHECK_FALSE(hazard_needs_permission(HazardKind::index_build));
  CHECK_FALSE(hazard_needs_permission(HazardKind::long_backfill));
}

TEST_CASE("steps_in returns a phase's steps in plan order") {
  Plan plan;
  plan.steps = {Step{.id = "a", .phase = Phase::drop}, Step{.id = "b", .phase = Phase::add},
                Step{.id = "c", .phase = Phase::drop}};
  auto drops = plan.steps_in(Phase::drop);
  REQUIRE(drops.size() == 2);
  CHECK(drops[0]->id == "a");
  CHECK(drops[1]->id == "c");
  CHECK(plan.steps_in(Phase::backfill).empty());
}

TEST_CASE("a plan with every field set survives plan -> json -> plan -> json") {
  Plan plan = full_plan();
  json first = plan_to_json(plan);
  Plan back = plan_from_json(first);
  CHECK(back == plan);
  CHECK(plan_to_json(back) == first);
  // and through the text form
  Plan reparsed = plan_from_json(json::parse(plan_to_json_text(plan)));
  CHECK(reparsed == plan);
  CHECK(plan_to_json_text(reparsed) == plan_to_json_text(plan));
}

TEST_CASE("an empty plan round-trips") {
  Plan plan;
  CHECK(plan_from_json(plan_to_json(plan)) == plan);
}

TEST_CASE("the JSON form has the documented keys and spellings") {
  Plan plan;
  plan.current_fingerprint = "c";
  plan.desired_fingerprint = "d";
  Step step{.id = "drop_column:public.users.email", .phase = Phase::switch_over, .change = '-'};
  step.reverse_sql = std::nullopt;
  step.irreversible_reason = "data is gone";
  step.hazards = {{HazardKind::deletes_data, "drops public.users.email"}};
  plan.steps = {step};
  std::string expected = R"({
  "current_fingerprint": "c",
  "desired_fingerprint": "d",
  "format_version": 1,
  "notes": [],
  "steps": [
    {
      "backfill": null,
      "change": "-",
      "cleanup_sql": "",
      "description": "",
      "done_check_sql": "",
      "forward_sql": "",
      "hazards": [
        {
          "kind": "DELETES_DATA",
          "message": "drops public.users.email",
          "severity": "warning",
          "table": ""
        }
      ],
      "id": "drop_column:public.users.email",
      "in_transaction": true,
      "irreversible_reason": "data is gone",
      "lock": "",
      "lock_timeout_ms": 500,
      "object": "",
      "phase": "switch",
      "precheck_sql": "",
      "reverse_sql": null,
      "statement_timeout_ms": 0
    }
  ]
}
)";
  CHECK(plan_to_json_text(plan) == expected);
}

TEST_CASE("optional step keys take their defaults when absent") {
  Plan plan = plan_from_json(json::parse(
      R"({"format_version": 1, "steps": [{"id": "x", "phase": "expand", "forward_sql": "SELECT 1", "reverse_sql": ""}]})"));
  REQUIRE(plan.steps.size() == 1);
  const Step& step = plan.steps[0];
  CHECK(step.phase == Phase::add);
  CHECK(step.change == '~');
  CHECK(step.in_transaction);
  CHECK(step.lock_timeout_ms == 500);
  CHECK(step.reverse_sql == std::optional<std::string>(""));
  CHECK_FALSE(step.backfill.has_value());
}

TEST_CASE("a malformed plan is refused with the path of the bad value") {
  struct Case {
    std::string name, json, message;
  };
  const std::string step_ok = R"("id": "s", "phase": "add", "forward_sql": "", "reverse_sql": null)";
  std::vector<Case> cases = {
      {"not an object", "[]", "malformed plan JSON at the top level: expected an object, found array"},
      {"no version", R"({"steps": []})", "malformed plan JSON at format_version: missing required key"},
      {"newer version", R"({"format_version": 2, "steps": []})",
       "malformed plan JSON at format_version: unsupported version 2 (this pgshift reads version 1)"},
      {"unknown top key", R"({"format_version": 1, "steps": [], "stpes": []})",
       "malformed plan JSON at stpes: unknown key"},
      {"steps not array", R"({"format_version": 1, "steps": {}})",
       "malformed plan JSON at steps: expected an array, found object"},
      {"bad phase", R"({"format_version": 1, "steps": [{"id": "s", "phase": "later", "forward_sql": "", "reverse_sql": null}]})",
       "malformed plan JSON at steps[0].phase: unknown phase \"later\" (add, backfill, switch, drop)"},
      {"missing reverse", R"({"format_version": 1, "steps": [{"id": "s", "phase": "add", "forward_sql": ""}]})",
       "malformed plan JSON at steps[0].reverse_sql: missing required key"},
      {"bad hazard", "{\"format_version\": 1, \"steps\": [{" + step_ok + R"(, "hazards": [{"kind": "OOPS"}]}]})",
       "malformed plan JSON at steps[0].hazards[0].kind: unknown hazard \"OOPS\""},
      {"timeout type", "{\"format_version\": 1, \"steps\": [{" + step_ok + R"(, "lock_timeout_ms": "2s"}]})",
       "malformed plan JSON at steps[0].lock_timeout_ms: expected an integer, found string"},
      {"negative timeout", "{\"format_version\": 1, \"steps\": [{" + step_ok + R"(, "lock_timeout_ms": -1}]})",
       "malformed plan JSON at steps[0].lock_timeout_ms: -1 is out of range [0, 9223372036854775807]"},
      {"bad change", "{\"format_version\": 1, \"steps\": [{" + step_ok + R"(, "change": "*"}]})",
       "malformed plan JSON at steps[0].change: expected \"+\", \"~\" or \"-\", found \"*\""},
      {"in_transaction type", "{\"format_version\": 1, \"steps\": [{" + step_ok + R"(, "in_transaction": 0}]})",
       "malformed plan JSON at steps[0].in_transaction: expected true or false, found number"},
      {"backfill table", "{\"format_version\": 1, \"steps\": [{" + step_ok +
                             R"(, "backfill": {"table": {"schema": "s"}, "key": [], "columns": [], "expressions": []}}]})",
       "malformed plan JSON at steps[0].backfill.table.name: missing required key"},
      {"backfill arity", "{\"format_version\": 1, \"steps\": [{" + step_ok +
                             R"(, "backfill": {"table": {"schema": "s", "name": "t"}, "key": ["id"], "columns": ["a"], "expressions": []}}]})",
       "malformed plan JSON at steps[0].backfill.expressions: 0 expressions for 1 columns"},
      {"backfill key item", "{\"format_version\": 1, \"steps\": [{" + step_ok +
                                R"(, "backfill": {"table": {"schema": "s", "name": "t"}, "key": [1], "columns": [], "expressions": []}}]})",
       "malformed plan JSON at steps[0].backfill.key[0]: expected a string, found number"},
      {"duplicate id", "{\"format_version\": 1, \"steps\": [{" + step_ok + "}, {" + step_ok + "}]}",
       "malformed plan JSON at steps[1].id: duplicate step id \"s\""},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) { CHECK(error_of(c.json) == c.message); }
  }
}
