// The subcommands: each cli/cmd_<name>.cpp defines setup_<name>, which adds the subcommand and its
// flags to the app; its callback parses, calls one library function, prints, and returns the process
// exit code through set_exit_code(). The table of commands, in help order, is k_commands in main.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace pgshift::cli {

void setup_init(CLI::App& app);
void setup_inspect(CLI::App& app);
void setup_plan(CLI::App& app);
void setup_apply(CLI::App& app);
void setup_verify(CLI::App& app);
void setup_rollback(CLI::App& app);
void setup_purge(CLI::App& app);
void setup_status(CLI::App& app);
void setup_history(CLI::App& app);
void setup_backup(CLI::App& app);
void setup_backups(CLI::App& app);
void setup_restore(CLI::App& app);
void setup_drift(CLI::App& app);
void setup_validate(CLI::App& app);
void setup_fmt(CLI::App& app);
void setup_sandbox(CLI::App& app);
void setup_completion(CLI::App& app);
void setup_man(CLI::App& app);

// Exit codes, the same for every command: 0 ok / no changes, 1 error, 2 changes or drift present.
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_error = 1;
inline constexpr int k_exit_changes = 2;
void set_exit_code(int code);
int exit_code();

}  // namespace pgshift::cli
