// This file implements the project file (project_file.hpp): reading pgshift.yaml with errors that name
// file:line:column and the key, and the defaults it gives the planner.
#include "executor/project_file.hpp"

#include <yaml-cpp/yaml.h>


#include "executor/apply.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

struct Reader {
  std::string file;
  std::vector<std::string> lines;

  [[noreturn]] void fail(const YAML::Node& at, const std::string& message, const std::string& hint = {}) const {
    SourceLocation where{file, 0, 0, ""};
    if (at.Mark().line >= 0) {
      where.line = at.Mark().line + 1;
      where.column = at.Mark().column + 1;
      if (static_cast<size_t>(at.Mark().line) < lines.size()) where.source_line = lines[at.Mark().line];
    }
    throw Error(message, where, hint);
  }

  void check_keys(const YAML::Node& map, const std::vector<std::string>& known, const std::string& what) const {
    if (!map.IsMap()) fail(map, what + " must be a mapping");
    for (const auto& kv : map) {
      std::string key = kv.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string near = util::nearest(key, known);
      fail(kv.first, "unknown key \"" + key + "\" in " + what,
           near.empty() ? "known keys: " + util::join(known, ", ") : "did you mean `" + near + "`?");
    }
  }

  template <typename T>
  T scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, "`" + key + "` must be a single value");
    try {
      return node.as<T>();
    } catch (const YAML::Exception&) {
      fail(node, "`" + key + "` has a value of the wrong kind: \"" + node.Scalar() + "\"",
           std::is_same_v<T, std::string> ? "" : "expected a whole number");
    }
  }

  int64_t non_negative(const YAML::Node& node, const std::string& key) const {
    auto v = scalar<int64_t>(node, key);
    if (v < 0) fail(node, "`" + key + "` must not be negative");
    return v;
  }
};

const std::vector<std::string> k_keys = {"schema",          "database_url_env", "lock_timeout_ms", "statement_timeout_ms",
                                         "batch_size",      "batch_delay_ms",   "allowed_hazards", "backup_dir",
                                         "hazards",         "tables"};
const std::vector<std::string> k_hazard_keys = {"small_table_rows", "large_table_rows", "large_table_bytes",
                                                "busy_writes_per_second"};
const std::vector<std::string> k_table_keys = {"batch_size", "lock_timeout_ms"};

}  // namespace

Project parse_project(const std::string& text, const std::string& file) {
  Reader r{file, util::split(text, '\n')};
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw Error(e.msg, SourceLocation{file, e.mark.line + 1, e.mark.column + 1,
                                      static_cast<size_t>(e.mark.line) < r.lines.size() ? r.lines[e.mark.line] : ""});
  }
  Project p;
  p.path = file;
  if (root.IsNull()) return p;
  r.check_keys(root, k_keys, file);
  if (auto n = root["schema"]) p.schema = r.scalar<std::string>(n, "schema");
  if (auto n = root["database_url_env"]) p.database_url_env = r.scalar<std::string>(n, "database_url_env");
  if (auto n = root["lock_timeout_ms"]) p.lock_timeout_ms = r.non_negative(n, "lock_timeout_ms");
  if (auto n = root["statement_timeout_ms"]) p.statement_timeout_ms = r.non_negative(n, "statement_timeout_ms");
  if (auto n = root["batch_size"]) {
    p.batch_size = static_cast<int>(r.non_negative(n, "batch_size"));
    if (*p.batch_size == 0) r.fail(n, "`batch_size` must be at least 1");
  }
  if (auto n = root["batch_delay_ms"]) p.batch_delay_ms = static_cast<int>(r.non_negative(n, "batch_delay_ms"));
  if (auto n = root["backup_dir"]) p.backup_dir = r.scalar<std::string>(n, "backup_dir");
  if (auto n = root["allowed_hazards"]) {
    if (!n.IsSequence()) r.fail(n, "`allowed_hazards` must be a list, e.g. [DELETES_DATA]");
    for (const auto& h : n) {
      std::string name = r.scalar<std::string>(h, "allowed_hazards");
      try {
        parse_hazard_list(name);
      } catch (const Error& e) {
        r.fail(h, e.message(), e.hint());
      }
      p.allowed_hazards.push_back(name);
    }
  }
  if (auto n = root["hazards"]) {
    r.check_keys(n, k_hazard_keys, "hazards");
    if (auto v = n["small_table_rows"]) p.grading.small_rows = static_cast<double>(r.non_negative(v, "small_table_rows"));
    if (auto v = n["large_table_rows"]) p.grading.large_rows = static_cast<double>(r.non_negative(v, "large_table_rows"));
    if (auto v = n["large_table_bytes"]) p.grading.large_bytes = r.non_negative(v, "large_table_bytes");
    if (auto v = n["busy_writes_per_second"]) {
      p.grading.busy_writes_per_s = static_cast<double>(r.non_negative(v, "busy_writes_per_second"));
    }
  }
  if (auto n = root["tables"]) {
    if (!n.IsMap()) r.fail(n, "`tables` must map table names (schema.table) to settings");
    for (const auto& kv : n) {
      std::string name = kv.first.as<std::string>();
      auto dot = name.find('.');
      schema::QualifiedName qn = dot == std::string::npos ? schema::QualifiedName{"public", name}
                                                          : schema::QualifiedName{name.substr(0, dot), name.substr(dot + 1)};
      r.check_keys(kv.second, k_table_keys, "tables." + name);
      planner::TableOverride o;
      if (auto v = kv.second["batch_size"]) o.batch_size = static_cast<int>(r.non_negative(v, "batch_size"));
      if (auto v = kv.second["lock_timeout_ms"]) o.lock_timeout_ms = r.non_negative(v, "lock_timeout_ms");
      p.tables[qn] = o;
    }
  }
  return p;
}

void apply_project(const Project& p, planner::PlanOptions& options) {
  options.grading = p.grading;
  options.table_overrides = p.tables;
  if (p.batch_size) options.batch_size = *p.batch_size;
  if (p.lock_timeout_ms) options.lock_timeout_ms = *p.lock_timeout_ms;
  if (p.statement_timeout_ms) options.statement_timeout_ms = *p.statement_timeout_ms;
}

}  // namespace pgshift::executor
