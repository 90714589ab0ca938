// `pgshift apply [--db URL] (-f FILE|DIR | PLAN.json) [--through PHASE] [--yes] [--allow-hazards LIST|all]
// [--lock-timeout MS] [--statement-timeout MS] [--batch-size N] [--batch-delay MS] [--wait-for-quiet S]
// [--role NAME]... [--backup auto|always | --no-backup] [--backup-dir DIR] [--backup-scope database|tables]
// [--backup-command CMD]`: plans (or reads a saved plan), shows it, asks, and applies it
// (executor/apply.hpp), taking a verified backup first when a step deletes data, rewrites a table or
// cannot be undone (executor/backup/backup_policy.hpp, docs/backups.md). A migration in flight for the same desired
// schema is continued from its saved plan.

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "executor/apply.hpp"
#include "executor/backup/backup_policy.hpp"
#include "executor/state.hpp"
#include "introspect/introspect.hpp"
#include "planner/planner.hpp"
#include "planner/report/render.hpp"
#include "schema/yaml_io.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::cli {

namespace {

struct ApplyCliOptions {
  std::string version_schemas;  // "OLD,NEW"
  std::string db;
  std::string file;       // -f: YAML file or directory, or a plan .json
  std::string plan_file;  // positional PLAN.json
  std::string through;
  bool yes = false;
  std::string allow_hazards;
  int64_t lock_timeout_ms = 0;
  int64_t statement_timeout_ms = 0;
  int batch_size = 0;
  int batch_delay_ms = 0;
  int wait_for_quiet_s = 0;
  std::vector<std::string> roles;
  std::string backup = "auto";
  bool no_backup = false;
  std::string backup_dir = executor::k_default_backup_dir;
  CLI::Option* backup_dir_opt = nullptr;
  std::string backup_scope = "database";
  std::string backup_command;
  std::string soft_drop;  // retention, "" = no soft drop (used when apply plans)
  CLI::Option* lock_timeout = nullptr;
  CLI::Option* statement_timeout = nullptr;
  CLI::Option* batch_size_opt = nullptr;
};

bool is_json_path(const std::string& path) {
  return path.size() > 5 && path.substr(path.size() - 5) == ".json";
}

planner::Plan read_plan_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot read plan file " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    return planner::plan_from_json(nlohmann::json::parse(text.str()));
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(path + ": not a plan: " + e.what(), {}, "write plan files with `pgshift plan -f SCHEMA -o plan.json`");
  }
}

struct Resolved {
  planner::Plan plan;
  std::optional<executor::Migration> in_flight;
  bool continuing = false;
};

// The plan to run: the in-flight migration's own when it is the same, else a new or saved one.
Resolved resolve_plan(pqxx::connection& conn, const ApplyCliOptions& o, const executor::ApplyOptions& apply_opts) {
  Resolved r;
  r.in_flight = executor::migration_in_flight(conn);
  std::string path = o.plan_file.empty() ? o.file : o.plan_file;
  if (is_json_path(path)) {
    planner::Plan saved = read_plan_file(path);
    if (r.in_flight && executor::same_plan(r.in_flight->plan, saved)) {
      r.plan = r.in_flight->plan;
      r.continuing = true;
      return r;
    }
    if (r.in_flight) {
      executor::refuse_in_flight(r.in_flight->summary);
    }
    schema::Database current = introspect::introspect(conn, {{}, o.roles});
    if (planner::fingerprint(current) != saved.current_fingerprint) {
      throw Error("the database changed since this plan was made", {},
                  "make a new plan with `pgshift plan -f SCHEMA -o plan.json`, review it, and apply that");
    }
    r.plan = std::move(saved);
    return r;
  }
  schema::Database desired = load_desired(path, o.roles, o.db);
  if (r.in_flight) {
    if (r.in_flight->summary.desired_fingerprint != planner::fingerprint(desired)) {
      executor::refuse_in_flight(r.in_flight->summary);
    }
    r.plan = r.in_flight->plan;
    r.continuing = true;
    return r;
  }
  schema::Database current = introspect::introspect(conn, {{}, desired.managed_roles});
  planner::PlanOptions plan_opts;
  apply_project(plan_opts);
  plan_opts.version_schemas = parse_version_schemas(o.version_schemas);
  plan_opts.table_stats = introspect::read_table_stats(conn);
  set_soft_drop(o.soft_drop, plan_opts);
  if (apply_opts.batch_size) {
    plan_opts.batch_size = *apply_opts.batch_size;
  }
  if (apply_opts.lock_timeout_ms) {
    plan_opts.lock_timeout_ms = *apply_opts.lock_timeout_ms;
  }
  if (apply_opts.statement_timeout_ms) {
    plan_opts.statement_timeout_ms = *apply_opts.statement_timeout_ms;
  }
  r.plan = planner::make_plan(std::move(current), std::move(desired), plan_opts);
  return r;
}

