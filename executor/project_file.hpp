// The optional project file, pgshift.yaml (written by `pgshift init`): defaults for the commands'
// flags, so that a team's settings live in the repository next to the schema. A flag given on the
// command line always wins. The cli looks it up in the current directory, or at $PGSHIFT_PROJECT
// (cli/options.hpp: project()); this reads its text.
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

namespace pgshift::executor {

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

// Parses project file text; `file` names it in errors. Throws pgshift::Error naming file:line:column
// and the key, with the nearest valid key, for a bad file.
Project parse_project(const std::string& text, const std::string& file);

// Fills the planner options the project sets (grading, per-table overrides, batch size, timeouts).
void apply_project(const Project& project, planner::PlanOptions& options);

}  // namespace pgshift::executor
