// The YAML desired-state format (docs/schema-format.md): loading with diagnostics, and writing.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

#include "schema/model.hpp"

namespace pgshift::schema {

// Added: what load_schema throws. It is a pgshift::Error whose message() (and render(), since it has
// no location or hint of its own) is every diagnostic rendered with Error::render(), one after the
// other separated by "\n", followed by "N errors" when there are several. A caller that only knows
// Error prints them all; the CLI may instead print "pgshift: error: " before each of diagnostics().
class SchemaErrors : public Error {
 public:
  explicit SchemaErrors(std::vector<Error> diagnostics);
  const std::vector<Error>& diagnostics() const { return m_diagnostics; }

 private:
  static std::string render_all(const std::vector<Error>& diagnostics);
  std::vector<Error> m_diagnostics;
};

// Loads one YAML file, or every *.yaml / *.yml file under a directory (recursively, sorted by path),
// merged into one model. Every problem in the pass is collected; then one pgshift::Error is thrown whose
// message lists each as "file:line:column: message" with the line and a caret, unknown keys suggesting
// the nearest valid key. A definition present in two files is an error naming both.
// The result is normalized (see normalize()).
Database load_schema(const std::filesystem::path& path);
// Same, from text; `file_name` is used in messages.
Database load_schema_text(std::string_view yaml, const std::string& file_name);

// Writes the model as YAML, deterministic byte for byte (keys in a fixed order, maps sorted by name).
// The same, written to `out` as it is produced (a large schema is never held as text at once).
void write_yaml(const Database& db, std::ostream& out);
std::string to_yaml(const Database& db);
// Writes one file per table plus one file per schema for everything else into `dir`:
// <dir>/<schema>.yaml and <dir>/<schema>/<table>.yaml. Removes nothing else.
void write_schema_dir(const Database& db, const std::filesystem::path& dir);

}  // namespace pgshift::schema
