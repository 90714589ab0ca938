// Soft drop in the cli (docs/soft-drop.md): the --soft-drop[=RETENTION] flag shared by `plan` and
// `apply`, and the trash notes that `plan`, `drift` and `apply` show (from pgshift.trash).
#pragma once

#include <CLI/CLI.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "planner/planner.hpp"

namespace pgshift::cli {

// Adds `--soft-drop[=RETENTION]` (default 7d) to `cmd`, storing the retention text ("" = not given).
void add_soft_drop_flag(CLI::App* cmd, std::string& retention);
// Sets options.soft_drop and its retention from the flag's text. Throws pgshift::Error on a bad retention.
void set_soft_drop(const std::string& retention, planner::PlanOptions& options);
// Appends "N soft-dropped objects hold X (M past retention: `pgshift purge`)" when pgshift.trash has rows.
void add_trash_notes(pqxx::connection& conn, std::vector<std::string>& notes);
// After an apply: a line naming the trashed objects past retention, suggesting `pgshift purge`.
void print_expired_trash(pqxx::connection& conn);

}  // namespace pgshift::cli
