// This file implements the JSON form of a plan (docs/plan-format.md): one writer and one reader per
// plan type. The reader checks every key and type and names the path of the first bad value, since a
// plan file may have been edited by hand between `plan -o` and `apply`.
#include <fmt/format.h>

#include <initializer_list>
#include <limits>
#include <set>

#include "planner/report/render.hpp"
#include "util/error.hpp"

namespace pgshift::planner {

using nlohmann::json;

namespace {

constexpr int k_format_version = 1;

// ---- writing ----

json hazard_to_json(const Hazard& hazard) {
  return json{{"kind", std::string(hazard_name(hazard.kind))},
              {"message", hazard.message},
              {"severity", std::string(severity_name(hazard.severity))},
              {"table", hazard.table}};
}

json backfill_to_json(const Backfill& backfill) {
  return json{
      {"table", json{{"schema", backfill.table.schema}, {"name", backfill.table.name}}},
      {"key", backfill.key},
      {"columns", backfill.columns},
      {"expressions", backfill.expressions},
      {"where", backfill.where ? json(*backfill.where) : json(nullptr)},
      {"batch_size", backfill.batch_size},
  };
}

json step_to_json(const Step& step) {
  json hazards = json::array();
  for (const auto& hazard : step.hazards) {
    hazards.push_back(hazard_to_json(hazard));
  }
  return json{
      {"id", step.id},
      {"phase", std::string(phase_name(step.phase))},
      {"change", std::string(1, step.change)},
      {"object", step.object},
      {"description", step.description},
      {"forward_sql", step.forward_sql},
      {"reverse_sql", step.reverse_sql ? json(*step.reverse_sql) : json(nullptr)},
      {"irreversible_reason", step.irreversible_reason},
      {"hazards", hazards},
      {"lock", step.lock},
      {"in_transaction", step.in_transaction},
      {"lock_timeout_ms", step.lock_timeout_ms},
      {"statement_timeout_ms", step.statement_timeout_ms},
      {"backfill", step.backfill ? backfill_to_json(*step.backfill) : json(nullptr)},
      {"done_check_sql", step.done_check_sql},
      {"cleanup_sql", step.cleanup_sql},
      {"precheck_sql", step.precheck_sql},
  };
}

// ---- reading ----

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error(fmt::format("malformed plan JSON at {}: {}", path.empty() ? "the top level" : path, what), {},
              "write plan files with `pgshift plan -o FILE` rather than by hand (format: docs/plan-format.md)");
}

std::string child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string type_name(const json& value) { return value.type_name(); }

// An object whose keys are all in `known`; every key in `required` must be present.
void check_object(const json& value, const std::string& path, std::initializer_list<std::string_view> known,
                  std::initializer_list<std::string_view> required) {
  if (!value.is_object()) {
    fail(path, fmt::format("expected an object, found {}", type_name(value)));
  }
  for (const auto& [key, unused] : value.items()) {
    bool ok = false;
    for (auto k : known) {
      ok = ok || k == key;
    }
    if (!ok) {
      fail(child_path(path, key), "unknown key");
    }
  }
  for (auto key : required) {
    if (!value.contains(key)) {
      fail(child_path(path, key), "missing required key");
    }
  }
}

std::string read_string(const json& obj, const std::string& path, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    return {};
  }
  if (!it->is_string()) {
    fail(child_path(path, key), fmt::format("expected a string, found {}", type_name(*it)));
  }
  return it->get<std::string>();
}

std::optional<std::string> read_nullable_string(const json& obj, const std::string& path, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    return std::nullopt;
  }
  return read_string(obj, path, key);
}

