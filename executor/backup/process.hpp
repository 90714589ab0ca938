// Running a client program (pg_dump, pg_restore, a user's backup command) as a child process: an
// argument vector, never a shell unless the caller asks for /bin/sh; extra environment variables on
// top of ours (how a password reaches pg_dump without showing in `ps`); stdout and stderr captured.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace pgshift::executor {

struct ProcessSpec {
  std::vector<std::string> argv;                 // argv[0] is looked up in PATH when it has no '/'
  std::map<std::string, std::string> env;        // set (or replaced) in the child's environment
  std::chrono::milliseconds tick_interval{1000};  // how often `tick` is called while the child runs
  std::function<void()> tick;                    // may be empty; an exception from it kills the child
  size_t max_output = 16 << 20;                  // bytes of stdout (and of stderr) kept; the rest is dropped
  std::string input;  // written to the child's standard input (then closed); empty: stdin is /dev/null
};

struct ProcessResult {
  int exit_code = 0;  // 127: could not be started; 128 + N: killed by signal N
  std::string out, err;
  double elapsed_s = 0;
};

// Runs the program with `input` (or /dev/null) on stdin and every other descriptor closed, and waits for it.
// Throws pgshift::Error only when it cannot be started at all (fork or pipe failure); a program that
// is missing gives exit_code 127 and "cannot run <name>: ..." in `err`.
ProcessResult run_process(const ProcessSpec& spec);

// The last `max_lines` non-empty lines of `text`, for error messages.
std::string tail_lines(const std::string& text, size_t max_lines = 5);

}  // namespace pgshift::executor
