// This file implements the options several commands share (options.hpp). The cli layer is the only
// one that reads the environment; the libraries get resolved values.
#include "cli/options.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "executor/connection.hpp"
#include "executor/scratch/normalize.hpp"
#include "planner/soft_drop.hpp"
#include "schema/yaml_io.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::cli {

void add_db_option(CLI::App* cmd, std::string& url) {
  cmd->add_option("--db", url,
                  "Database URL or key=value conninfo (default: $PGSHIFT_DATABASE_URL, else $DATABASE_URL, "
                  "else libpq's PG* variables)");
}

std::string resolve_db_url(const std::string& flag_value) {
  if (!flag_value.empty()) {
    return flag_value;
  }
  std::vector<std::string> names;
  if (project().database_url_env) names.push_back(*project().database_url_env);  // pgshift.yaml's choice first
  names.insert(names.end(), {"PGSHIFT_DATABASE_URL", "DATABASE_URL"});
  for (const auto& name : names) {
    const char* value = std::getenv(name.c_str());
    if (value != nullptr && *value != '\0') {
      return value;
    }
  }
  return "";
}

std::unique_ptr<pqxx::connection> open_db(const std::string& flag_value) {
  return executor::connect(resolve_db_url(flag_value));
}

std::string pg_bin_dir() {
  const char* value = std::getenv("PGSHIFT_PG_BIN");
  return value == nullptr ? "" : value;
}

const Project& project() {
  static const Project loaded = [] {
    const char* env = std::getenv("PGSHIFT_PROJECT");
    std::filesystem::path path = env != nullptr && *env != '\0' ? std::filesystem::path(env) : "pgshift.yaml";
    if (!std::filesystem::exists(path)) {
      if (env != nullptr && *env != '\0') {
        throw Error("the project file " + path.string() + " ($PGSHIFT_PROJECT) does not exist");
      }
      return Project{};
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return executor::parse_project(text.str(), path.string());
  }();
  return loaded;
}

std::string schema_path(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (project().schema) return *project().schema;
  throw Error("no desired schema given", {}, "pass -f FILE|DIR, or set `schema:` in pgshift.yaml (`pgshift init` writes one)");
}

void add_version_schemas_option(CLI::App* cmd, std::string& value) {
  cmd->add_option("--version-schemas", value,
                  "OLD,NEW: also expose each changed table's old and new shape as views in these schemas until the "
                  "drop phase (applications pick theirs with search_path); renames then copy nothing");
}

std::optional<std::pair<std::string, std::string>> parse_version_schemas(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto parts = util::split(text, ',');
  std::string hint = "give two new schema names, old first: --version-schemas app_v41,app_v42";
  if (parts.size() != 2) throw Error("--version-schemas takes two schema names, old,new: \"" + text + "\"", {}, hint);
  std::string old_name = util::trim(parts[0]), new_name = util::trim(parts[1]);
  for (const auto& n : {old_name, new_name}) {
    if (n.empty() || n == "public" || n == "pgshift" || n == "pgshift_trash" || util::starts_with(n, "pg_")) {
      throw Error("--version-schemas: \"" + n + "\" cannot be a version schema", {}, hint);
    }
  }
  if (old_name == new_name) throw Error("--version-schemas: the two schemas must differ", {}, hint);
  return std::make_pair(old_name, new_name);
}

void apply_project(planner::PlanOptions& options) { executor::apply_project(project(), options); }

void add_soft_drop_flag(CLI::App* cmd, std::string& retention) {
  // A flag with an optional `=value`: `--soft-drop plan.json` leaves plan.json to the positional.
  cmd->add_flag("--soft-drop{7d}", retention,
                "Drop phase keeps dropped tables and columns aside for RETENTION (default 7d; e.g. =12h, =2w), "
                "restorable by rollback and removed by `pgshift purge`");
}

void set_soft_drop(const std::string& retention, planner::PlanOptions& options) {
  if (retention.empty()) {
    return;
  }
  auto interval = planner::parse_retention(retention);
  if (!interval) {
    throw Error("invalid --soft-drop retention \"" + retention + "\"", {}, "write a number of hours, days or weeks: 12h, 7d, 2w");
  }
  options.soft_drop = true;
  options.soft_drop_retention = *interval;
}

schema::Database load_desired(const std::string& path, const std::vector<std::string>& extra_roles,
                              const std::string& db_flag) {
  schema::Database desired = schema::load_schema(path);
  auto& roles = desired.managed_roles;
  roles.insert(roles.end(), extra_roles.begin(), extra_roles.end());
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  executor::NormalizeResult r = executor::normalize_through_server(resolve_db_url(db_flag), desired);
  if (!r.warning.empty()) std::cerr << "pgshift: warning: " << r.warning << "\n";
  return r.desired;
}

}  // namespace pgshift::cli
