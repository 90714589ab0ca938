// `pgshift drift [--db URL] -f FILE|DIR [--format text|json|markdown] [--ignore PATTERN]... [--strict]`:
// compares the live database with the desired schema (planner/drift.hpp, docs/drift-format.md).
// Exit 0 when they match, 2 on drift, 1 on error. A migration in flight (executor state) is reported
// as such, with exit 0 and no verdict, because between its phases the database is meant to differ;
// --strict judges the differences anyway.

#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "executor/state.hpp"
#include "introspect/introspect.hpp"
#include "planner/drift.hpp"
#include "planner/report/render.hpp"
#include "schema/yaml_io.hpp"

namespace pgshift::cli {

namespace {

struct DriftCliOptions {
  std::string db;
  std::string file;
  std::string format = "text";
  std::vector<std::string> ignore;
  bool strict = false;
};

std::optional<planner::MigrationInFlight> migration_in_flight(pqxx::connection& conn) {
  auto in_flight = executor::status(conn).in_flight;
  if (!in_flight) {
    return std::nullopt;
  }
  std::string last_phase = in_flight->last_phase ? std::string(planner::phase_name(*in_flight->last_phase)) : "";
  return planner::MigrationInFlight{in_flight->id, last_phase};
}

void run_drift(const DriftCliOptions& o) {
  const schema::Database desired = load_desired(schema_path(o.file), {}, o.db);
  auto conn = open_db(o.db);
  const schema::Database actual = introspect::introspect(*conn, {{}, desired.managed_roles});
  planner::DriftReport report = planner::compute_drift(actual, desired, {o.ignore});
  report.migration = migration_in_flight(*conn);
  add_trash_notes(*conn, report.notes);
  report.strict = o.strict;
  if (o.format == "json") {
    std::cout << planner::drift_to_json_text(report);
  } else if (o.format == "markdown") {
    std::cout << planner::render_drift_markdown(report);
  } else {
    std::cout << planner::render_drift_text(report, use_color());
  }
  set_exit_code(report.has_verdict() && report.drifted() ? k_exit_changes : k_exit_ok);
}

}  // namespace

void setup_drift(CLI::App& app) {
  auto opts = std::make_shared<DriftCliOptions>();
  CLI::App* cmd = app.add_subcommand("drift", "Report how the live database differs from the desired schema");
  add_db_option(cmd, opts->db);
  cmd->add_option("-f,--file", opts->file, "Desired schema: a YAML file or a directory of them (default: `schema:` of pgshift.yaml)");
  cmd->add_option("--format", opts->format, "Output format (default: text)")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  cmd->add_option("--ignore", opts->ignore,
                  "Glob (* and ?) on qualified names to leave out, e.g. 'public.tmp_*' (repeatable)");
  cmd->add_flag("--strict", opts->strict, "Judge drift even while a migration is in flight");
  cmd->callback([opts] { run_drift(*opts); });
}

}  // namespace pgshift::cli
