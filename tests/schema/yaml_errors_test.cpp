// Pins the whole error text of malformed schema files: tests/schema/errors/<case>.yaml (or a
// directory <case>/ of files) next to <case>.expected. PGSHIFT_UPDATE_GOLDEN=1 rewrites the
// .expected files; review the diff like code.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "schema/yaml_io.hpp"

using namespace pgshift::schema;
namespace fs = std::filesystem;

namespace {

const fs::path k_errors_dir = fs::path(PGSHIFT_TESTS_DIR) / "schema" / "errors";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The error text of loading a case, with the file names relative to tests/schema/.
std::string load_error(const fs::path& input) {
  try {
    if (fs::is_directory(input)) {
      load_schema(input);
    } else {
      load_schema_text(read(input), "errors/" + input.filename().string());
    }
  } catch (const SchemaErrors& e) {
    std::string text = e.what();
    std::string prefix = (fs::path(PGSHIFT_TESTS_DIR) / "schema").string() + "/";
    for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix)) {
      text.erase(at, prefix.size());
    }
    return text + "\n";
  }
  return "(no error)\n";
}

std::vector<fs::path> cases() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(k_errors_dir)) {
    if (entry.is_directory() || entry.path().extension() == ".yaml") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("malformed schema files give the pinned diagnostics") {
  std::vector<fs::path> inputs = cases();
  REQUIRE(inputs.size() >= 25);
  bool update = std::getenv("PGSHIFT_UPDATE_GOLDEN") != nullptr;
  for (const auto& input : inputs) {
    std::string name = input.stem().string();
    DYNAMIC_SECTION(name) {
      fs::path expected_path = k_errors_dir / (name + ".expected");
      std::string actual = load_error(input);
      if (update) {
        std::ofstream(expected_path, std::ios::binary) << actual;
      }
      REQUIRE(fs::exists(expected_path));
      CHECK(actual == read(expected_path));
    }
  }
}

TEST_CASE("every diagnostic carries its location, and the combined error lists them all") {
  try {
    load_schema_text("schemas:\n  public:\n    tables:\n      t:\n        columns:\n"
                     "          - {name: a, type: txt}\n          - {name: b, type: nope}\n",
                     "two.yaml");
    FAIL("no error");
  } catch (const SchemaErrors& e) {
    REQUIRE(e.diagnostics().size() == 2);
    CHECK(e.diagnostics()[0].where()->line == 6);
    CHECK(e.diagnostics()[1].where()->line == 7);
    CHECK(e.diagnostics()[1].where()->column == 29);
    CHECK(std::string(e.what()).find("2 errors") != std::string::npos);
    CHECK(e.render() == e.message());
  }
}

TEST_CASE("a missing file or an empty directory is an error") {
  CHECK_THROWS_AS(load_schema(k_errors_dir / "does_not_exist.yaml"), pgshift::Error);
  fs::path empty = fs::temp_directory_path() / "pgshift_empty_schema_dir";
  fs::create_directories(empty);
  CHECK_THROWS_WITH(load_schema(empty), "no *.yaml or *.yml files in " + empty.string());
  fs::remove_all(empty);
}

TEST_CASE("an empty file is an empty schema") {
  CHECK(load_schema_text("", "empty.yaml") == Database{});
  CHECK(load_schema_text("# nothing\n", "empty.yaml") == Database{});
}
