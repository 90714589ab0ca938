// `pgshift rollback [--db URL] [--to PHASE] [--yes] [--allow-hazards LIST|all] [--lock-timeout MS]
// [--statement-timeout MS] [--wait-for-quiet S]`: undoes the migration in flight (or the last completed
// one) newest step first, keeping the phases up to --to (executor/rollback.hpp).

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "executor/apply.hpp"
#include "executor/rollback.hpp"
#include "executor/state.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::cli {

namespace {

struct RollbackCliOptions {
  std::string db;
  std::string to;
  bool yes = false;
  std::string allow_hazards;
  int64_t lock_timeout_ms = 0;
  int64_t statement_timeout_ms = 0;
  int wait_for_quiet_s = 0;
  CLI::Option* lock_timeout = nullptr;
  CLI::Option* statement_timeout = nullptr;
};

std::string first_line(const std::string& text) {
  std::string line = util::trim(text.substr(0, text.find('\n')));
  return text.find('\n') == std::string::npos ? line : line + " ...";
}

void print_preview(const executor::Migration& m, const std::vector<size_t>& targets) {
  std::cout << "Rolling back migration " << m.summary.id << " (" << m.summary.status << "), newest step first:\n";
  for (size_t i : targets) {
    const auto& step = m.plan.steps[i];
    std::string undo = !step.reverse_sql                       ? "IRREVERSIBLE: " + step.irreversible_reason
                       : util::trim(*step.reverse_sql).empty() ? "nothing to undo"
                                                               : first_line(*step.reverse_sql);
    std::cout << "  [" << planner::phase_name(step.phase) << "] " << step.id << " ("
              << executor::step_status_name(m.steps[i].status) << ")\n      " << undo << "\n";
  }
}

executor::RollbackOptions rollback_options(const RollbackCliOptions& o) {
  executor::RollbackOptions r;
  if (!o.to.empty()) {
    r.to = planner::parse_phase(o.to);
    if (!r.to) {
      throw Error("unknown phase \"" + o.to + "\" for --to", {}, "phases: add, backfill, switch, drop");
    }
  }
  r.allowed_hazards = executor::parse_hazard_list(o.allow_hazards);
  if (*o.lock_timeout) {
    r.lock_timeout_ms = o.lock_timeout_ms;
  }
  if (*o.statement_timeout) {
    r.statement_timeout_ms = o.statement_timeout_ms;
  }
  r.wait_for_quiet_s = o.wait_for_quiet_s;
  return r;
}

// The migration rollback would undo: the one in flight, else the newest one not rolled back.
std::optional<executor::Migration> target_migration(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn);
  return executor::load_migration(tx, true);
}

void run_rollback(const RollbackCliOptions& o) {
  executor::RollbackOptions opts = rollback_options(o);
  auto conn = open_db(o.db);
  auto m = target_migration(*conn);
  std::vector<size_t> targets = m ? executor::steps_to_undo(*m, opts.to) : std::vector<size_t>{};
  if (targets.empty()) {
    std::cout << "Nothing to roll back.\n";
    set_exit_code(k_exit_ok);
    return;
  }
  print_preview(*m, targets);
  executor::check_irreversible(m->plan, targets, opts);
  if (!confirmed(o.yes, {.question = "\nRoll back these steps?", .action = "roll back",
                         .hint = "review what will be undone (`pgshift status`), then run again with --yes",
                         .cancelled = "Rollback cancelled."})) {
    return;
  }
  executor::RollbackResult result;
  print_events(
      [&](const executor::EventSink& sink) {
        opts.on_event = sink;
        result = executor::rollback(*conn, opts);
      },
      opts.max_lock_retries);
  if (result.rolled_back) {
    std::cout << "Migration " << result.migration_id << " rolled back: " << result.steps_reverted
              << " step(s) undone.\n";
  } else {
    std::cout << "Migration " << result.migration_id << " rolled back to phase "
              << (opts.to ? planner::phase_name(*opts.to) : "none") << ": " << result.steps_reverted
              << " step(s) undone; `pgshift apply` continues it.\n";
  }
  for (const auto& left : result.irreversible_left) {
    std::cerr << "pgshift: warning: left applied (irreversible): " << left << "\n";
  }
  set_exit_code(k_exit_ok);
}

}  // namespace

void setup_rollback(CLI::App& app) {
  auto opts = std::make_shared<RollbackCliOptions>();
  CLI::App* cmd = app.add_subcommand("rollback", "Undo the migration in flight (or the last one), newest step first");
  add_db_option(cmd, opts->db);
  cmd->add_option("--to", opts->to, "Keep this phase and the earlier ones applied: add, backfill, switch or drop");
  cmd->add_flag("-y,--yes", opts->yes, "Roll back without asking (required when stdin is not a terminal)");
  cmd->add_option("--allow-hazards", opts->allow_hazards,
                  "DELETES_DATA (or all): pass over irreversible steps, leaving them applied");
  opts->lock_timeout = cmd->add_option("--lock-timeout", opts->lock_timeout_ms,
                                       "lock_timeout of every reverse step, in ms (default: each step's own)");
  opts->statement_timeout = cmd->add_option("--statement-timeout", opts->statement_timeout_ms,
                                            "statement_timeout of every reverse step, in ms (0 = none)");
  cmd->add_option("--wait-for-quiet", opts->wait_for_quiet_s,
                  "Wait up to this many seconds for sessions blocking the plan's tables to finish")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([opts] { run_rollback(*opts); });
}

}  // namespace pgshift::cli