int64_t read_int(const json& obj, const std::string& path, std::string_view key, int64_t fallback, int64_t min,
                 int64_t max) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    return fallback;
  }
  if (!it->is_number_integer()) {
    fail(child_path(path, key), fmt::format("expected an integer, found {}", type_name(*it)));
  }
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(max)) {
    fail(child_path(path, key), fmt::format("{} is out of range [{}, {}]", it->get<uint64_t>(), min, max));
  }
  int64_t value = it->get<int64_t>();
  if (value < min || value > max) {
    fail(child_path(path, key), fmt::format("{} is out of range [{}, {}]", value, min, max));
  }
  return value;
}

bool read_bool(const json& obj, const std::string& path, std::string_view key, bool fallback) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    return fallback;
  }
  if (!it->is_boolean()) {
    fail(child_path(path, key), fmt::format("expected true or false, found {}", type_name(*it)));
  }
  return it->get<bool>();
}

std::vector<std::string> read_strings(const json& obj, const std::string& path, std::string_view key) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end()) {
    return out;
  }
  std::string here = child_path(path, key);
  if (!it->is_array()) {
    fail(here, fmt::format("expected an array of strings, found {}", type_name(*it)));
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    if (!item.is_string()) {
      fail(fmt::format("{}[{}]", here, i), fmt::format("expected a string, found {}", type_name(item)));
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

Hazard read_hazard(const json& value, const std::string& path) {
  check_object(value, path, {"kind", "message", "severity", "table"}, {"kind"});
  std::string kind_text = read_string(value, path, "kind");
  auto kind = parse_hazard(kind_text);
  if (!kind) {
    fail(child_path(path, "kind"), fmt::format("unknown hazard \"{}\"", kind_text));
  }
  Hazard h{*kind, read_string(value, path, "message")};
  std::string severity = read_string(value, path, "severity");
  if (!severity.empty()) {
    auto parsed = parse_severity(severity);
    if (!parsed) fail(child_path(path, "severity"), fmt::format("unknown severity \"{}\" (note, warning, blocker)", severity));
    h.severity = *parsed;
  }
  h.table = read_string(value, path, "table");
  return h;
}

Backfill read_backfill(const json& value, const std::string& path) {
  check_object(value, path, {"table", "key", "columns", "expressions", "where", "batch_size"},
               {"table", "key", "columns", "expressions"});
  Backfill backfill;
  std::string table_path = child_path(path, "table");
  const json& table = value.at("table");
  check_object(table, table_path, {"schema", "name"}, {"schema", "name"});
  backfill.table = {read_string(table, table_path, "schema"), read_string(table, table_path, "name")};
  backfill.key = read_strings(value, path, "key");
  backfill.columns = read_strings(value, path, "columns");
  backfill.expressions = read_strings(value, path, "expressions");
  if (backfill.columns.size() != backfill.expressions.size()) {
    fail(child_path(path, "expressions"),
         fmt::format("{} expressions for {} columns", backfill.expressions.size(), backfill.columns.size()));
  }
  backfill.where = read_nullable_string(value, path, "where");
  backfill.batch_size = static_cast<int>(read_int(value, path, "batch_size", 10000, 1, std::numeric_limits<int>::max()));
  return backfill;
}

char read_change(const json& obj, const std::string& path) {
  std::string change = read_string(obj, path, "change");
  if (change.empty()) {
    return '~';
  }
  if (change != "+" && change != "~" && change != "-") {
    fail(child_path(path, "change"), fmt::format("expected \"+\", \"~\" or \"-\", found \"{}\"", change));
  }
  return change[0];
}

Step read_step(const json& value, const std::string& path) {
  check_object(value, path,
               {"id", "phase", "change", "object", "description", "forward_sql", "reverse_sql", "irreversible_reason",
                "hazards", "lock", "in_transaction", "lock_timeout_ms", "statement_timeout_ms", "backfill",
                "done_check_sql", "cleanup_sql", "precheck_sql"},
               {"id", "phase", "forward_sql", "reverse_sql"});
  Step step;
  step.id = read_string(value, path, "id");
  if (step.id.empty()) {
    fail(child_path(path, "id"), "empty step id");
  }
  std::string phase_text = read_string(value, path, "phase");
  auto phase = parse_phase(phase_text);
  if (!phase) {
    fail(child_path(path, "phase"), fmt::format("unknown phase \"{}\" (add, backfill, switch, drop)", phase_text));
  }
  step.phase = *phase;
  step.change = read_change(value, path);
  step.object = read_string(value, path, "object");
  step.description = read_string(value, path, "description");
  step.forward_sql = read_string(value, path, "forward_sql");
  step.reverse_sql = read_nullable_string(value, path, "reverse_sql");
  step.irreversible_reason = read_string(value, path, "irreversible_reason");
  if (auto it = value.find("hazards"); it != value.end()) {
    std::string here = child_path(path, "hazards");
    if (!it->is_array()) {
      fail(here, fmt::format("expected an array, found {}", type_name(*it)));
    }
    for (size_t i = 0; i < it->size(); ++i) {
      step.hazards.push_back(read_hazard((*it)[i], fmt::format("{}[{}]", here, i)));
    }
  }
  step.lock = read_string(value, path, "lock");
  step.in_transaction = read_bool(value, path, "in_transaction", true);
  step.lock_timeout_ms = read_int(value, path, "lock_timeout_ms", 500, 0, std::numeric_limits<int64_t>::max());
  step.statement_timeout_ms = read_int(value, path, "statement_timeout_ms", 0, 0, std::numeric_limits<int64_t>::max());
  if (auto it = value.find("backfill"); it != value.end() && !it->is_null()) {
    step.backfill = read_backfill(*it, child_path(path, "backfill"));
  }
  step.done_check_sql = read_string(value, path, "done_check_sql");
  step.cleanup_sql = read_string(value, path, "cleanup_sql");
  step.precheck_sql = read_string(value, path, "precheck_sql");
  return step;
}

}  // namespace

json plan_to_json(const Plan& plan) {
  json steps = json::array();
  for (const auto& step : plan.steps) {
    steps.push_back(step_to_json(step));
  }
  return json{
      {"format_version", plan.format_version},
      {"current_fingerprint", plan.current_fingerprint},
      {"desired_fingerprint", plan.desired_fingerprint},
      {"notes", plan.notes},
      {"steps", steps},
  };
}

Plan plan_from_json(const json& value) {
  check_object(value, "", {"format_version", "current_fingerprint", "desired_fingerprint", "notes", "steps"},
               {"format_version", "steps"});
  Plan plan;
  plan.format_version = static_cast<int>(read_int(value, "", "format_version", 0, 0, std::numeric_limits<int>::max()));
  if (plan.format_version != k_format_version) {
    fail("format_version", fmt::format("unsupported version {} (this pgshift reads version {})", plan.format_version,
                                       k_format_version));
  }
  plan.current_fingerprint = read_string(value, "", "current_fingerprint");
  plan.desired_fingerprint = read_string(value, "", "desired_fingerprint");
  plan.notes = read_strings(value, "", "notes");
  const json& steps = value.at("steps");
  if (!steps.is_array()) {
    fail("steps", fmt::format("expected an array, found {}", type_name(steps)));
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string path = fmt::format("steps[{}]", i);
    plan.steps.push_back(read_step(steps[i], path));
    if (!ids.insert(plan.steps.back().id).second) {
      fail(path + ".id", fmt::format("duplicate step id \"{}\"", plan.steps.back().id));
    }
  }
  return plan;
}

std::string plan_to_json_text(const Plan& plan) {
  try {
    return plan_to_json(plan).dump(2) + "\n";
  } catch (const json::type_error& e) {
    // Only invalid UTF-8 in a name or SQL text gets here.
    throw Error(fmt::format("cannot write the plan as JSON: {}", e.what()), {},
                "the plan contains text that is not valid UTF-8");
  }
}

}  // namespace pgshift::planner
