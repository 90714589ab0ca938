// The injection test against PostgreSQL (label pg): for each payload that names may hold, one
// document per skeleton carrying that payload in as many string fields as can hold it at once
// (generated from docs/schema.json, tests/support/injection.hpp), planned and applied with the
// pgshift binary. Every payload tries `CREATE ROLE pgshift_pwned`; a role is cluster-wide, so its
// absence afterwards proves that nothing of any payload ran, in the scratch database `plan` builds
// or in the target.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include "planner/planner.hpp"
#include "schema/sql_text.hpp"
#include "schema/yaml_io.hpp"
#include "tests/support/injection.hpp"
#include "tests/support/pg_test.hpp"
#include "util/error.hpp"

using namespace pgshift;

namespace {

// Fields whose value the server must already know (an extension, a procedural language, an access
// method, an operator class, a collation, a setting): a hostile value there is refused by the server
// whether or not it is quoted, so the offline test covers them alone.
bool server_must_know(const test::InjectionSlot& slot) {
  // initcond: a literal the server parses as the state type; transition tables: only on triggers whose
  // events allow them, which the payload document does not keep (checked offline, injection_test.cpp)
  for (const char* part : {"/extensions/", "/language", "/method", "/opclass", "/collation", "/set/", "/initcond",
                           "/minitcond", "/old_table", "/new_table", "/sfunc", "/finalfunc", "/combinefunc"}) {
    if (slot.pointer.find(part) != std::string::npos) return true;
  }
  return false;
}

// SQL text fields (expressions, queries, bodies, types, bounds, signatures) and references the
// loader cannot check (into a schema the files do not define, a view's columns): a payload there either
// is refused at load or parses as SQL in which it stays a literal (`x1 $$...$$` is a typed literal),
// which the server may then refuse (no type x1). The offline test checks them; here they would only
// stop the build before the fields that do take payloads are applied.
bool sql_text_field(const test::InjectionSlot& slot) {
  static const std::vector<std::string> fields = {
      "/default",    "/generated", "/using",   "/down_using", "/expression", "/where", "/when", "/with_check",
      "/query",      "/body",      "/definition", "/bound",   "/partition_by", "/type", "/args",  "/returns",
      "/references", "/checks/additionalProperties/oneOf/0", "/checks/additionalProperties",
      "#/$defs/view/oneOf/0"};
  for (const auto& f : fields) {
    size_t at = slot.pointer.rfind(f);
    if (at != std::string::npos && (at + f.size() == slot.pointer.size() || slot.pointer.compare(at + f.size(), 6, "/oneOf") == 0)) {
      return true;
    }
  }
  bool view_index_column = slot.path.find(".views.") != std::string::npos && slot.path.find(".indexes.") != std::string::npos &&
                           (slot.path.find(".columns") != std::string::npos || slot.path.find(".include") != std::string::npos);
  view_index_column = view_index_column || (slot.path.find(".views.") != std::string::npos &&
                                            slot.path.find(".grants") != std::string::npos && slot.path.find(".columns") != std::string::npos);
  return view_index_column;  // a view's columns are not known offline
}

// Whether the skeleton's value at the slot is also written inside SQL text elsewhere (a view query
// naming the table, an expression naming the column): changing it alone would break that text.
bool referenced_elsewhere(const std::string& skeleton_text, const test::InjectionSlot& slot) {
  if (slot.original.empty()) return false;
  std::string escaped = std::regex_replace(slot.original, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
  std::regex word("(^|[^A-Za-z0-9_])" + escaped + "([^A-Za-z0-9_]|$)");
  size_t count = 0;
  std::istringstream lines(skeleton_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find_first_not_of(' ') != std::string::npos && line[line.find_first_not_of(' ')] == '#') continue;
    count += std::distance(std::sregex_iterator(line.begin(), line.end(), word), std::sregex_iterator());
  }
  return count > 1;
}

bool is_role_slot(const test::InjectionSlot& slot) {
  for (const char* part : {"/role", "/roles", "/owner"}) {
    if (slot.pointer.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("pgshift-injection-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

// The skeletons give aggregates every option so the offline test reaches every field; PostgreSQL
// accepts serialization functions only for an `internal` state (C functions), the moving-aggregate
// options only together, and a final function only of the state's type. Those fields are proven quoted offline (injection_test.cpp); here they are
// left out of the document applied to the server.
static std::string without_server_invalid_aggregate_options(const std::string& document) {
  YAML::Node doc;
  try {
    doc = YAML::Load(document);
  } catch (const std::exception&) {
    return document;
  }
  if (!doc["schemas"] || !doc["schemas"].IsMap()) return document;
  bool changed = false;
  for (auto s : doc["schemas"]) {
    YAML::Node aggregates = s.second["aggregates"];
    if (!aggregates || !aggregates.IsMap()) continue;
    auto strip = [&](YAML::Node agg) {
      if (!agg.IsMap()) return;
      for (const char* k : {"finalfunc", "finalfunc_extra", "serialfunc", "deserialfunc", "msfunc", "minvfunc", "mstype", "mfinalfunc", "mfinalfunc_extra",
                            "minitcond"}) {
        changed = agg.remove(k) || changed;
      }
    };
    for (auto a : aggregates) {
      if (a.second.IsSequence()) {
        for (auto overload : a.second) strip(overload);
      } else {
        strip(a.second);
      }
    }
  }
  if (!changed) return document;
  YAML::Emitter out;
  out << doc;
  return out.c_str();
}

TEST_CASE("no payload runs at plan or apply, in any field that holds it", "[injection]") {
  test::TestDb admin;
  admin.exec("DROP ROLE IF EXISTS " + std::string(test::k_injection_marker));
  admin.exec("DO $$ BEGIN CREATE ROLE app_role; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
  std::set<std::string> covered;
  std::vector<test::InjectionSlot> slots = test::injection_slots(covered);
  std::vector<std::string> roles_made;
  const std::vector<test::InjectionPayload> payloads = test::injection_payloads();
  for (size_t p = 0; p < payloads.size(); ++p) {
    const test::InjectionPayload& payload = payloads[p];
    if (payload.value.size() > 63 || !schema::literal_problem(payload.value).empty()) {
      continue;  // refused by every field (names are 1 to 63 bytes of UTF-8): the offline test proves it
    }
    for (const auto& [skeleton, text] : test::injection_skeletons()) {
      // As many slots as can take a payload at once: each slot gets its own variant, and a slot
      // stays only while the document still loads and plans.
      std::vector<std::pair<const test::InjectionSlot*, std::string>> chosen;
      std::string document = text;
      for (size_t i = 0; i < slots.size(); ++i) {
        const test::InjectionSlot& slot = slots[i];
        if (slot.skeleton != skeleton || server_must_know(slot) || sql_text_field(slot) || referenced_elsewhere(text, slot)) {
          continue;
        }
        std::string value = test::injection_payloads(static_cast<int>(i)).at(p).value;
        auto candidate = chosen;
        candidate.emplace_back(&slot, value);
        try {
          std::string doc = test::with_values(skeleton, candidate);
          schema::Database db = schema::load_schema_text(doc, "injection.yaml");
          (void)planner::make_plan(schema::Database{}, db);
          chosen = std::move(candidate);
          document = std::move(doc);
        } catch (const std::exception&) {
          // refused at load or by the planner, or not representable: not part of this document
        }
      }
      document = without_server_invalid_aggregate_options(document);
      INFO(skeleton << " with payload \"" << payload.name << "\" in " << chosen.size() << " fields:\n" << document);
      CHECK(chosen.size() >= 10);
      WARN(skeleton << ", payload \"" << payload.name << "\": planned and applied in " << chosen.size() << " fields at once");
      for (const auto& [slot, value] : chosen) {
        if (is_role_slot(*slot)) {
          admin.exec(schema::do_block("BEGIN CREATE ROLE " + schema::quote_ident(value) +
                                      "; EXCEPTION WHEN duplicate_object THEN NULL; END"));
          roles_made.push_back(value);
        }
      }
      test::TestDb target;
      std::string file = write_temp(skeleton, document);
      std::string out;
      int planned = test::run_pgshift("plan --db '" + target.url() + "' -f '" + file + "' < /dev/null", out);
      INFO("plan:\n" << out);
      CHECK((planned == 0 || planned == 2));
      CHECK(admin.query_value("SELECT count(*) FROM pg_roles WHERE rolname = '" + std::string(test::k_injection_marker) + "'") == "0");
      int applied = test::run_pgshift("apply --db '" + target.url() + "' -f '" + file + "' --allow-hazards all --yes < /dev/null", out);
      INFO("apply:\n" << out);
      CHECK(applied == 0);
      CHECK(admin.query_value("SELECT count(*) FROM pg_roles WHERE rolname = '" + std::string(test::k_injection_marker) + "'") == "0");
      int replanned = test::run_pgshift("plan --db '" + target.url() + "' -f '" + file + "' < /dev/null", out);
      INFO("plan after apply:\n" << out);
      CHECK(replanned == 0);
      std::filesystem::remove(file);
    }
  }
  for (const auto& role : roles_made) {
    admin.exec("DROP OWNED BY " + schema::quote_ident(role) + "; DROP ROLE IF EXISTS " + schema::quote_ident(role));
  }
}