executor::ApplyOptions apply_options(const ApplyCliOptions& o) {
  executor::ApplyOptions a;
  if (!o.through.empty()) {
    a.through = planner::parse_phase(o.through);
    if (!a.through) {
      throw Error("unknown phase \"" + o.through + "\" for --through", {}, "phases: add, backfill, switch, drop");
    }
  }
  // Flags win; pgshift.yaml fills in what they leave out.
  const Project& p = project();
  a.allowed_hazards = executor::parse_hazard_list(
      !o.allow_hazards.empty() ? o.allow_hazards : util::join(p.allowed_hazards, ","));
  if (*o.lock_timeout) {
    a.lock_timeout_ms = o.lock_timeout_ms;
  }
  if (*o.statement_timeout) {
    a.statement_timeout_ms = o.statement_timeout_ms;
  }
  if (*o.batch_size_opt) {
    a.batch_size = o.batch_size;
  }
  a.batch_delay_ms = o.batch_delay_ms > 0 ? o.batch_delay_ms : p.batch_delay_ms.value_or(0);
  a.wait_for_quiet_s = o.wait_for_quiet_s;
  return a;
}

executor::BackupPolicy backup_policy(const ApplyCliOptions& o) {
  const Project& p = project();
  executor::BackupPolicy backup;
  backup.mode = o.no_backup            ? executor::BackupMode::never
                : o.backup == "always" ? executor::BackupMode::always
                                       : executor::BackupMode::automatic;
  backup.options.conninfo = resolve_db_url(o.db);
  backup.options.dir = (o.backup_dir_opt != nullptr && *o.backup_dir_opt) || !p.backup_dir ? o.backup_dir : *p.backup_dir;
  backup.options.pg_bin = pg_bin_dir();
  backup.options.scope = executor::parse_backup_scope(o.backup_scope).value_or(executor::BackupScope::database);
  backup.command = o.backup_command;
  return backup;
}

// One line under the plan: whether a backup comes first, and why.
void print_backup_intent(const Resolved& r, const executor::BackupPolicy& policy, const executor::ApplyOptions& a) {
  const auto* states = r.in_flight && r.continuing ? &r.in_flight->steps : nullptr;
  if (states != nullptr && executor::has_backup(r.in_flight->summary.backup)) {
    std::cout << "\nBackup: migration " << r.in_flight->summary.id << " already has one ("
              << r.in_flight->summary.backup->value("file", "") << ").\n";
    return;
  }
  auto reasons = executor::backup_reasons(r.plan, states, a.through);
  if (policy.mode == executor::BackupMode::never) {
    std::cout << "\nBackup: none (--no-backup)" << (reasons.empty() ? "" : ", although steps delete data") << ".\n";
  } else if (policy.mode == executor::BackupMode::always || !reasons.empty()) {
    std::cout << "\nBackup: a verified pg_dump of the "
              << (policy.options.scope == executor::BackupScope::tables ? "plan's tables" : "database")
              << " into " << policy.options.dir.string() << " before the first step"
              << (reasons.empty() ? " (--backup always)" : " (steps delete data, rewrite tables or cannot be undone)")
              << ".\n";
  }
}

void print_outcome(const executor::ApplyResult& result) {
  if (result.completed) {
    std::cout << "Migration " << result.migration_id << " completed: " << result.steps_run << " step(s) applied"
              << (result.steps_skipped > 0 ? ", " + std::to_string(result.steps_skipped) + " done before" : "")
              << ".\n";
    return;
  }
  std::string phase = result.last_phase ? std::string(planner::phase_name(*result.last_phase)) : "none";
  std::cout << "Stopped after phase " << phase << ": migration " << result.migration_id << " is in progress, "
            << result.steps_remaining << " step(s) to go.\n"
            << "Deploy the application for this phase, then run `pgshift apply` again to continue "
               "(or `pgshift rollback`).\n";
}

