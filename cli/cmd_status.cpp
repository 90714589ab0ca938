// `pgshift status [--db URL]`: the migration in flight and where it stands (phases done, each step's
// status, the current step, backfill progress), else the last migration (executor/state.hpp).
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "executor/progress.hpp"
#include "executor/state.hpp"

namespace pgshift::cli {

namespace {

struct StatusCliOptions {
  std::string db;
};

std::string describe(const executor::MigrationSummary& m) {
  std::string out = "migration " + std::to_string(m.id) + ": " + m.status;
  if (m.last_phase) {
    out += ", through phase " + std::string(planner::phase_name(*m.last_phase));
  }
  out += "\n  started " + m.started_at + " by " + m.created_by + " from " + m.client_addr;
  if (!m.application_name.empty()) {
    out += " (" + m.application_name + ")";
  }
  if (!m.finished_at.empty()) {
    out += "\n  finished " + m.finished_at;
  }
  if (m.backup && m.backup->contains("file")) {
    out += "\n  backup: " + m.backup->value("file", "") + (m.backup->value("verified", false) ? " (verified)" : "");
  } else if (m.backup && m.backup->value("skipped", false)) {
    out += "\n  backup: skipped (" + m.backup->value("reason", "") + ")";
  }
  return out + "\n";
}

void print_steps(const executor::Status& st) {
  std::string phases;
  for (auto p : st.phases_done) {
    phases += (phases.empty() ? "" : ", ") + std::string(planner::phase_name(p));
  }
  std::cout << "  phases done: " << (phases.empty() ? "none" : phases) << "\n";
  std::cout << "  steps: " << st.in_flight->steps_done << " of " << st.in_flight->steps_total << " done";
  if (st.in_flight->steps_failed > 0) {
    std::cout << ", " << st.in_flight->steps_failed << " failed";
  }
  std::cout << "\n";
  for (const auto& s : st.steps) {
    std::string status(executor::step_status_name(s.status));
    std::cout << "    " << status << std::string(status.size() < 9 ? 9 - status.size() : 1, ' ') << "["
              << planner::phase_name(s.phase) << "] " << s.id;
    if (s.backfill && s.status != executor::StepStatus::pending) {
      std::cout << "  " << executor::group_thousands(s.backfill->rows_done) << "/"
                << executor::group_thousands(s.backfill->rows_total) << " rows";
    }
    if (s.attempts > 1) {
      std::cout << "  (" << s.attempts << " attempts)";
    }
    std::cout << "\n";
    if (!s.last_error.empty() && s.status != executor::StepStatus::done) {
      std::cout << "             last error: " << s.last_error << "\n";
    }
  }
}

void run_status(const StatusCliOptions& o) {
  auto conn = open_db(o.db);
  executor::Status st = executor::status(*conn);
  if (!st.in_flight) {
    std::cout << "No migration in flight.\n";
    if (st.last) {
      std::cout << "Last " << describe(*st.last);
    }
    set_exit_code(k_exit_ok);
    return;
  }
  std::cout << "In flight: " << describe(*st.in_flight);
  print_steps(st);
  if (st.current_step) {
    std::cout << "Next: " << st.current_step->id
              << ". Run `pgshift apply` to continue or `pgshift rollback` to undo.\n";
  }
  set_exit_code(k_exit_ok);
}

}  // namespace

void setup_status(CLI::App& app) {
  auto opts = std::make_shared<StatusCliOptions>();
  CLI::App* cmd = app.add_subcommand("status", "Show the migration in flight and where it stands");
  add_db_option(cmd, opts->db);
  cmd->callback([opts] { run_status(*opts); });
}

}  // namespace pgshift::cli
