// `pgshift plan [--db URL] -f FILE|DIR [-o plan.json] [--format text|sql|json|markdown|dot]
// [--detailed-exitcode] [--role NAME]...`: loads the desired schema, reads the live one, and prints the
// plan between them (docs/plan-format.md); -o also writes the JSON plan that `apply` reads.

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "introspect/introspect.hpp"
#include "planner/planner.hpp"
#include "planner/report/render.hpp"
#include "schema/yaml_io.hpp"
#include "util/error.hpp"

namespace pgshift::cli {

namespace {

struct PlanCliOptions {
  std::string version_schemas;  // "OLD,NEW"
  std::string db;
  std::string file;
  std::string output;
  std::string format = "text";
  bool detailed_exitcode = false;
  std::vector<std::string> roles;
  std::string soft_drop;  // retention, "" = no soft drop
};

// Row estimates and on-disk sizes of user tables, for hazard messages ("~2.1M rows, 480 MB").
// reltuples is -1 for a table never vacuumed or analyzed; that reads as 0 rows.

// Writes through a temporary file and a rename, so a reader never sees half a plan.
void write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
      throw Error("cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    throw Error("cannot write " + path.string() + ": " + ec.message());
  }
}

void run_plan(const PlanCliOptions& o) {
  schema::Database desired = load_desired(schema_path(o.file), o.roles, o.db);
  auto conn = open_db(o.db);
  schema::Database current = introspect::introspect(*conn, {{}, desired.managed_roles});
  planner::PlanOptions options;
  apply_project(options);
  options.version_schemas = parse_version_schemas(o.version_schemas);
  options.table_stats = introspect::read_table_stats(*conn);
  set_soft_drop(o.soft_drop, options);
  if (o.format == "dot") {
    std::cout << planner::plan_to_dot(current, desired, options);
  }
  planner::Plan plan = planner::make_plan(std::move(current), std::move(desired), options);
  add_trash_notes(*conn, plan.notes);
  if (!o.output.empty()) {
    write_file_atomically(o.output, planner::plan_to_json_text(plan));
  }
  if (o.format == "text") {
    std::cout << planner::render_text(plan, {.color = use_color()});
  } else if (o.format == "sql") {
    std::cout << planner::render_sql(plan);
  } else if (o.format == "markdown") {
    std::cout << planner::render_markdown(plan);
  } else if (o.format == "json") {
    std::cout << planner::plan_to_json_text(plan);
  }
  if (!o.output.empty() && o.format != "json") {
    std::cerr << "pgshift: plan written to " << o.output << "\n";
  }
  set_exit_code(o.detailed_exitcode && !plan.empty() ? k_exit_changes : k_exit_ok);
}

}  // namespace

void setup_plan(CLI::App& app) {
  auto opts = std::make_shared<PlanCliOptions>();
  CLI::App* cmd = app.add_subcommand("plan", "Show the steps that take the database to the desired schema");
  add_db_option(cmd, opts->db);
  add_version_schemas_option(cmd, opts->version_schemas);
  cmd->add_option("-f,--file", opts->file, "Desired schema: a YAML file or a directory of them (default: `schema:` of pgshift.yaml)");
  cmd->add_option("-o,--out", opts->output, "Also write the plan as JSON to this file (for `pgshift apply`)");
  cmd->add_option("--format", opts->format, "Output format (default: text)")
      ->check(CLI::IsMember({"text", "sql", "json", "markdown", "dot"}));
  cmd->add_flag("--detailed-exitcode", opts->detailed_exitcode, "Exit 0 when there are no changes, 2 when there are");
  cmd->add_option("--role", opts->roles,
                  "Also manage grants to this role (repeatable; added to the schema's managed_roles)");
  add_soft_drop_flag(cmd, opts->soft_drop);
  cmd->callback([opts] { run_plan(*opts); });
}

}  // namespace pgshift::cli
