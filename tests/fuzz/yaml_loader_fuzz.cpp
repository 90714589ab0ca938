// libFuzzer target for the YAML schema loader: any input either loads (and then writes back as YAML
// without trouble) or is refused with pgshift::Error (file:line:column diagnostics). Anything else
// (another exception, a crash, a sanitizer report, a leak) is a bug. Built by scripts/fuzz with clang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "schema/yaml_io.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    pgshift::schema::Database db = pgshift::schema::load_schema_text(text, "fuzz.yaml");
    std::string yaml = pgshift::schema::to_yaml(db);
    // What the loader accepted and wrote back must load again.
    (void)pgshift::schema::load_schema_text(yaml, "fuzz-roundtrip.yaml");
  } catch (const pgshift::Error&) {
    // refused with a diagnostic: fine
  }
  return 0;
}
