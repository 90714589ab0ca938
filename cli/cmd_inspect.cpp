// `pgshift inspect [--db URL] [-o FILE|DIR] [--schema NAME]... [--role NAME]...`: writes the live
// database's schema as YAML (introspect/introspect.hpp), to stdout, a file, or a directory with one
// file per table. Objects the model cannot express are listed on stderr as warnings.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <cerrno>
#include <cstring>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "introspect/introspect.hpp"
#include "schema/yaml_io.hpp"
#include "util/error.hpp"

namespace pgshift::cli {

namespace {

struct InspectCliOptions {
  std::string db;
  std::string output;  // "" = stdout; a path ending in '/' or an existing directory = one file per table
  std::vector<std::string> schemas;
  std::vector<std::string> roles;
};

bool is_directory_target(const std::string& path) {
  return path.back() == '/' || std::filesystem::is_directory(path);
}

void run_inspect(const InspectCliOptions& o) {
  auto conn = open_db(o.db);
  const schema::Database db = introspect::introspect(*conn, {o.schemas, o.roles});
  for (const auto& line : db.unmanaged) {
    std::cerr << "pgshift: warning: " << line << "\n";
  }
  if (o.output.empty() || o.output == "-") {
    schema::write_yaml(db, std::cout);
  } else if (is_directory_target(o.output)) {
    std::filesystem::create_directories(o.output);
    schema::write_schema_dir(db, o.output);
  } else {
    std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
    schema::write_yaml(db, out);
    out.close();
    if (!out) throw Error("cannot write " + o.output + ": " + std::strerror(errno));
  }
  set_exit_code(k_exit_ok);
}

}  // namespace

void setup_inspect(CLI::App& app) {
  auto opts = std::make_shared<InspectCliOptions>();
  CLI::App* cmd = app.add_subcommand("inspect", "Write the live database's schema as YAML");
  add_db_option(cmd, opts->db);
  cmd->add_option("-o,--output", opts->output,
                  "Output file, or a directory (existing, or ending in /) for one file per table (default: stdout)");
  cmd->add_option("--schema", opts->schemas, "Only this schema (repeatable; default: every user schema)");
  cmd->add_option("--role", opts->roles, "Read grants to this role (repeatable; 'public' for PUBLIC; default: none)");
  cmd->callback([opts] { run_inspect(*opts); });
}

}  // namespace pgshift::cli
