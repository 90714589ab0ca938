// `pgshift history [--db URL] [-n N]`: the migrations recorded in the database, newest first.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "executor/state.hpp"

namespace pgshift::cli {

namespace {

struct HistoryCliOptions {
  std::string db;
  int limit = 20;
};

void run_history(const HistoryCliOptions& o) {
  auto conn = open_db(o.db);
  auto migrations = executor::history(*conn, o.limit);
  if (migrations.empty()) {
    std::cout << "No migrations recorded in this database.\n";
    set_exit_code(k_exit_ok);
    return;
  }
  std::cout << fmt::format("{:>4}  {:<11}  {:<8}  {:>7}  {:<29}  {:<29}  {}\n", "ID", "STATUS", "PHASE", "STEPS",
                           "STARTED", "FINISHED", "BY");
  for (const auto& m : migrations) {
    std::string by =
        m.created_by + "@" + m.client_addr + (m.application_name.empty() ? "" : " (" + m.application_name + ")");
    std::cout << fmt::format("{:>4}  {:<11}  {:<8}  {:>7}  {:<29}  {:<29}  {}\n", m.id, m.status,
                             m.last_phase ? planner::phase_name(*m.last_phase) : "-",
                             fmt::format("{}/{}", m.steps_done, m.steps_total), m.started_at,
                             m.finished_at.empty() ? "-" : m.finished_at, by);
  }
  set_exit_code(k_exit_ok);
}

}  // namespace

void setup_history(CLI::App& app) {
  auto opts = std::make_shared<HistoryCliOptions>();
  CLI::App* cmd = app.add_subcommand("history", "List the migrations applied to the database, newest first");
  add_db_option(cmd, opts->db);
  cmd->add_option("-n,--limit", opts->limit, "How many (default: 20)")->check(CLI::PositiveNumber);
  cmd->callback([opts] { run_history(*opts); });
}

}  // namespace pgshift::cli
