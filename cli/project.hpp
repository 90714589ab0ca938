// The optional project file, pgshift.yaml (written by `pgshift init`): defaults for the commands'
// flags, so that a team's settings live in the repository next to the schema. A flag given on the
// command line always wins. Looked up in the current directory, or at $PGSHIFT_PROJECT.
//
//   schema: schema                 # -f for plan, apply, drift, verify, validate, fmt
//   database_url_env: DATABASE_URL # the variable holding the database URL (before $PGSHIFT_DATABASE_URL)
//   lock_timeout_ms: 500           # apply
//   statement_timeout_ms: 0        # apply (0 = none)
//   batch_size: 10000              # apply, plan
//   batch_delay_ms: 0              # apply
//   allowed_hazards: [DELETES_DATA]   # apply, verify
//   backup_dir: .pgshift/backups   # apply
//   hazards: {small_table_rows: 10000, large_table_rows: 1000000, large_table_bytes: 1073741824,
//             busy_writes_per_second: 50}
//   tables:
//     public.events: {batch_size: 2000, lock_timeout_ms: 200}
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "planner/planner.hpp"
#include "schema/model.hpp"

namespace pgshift::cli {

struct Project {
  std::string path;  // the file read; "" when there is none
  std::optional<std::string> schema;
  std::optional<std::string> database_url_env;
  std::optional<int64_t> lock_timeout_ms, statement_timeout_ms;
  std::optional<int> batch_size, batch_delay_ms;
  std::vector<std::string> allowed_hazards;
  std::optional<std::string> backup_dir;
  planner::HazardGrading grading;
  std::map<schema::QualifiedName, planner::TableOverride> tables;
};

// Reads ./pgshift.yaml (or $PGSHIFT_PROJECT) once; an empty Project when there is none. Throws
// pgshift::Error naming file:line:column and the key, with the nearest valid key, for a bad file.
const Project& project();
// Parses project file text (for tests); `file` names it in errors.
Project parse_project(const std::string& text, const std::string& file);

// The schema path: the -f flag, else the project's `schema`; throws when neither is given.
std::string schema_path(const std::string& flag_value);
// "app_v41,app_v42" (--version-schemas) as a pair; nullopt for ""; throws for anything else.
std::optional<std::pair<std::string, std::string>> parse_version_schemas(const std::string& text);
// Fills the planner options the project sets (grading, per-table overrides, batch size).
void apply_project(planner::PlanOptions& options);

}  // namespace pgshift::cli
