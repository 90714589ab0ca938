// Running a program (pg_dump, pg_restore) with fork + execvp and an argument vector, never through a
// shell: its standard input fed from a string, its output and errors collected.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "executor/cancel.hpp"

namespace pgshift::executor {

struct ProcessResult {
  int status = 0;   // exit status, or 128 + signal number
  std::string out;  // standard output
  std::string err;  // standard error
};

// Runs argv[0] (looked up in PATH when it has no '/') with `env` added to (or replacing in) our
// environment, `input` on its standard input. Waits for it; every 100 ms checks `cancelled`, and then
// kills the child (SIGTERM), waits for it and throws Cancelled. Throws pgshift::Error when the
// program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::pair<std::string, std::string>>& env, const std::string& input,
                          const CancelCheck& cancelled);

}  // namespace pgshift::executor
