// The YAML is untrusted input (it comes from pull requests): for every string field of the format,
// generated from docs/schema.json, and every payload of tests/support/injection.hpp, loading either
// refuses the document with a located error, or every SQL statement of every plan made from it keeps
// the payload inside one string constant or one quoted identifier, and runs the same kinds of
// statements as the plan of the untouched skeleton.
#include <catch2/catch.hpp>

#include <map>

#include "planner/planner.hpp"
#include "schema/sql_check.hpp"
#include "schema/yaml_io.hpp"
#include "tests/support/injection.hpp"
#include "util/error.hpp"

using namespace pgshift;

namespace {

// Every piece of SQL a plan can run, with what it is for the message.
std::vector<std::pair<std::string, std::string>> plan_sql(const planner::Plan& plan) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& s : plan.steps) {
    out.emplace_back(s.id + " forward", s.forward_sql);
    if (s.reverse_sql) out.emplace_back(s.id + " reverse", *s.reverse_sql);
    out.emplace_back(s.id + " precheck", s.precheck_sql);
    out.emplace_back(s.id + " done check", s.done_check_sql);
    out.emplace_back(s.id + " cleanup", s.cleanup_sql);
    if (s.backfill) {
      for (const auto& e : s.backfill->expressions) out.emplace_back(s.id + " backfill", "SELECT " + e);
      if (s.backfill->where) out.emplace_back(s.id + " backfill filter", "SELECT 1 WHERE " + *s.backfill->where);
    }
  }
  return out;
}

// The statement kinds of each step, as a sorted list: what a plan runs, whatever the names.
std::multiset<std::string> plan_shape(const planner::Plan& plan) {
  std::multiset<std::string> out;
  for (const auto& s : plan.steps) {
    std::string shape = std::string(planner::phase_name(s.phase)) + ":";
    for (const auto& k : schema::statement_kinds(s.forward_sql)) shape += k + ",";
    shape += "|";
    if (s.reverse_sql) {
      for (const auto& k : schema::statement_kinds(*s.reverse_sql)) shape += k + ",";
    }
    out.insert(shape);
  }
  return out;
}

std::string shown(const std::string& value) {
  std::string out = value.size() > 60 ? value.substr(0, 60) + "..." : value;
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  return out;
}

}  // namespace

TEST_CASE("the injection slots cover every string position of the JSON Schema") {
  std::set<std::string> covered;
  std::vector<test::InjectionSlot> slots = test::injection_slots(covered);
  CHECK(slots.size() > 150);
  for (const auto& position : test::string_positions()) {
    INFO("docs/schema.json position " << position
                                      << " is reached by no skeleton in tests/schema/data/injection: add an instance");
    CHECK(covered.count(position) == 1);
  }
}

TEST_CASE("every payload in every string field is refused at load or stays quoted in every plan") {
  std::set<std::string> covered;
  std::vector<test::InjectionSlot> slots = test::injection_slots(covered);
  std::map<std::string, schema::Database> skeletons;
  for (const auto& [name, text] : test::injection_skeletons()) {
    skeletons[name] = schema::load_schema_text(text, name);
  }
  int refused = 0, accepted = 0, unrepresentable = 0, refused_by_planner = 0;
  for (const auto& slot : slots) {
    for (const auto& payload : test::injection_payloads()) {
      std::string text;
      try {
        text = slot.with(payload.value);
      } catch (const std::exception&) {
        ++unrepresentable;  // YAML itself cannot carry this value here (checked by the direct tests)
        continue;
      }
      INFO(slot.skeleton << " " << slot.path << " = " << payload.name << " `" << shown(payload.value) << "`");
      schema::Database desired;
      try {
        desired = schema::load_schema_text(text, "injection.yaml");
      } catch (const schema::SchemaErrors& e) {
        ++refused;
        for (const auto& d : e.diagnostics()) {
          INFO(d.render());
          REQUIRE(d.where());
          CHECK(d.where()->line > 0);
        }
        continue;
      }
      ++accepted;
      const schema::Database& skeleton = skeletons.at(slot.skeleton);
      std::vector<std::pair<std::string, planner::Plan>> plans;
      try {
        plans.emplace_back("create", planner::make_plan(schema::Database{}, desired));
      } catch (const Error& e) {
        ++refused_by_planner;
        INFO(e.render());
        CHECK(!e.message().empty());
        continue;
      }
      using Pair = std::tuple<const char*, const schema::Database*, const schema::Database*>;
      for (const auto& [what, from, to] : {Pair{"change", &skeleton, &desired}, Pair{"undo", &desired, &skeleton}}) {
        try {
          plans.emplace_back(what, planner::make_plan(*from, *to));
        } catch (const Error&) {
          // a change the planner refuses (named in its message) runs nothing
        }
      }
      for (const auto& [what, plan] : plans) {
        for (const auto& [where, sql] : plan_sql(plan)) {
          if (sql.empty()) continue;
          INFO(what << " plan, " << where << ":\n" << sql);
          CHECK_NOTHROW(schema::statement_kinds(sql));
          CHECK(schema::marker_escape(sql, test::k_injection_marker) == "");
        }
      }
      // The same kinds of statements as with a plain value in the same field.
      try {
        schema::Database plain = schema::load_schema_text(slot.with("benign"), "benign.yaml");
        CHECK(plan_shape(plans.front().second) == plan_shape(planner::make_plan(schema::Database{}, plain)));
      } catch (const Error&) {
        // the field does not take a plain word (a type, a bound): the marker checks above stand alone
      }
    }
  }
  WARN("injection: " << slots.size() << " slots x " << test::injection_payloads().size() << " payloads: " << refused
                     << " refused at load, " << accepted << " accepted and planned (" << refused_by_planner
                     << " refused by the planner), " << unrepresentable << " not representable in YAML");
  CHECK(accepted > 0);
  CHECK(refused > 0);
}
