// `pgshift sandbox start|url|stop|destroy`: a throwaway local PostgreSQL 15 cluster (executor/sandbox/sandbox.hpp).
// `start` prints only the URL on stdout, so `export DATABASE_URL=$(pgshift sandbox start)` works;
// progress goes to stderr.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "executor/sandbox/sandbox.hpp"

namespace pgshift::cli {

namespace {

struct SandboxCliOptions {
  std::string dir = ".pgshift/sandbox";
  int port = 0;  // 0 = remembered, else executor::k_sandbox_default_port
};

void print_progress(const std::string& line) { std::cerr << "pgshift: " << line << "\n"; }

void run_sandbox_start(const SandboxCliOptions& o) {
  std::cout << executor::sandbox_start({o.dir, o.port, print_progress}) << "\n";
}

void run_sandbox_url(const SandboxCliOptions& o) { std::cout << executor::sandbox_url(o.dir) << "\n"; }

void run_sandbox_stop(const SandboxCliOptions& o) {
  bool was_running = executor::sandbox_running(o.dir);
  executor::sandbox_stop(o.dir);
  print_progress(was_running ? "sandbox stopped" : "sandbox was not running");
}

void run_sandbox_destroy(const SandboxCliOptions& o) {
  executor::sandbox_destroy(o.dir);
  print_progress("sandbox destroyed: " + o.dir);
}

CLI::App* add_action(CLI::App* parent, const char* name, const char* help, std::shared_ptr<SandboxCliOptions> opts,
                     void (*action)(const SandboxCliOptions&)) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  cmd->add_option("--dir", opts->dir, "Sandbox directory (default: .pgshift/sandbox)");
  cmd->callback([opts, action] { action(*opts); });
  return cmd;
}

}  // namespace

void setup_sandbox(CLI::App& app) {
  auto opts = std::make_shared<SandboxCliOptions>();
  CLI::App* sandbox = app.add_subcommand("sandbox", "A throwaway local PostgreSQL 15 server for trying pgshift");
  sandbox->require_subcommand(1);
  CLI::App* start = add_action(sandbox, "start", "Create (once) and start the sandbox; print its URL", opts,
                               run_sandbox_start);
  start->add_option("--port", opts->port, "TCP port on 127.0.0.1 (default: the last one used, else 54329)");
  add_action(sandbox, "url", "Print the sandbox's URL", opts, run_sandbox_url);
  add_action(sandbox, "stop", "Stop the sandbox server", opts, run_sandbox_stop);
  add_action(sandbox, "destroy", "Stop the sandbox and delete its files", opts, run_sandbox_destroy);
}

}  // namespace pgshift::cli