void run_apply(const ApplyCliOptions& given) {
  ApplyCliOptions o = given;
  if (o.file.empty() && o.plan_file.empty() && project().schema) o.file = *project().schema;
  if (o.file.empty() == o.plan_file.empty()) {
    throw Error("give the desired schema with -f FILE|DIR, or a saved plan PLAN.json (one of them)", {},
                o.file.empty() ? "or set `schema:` in pgshift.yaml" : "");
  }
  executor::ApplyOptions apply_opts = apply_options(o);
  executor::BackupPolicy policy = backup_policy(o);
  apply_opts.backup = std::make_shared<executor::BackupBeforeApply>(policy);
  auto conn = open_db(o.db);
  Resolved r = resolve_plan(*conn, o, apply_opts);
  print_expired_trash(*conn);
  if (r.plan.empty()) {
    std::cout << "No changes. The database matches the desired schema.\n";
    set_exit_code(k_exit_ok);
    return;
  }
  if (r.continuing) {
    const auto& m = r.in_flight->summary;
    std::cout << "Continuing migration " << m.id << " (" << m.steps_done << " of " << m.steps_total
              << " steps done) with its saved plan.\n\n";
  }
  std::cout << planner::render_text(r.plan, {.color = use_color()}) << std::flush;
  print_backup_intent(r, policy, apply_opts);
  executor::check_permissions(r.plan, r.in_flight && r.continuing ? &r.in_flight->steps : nullptr, apply_opts);
  if (!confirmed(o.yes, {.question = "\nApply this plan?", .action = "apply",
                         .hint = "review the plan, then run again with --yes", .cancelled = "Apply cancelled."})) {
    return;
  }
  executor::ApplyResult result;
  print_events(
      [&](const executor::EventSink& sink) {
        apply_opts.on_event = sink;
        result = executor::apply(*conn, r.plan, apply_opts);
      },
      apply_opts.max_lock_retries);
  print_outcome(result);
  set_exit_code(k_exit_ok);
}

}  // namespace

void setup_apply(CLI::App& app) {
  auto opts = std::make_shared<ApplyCliOptions>();
  CLI::App* cmd = app.add_subcommand("apply", "Apply the desired schema (or a saved plan) phase by phase, online");
  add_db_option(cmd, opts->db);
  add_version_schemas_option(cmd, opts->version_schemas);
  cmd->add_option("-f,--file", opts->file, "Desired schema: a YAML file or a directory of them (or a plan .json)");
  cmd->add_option("plan", opts->plan_file, "A plan saved with `pgshift plan -o plan.json`");
  cmd->add_option("--through", opts->through, "Stop after this phase: add, backfill, switch or drop");
  cmd->add_flag("-y,--yes", opts->yes, "Apply without asking (required when stdin is not a terminal)");
  cmd->add_option("--allow-hazards", opts->allow_hazards,
                  "Allow these hazards, comma-separated (DELETES_DATA,TABLE_REWRITE,BACKWARD_INCOMPATIBLE), or all");
  opts->lock_timeout = cmd->add_option("--lock-timeout", opts->lock_timeout_ms,
                                       "lock_timeout of every step, in ms (default: each step's own)");
  opts->statement_timeout =
      cmd->add_option("--statement-timeout", opts->statement_timeout_ms,
                      "statement_timeout of every step, in ms (0 = none; default: each step's own)");
  opts->batch_size_opt =
      cmd->add_option("--batch-size", opts->batch_size, "Rows per backfill batch")->check(CLI::PositiveNumber);
  cmd->add_option("--batch-delay", opts->batch_delay_ms, "Pause between backfill batches, in ms")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--wait-for-quiet", opts->wait_for_quiet_s,
                  "Wait up to this many seconds for sessions blocking the plan's tables to finish")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--role", opts->roles, "Also manage grants to this role (as given to `pgshift plan`)");
  auto* backup = cmd->add_option("--backup", opts->backup,
                                 "auto: a verified backup before steps that delete data, rewrite tables or cannot "
                                 "be undone (default); always: before any change")
                     ->check(CLI::IsMember({"auto", "always"}));
  cmd->add_flag("--no-backup", opts->no_backup, "Take no backup (recorded on the migration)")->excludes(backup);
  opts->backup_dir_opt = cmd->add_option("--backup-dir", opts->backup_dir, "Where backups go (default: .pgshift/backups)");
  cmd->add_option("--backup-scope", opts->backup_scope,
                  "database (default) or tables: only the tables the plan changes")
      ->check(CLI::IsMember({"database", "tables"}));
  cmd->add_option("--backup-command", opts->backup_command,
                  "Run with /bin/sh after a verified backup, with $PGSHIFT_BACKUP_FILE and $PGSHIFT_BACKUP_MANIFEST "
                  "set; a non-zero exit stops the apply before any change");
  add_soft_drop_flag(cmd, opts->soft_drop);
  cmd->callback([opts] { run_apply(*opts); });
}

}  // namespace pgshift::cli
