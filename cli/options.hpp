// The options several commands share, and where their values come from: --db (else
// $PGSHIFT_DATABASE_URL, else $DATABASE_URL, else libpq's own PG* variables and service files),
// the project file pgshift.yaml (executor/project_file.hpp; ./pgshift.yaml or $PGSHIFT_PROJECT),
// -f and its fallback, --version-schemas, --soft-drop[=RETENTION], and the desired schema loaded and
// normalized through the server. The cli is the only layer that reads the environment; the libraries
// get resolved values.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "executor/project_file.hpp"
#include "planner/planner.hpp"
#include "schema/model.hpp"

namespace pgshift::cli {

// ---- --db
void add_db_option(CLI::App* cmd, std::string& url);
// --db URL, else the project's database_url_env, else PGSHIFT_DATABASE_URL, else DATABASE_URL, else "".
std::string resolve_db_url(const std::string& flag_value);
// Resolves and connects; on failure throws pgshift::Error (host/port tried, server message, hint,
// password masked).
std::unique_ptr<pqxx::connection> open_db(const std::string& flag_value);
// $PGSHIFT_PG_BIN: the directory of pg_dump and pg_restore to use for backups and restores ("" = search).
std::string pg_bin_dir();

// ---- pgshift.yaml
using executor::Project;
// Reads ./pgshift.yaml (or $PGSHIFT_PROJECT) once; an empty Project when there is none. Throws
// pgshift::Error for a bad file (executor::parse_project) or a $PGSHIFT_PROJECT that does not exist.
const Project& project();
// Fills the planner options the project sets (grading, per-table overrides, batch size).
void apply_project(planner::PlanOptions& options);

// ---- -f, --version-schemas, --soft-drop
// The schema path: the -f flag, else the project's `schema`; throws when neither is given.
std::string schema_path(const std::string& flag_value);
// Adds `--version-schemas OLD,NEW` to `cmd`.
void add_version_schemas_option(CLI::App* cmd, std::string& value);
// "app_v41,app_v42" (--version-schemas) as a pair; nullopt for ""; throws for anything else.
std::optional<std::pair<std::string, std::string>> parse_version_schemas(const std::string& text);
// Adds `--soft-drop[=RETENTION]` (default 7d) to `cmd`, storing the retention text ("" = not given).
void add_soft_drop_flag(CLI::App* cmd, std::string& retention);
// Sets options.soft_drop and its retention from the flag's text. Throws pgshift::Error on a bad retention.
void set_soft_drop(const std::string& retention, planner::PlanOptions& options);

// ---- the desired schema
// Loads the desired schema from a YAML file or directory, adds `extra_roles` to its managed roles,
// and normalizes it through the server at `db_flag` (resolved like --db;
// executor/scratch/normalize.hpp); a warning goes to stderr when normalization is not possible.
schema::Database load_desired(const std::string& path, const std::vector<std::string>& extra_roles,
                              const std::string& db_flag);

}  // namespace pgshift::cli
