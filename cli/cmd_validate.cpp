// `pgshift validate -f FILE|DIR`: loads the schema files offline (no database), for pre-commit hooks.
// Prints "ok: ..." with what was found, or every problem with its file:line:column (exit 1).
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "schema/yaml_io.hpp"

namespace pgshift::cli {

namespace {

struct ValidateCliOptions {
  std::string file;
};

std::string plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// "12 tables, 3 views, 4 functions, 2 types, 1 sequence, 1 extension in 2 schemas"
std::string summary(const schema::Database& db) {
  size_t tables = 0, views = 0, functions = 0, types = 0, sequences = 0;
  for (const auto& [name, s] : db.schemas) {
    tables += s.tables.size();
    views += s.views.size();
    functions += s.functions.size();
    types += s.enums.size() + s.domains.size() + s.types.size();
    sequences += s.sequences.size();
  }
  return fmt::format("{}, {}, {}, {}, {}, {} in {}", plural(tables, "table"), plural(views, "view"),
                     plural(functions, "function"), plural(types, "type"), plural(sequences, "sequence"),
                     plural(db.extensions.size(), "extension"), plural(db.schemas.size(), "schema"));
}

void run_validate(const ValidateCliOptions& o) {
  const schema::Database db = schema::load_schema(schema_path(o.file));  // throws one Error listing every problem
  std::cout << "ok: " << summary(db) << "\n";
  set_exit_code(k_exit_ok);
}

}  // namespace

void setup_validate(CLI::App& app) {
  auto opts = std::make_shared<ValidateCliOptions>();
  CLI::App* cmd = app.add_subcommand("validate", "Check schema files offline (no database)");
  cmd->add_option("-f,--file", opts->file, "A YAML file or a directory of them (default: `schema:` of pgshift.yaml)");
  cmd->callback([opts] { run_validate(*opts); });
}

}  // namespace pgshift::cli
