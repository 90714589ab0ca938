// This file implements the shared --db option (db_options.hpp). The cli layer is the only one that
// reads the environment; the executor gets the resolved conninfo.
#include "cli/db_options.hpp"

#include <cstdlib>
#include <vector>

#include "cli/project.hpp"
#include "executor/connection.hpp"

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

}  // namespace pgshift::cli
