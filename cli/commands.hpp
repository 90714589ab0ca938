// The subcommand registry: each cli/cmd_*.cpp registers one subcommand with a static Registration,
// giving its setup function (adds the subcommand and its flags to the app). The subcommand's
// callback runs the command and returns the process exit code through set_exit_code().
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace pgshift::cli {

using SetupFn = std::function<void(CLI::App&)>;

struct Registration {
  Registration(std::string name, int order, SetupFn setup);
};

struct RegisteredCommand {
  std::string name;
  int order;
  SetupFn setup;
};
std::vector<RegisteredCommand>& registry();

// Exit codes, the same for every command: 0 ok / no changes, 1 error, 2 changes or drift present.
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_error = 1;
inline constexpr int k_exit_changes = 2;
void set_exit_code(int code);
int exit_code();

}  // namespace pgshift::cli
