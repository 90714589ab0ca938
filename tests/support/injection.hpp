// The injection cases shared by the offline injection test (tests/schema/injection_test.cpp) and the
// one that plans and applies against PostgreSQL (tests/integration/injection_apply_test.cpp).
//
// Slots are generated, not listed: the JSON Schema of the YAML format (docs/schema.json) is walked
// alongside skeleton documents (tests/schema/data/injection/*.yaml), and every position where the
// schema allows a string (a value, a list item, or the key of a map of names) becomes a slot that
// can take a payload. A field added to the JSON Schema becomes a slot without editing the test; a
// string position the skeletons cannot reach is reported as uncovered.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace pgshift::test {

// The SQL every payload tries to run: a role is cluster-wide, so its existence after a run proves
// that a payload executed in any database, scratch or target.
inline constexpr const char* k_injection_marker = "pgshift_pwned";

// One step of a path into a YAML document: a map key, a list index, or the renaming of a map key.
struct PathStep {
  enum Kind { key, index, rename } kind;
  std::string name;  // the key, or the key to rename
  size_t at = 0;
};

struct InjectionSlot {
  std::string skeleton;  // file name of the skeleton document
  std::string path;      // where the value goes: "schemas.s1.tables.parent.columns[0].name", "...<key x>"
  std::string pointer;   // the JSON Schema node that allows a string there
  std::vector<PathStep> steps;
  std::string original;  // the skeleton's value there ("" when the slot adds a value)
  // The skeleton document with `value` at this slot, as YAML text; throws std::runtime_error when
  // YAML cannot carry the value.
  std::function<std::string(const std::string& value)> with;
};

// The skeleton `skeleton` with several slots set at once (values first, then key renames, deepest
// first, so that every path stays valid), as YAML text.
std::string with_values(const std::string& skeleton, const std::vector<std::pair<const InjectionSlot*, std::string>>& values);

struct InjectionPayload {
  std::string name;
  std::string value;  // contains k_injection_marker, except where noted in the name
};

// Every slot of every skeleton; `covered` receives the JSON Schema pointers reached.
std::vector<InjectionSlot> injection_slots(std::set<std::string>& covered);
// Every JSON Schema pointer at which a string is allowed (the set `covered` must equal).
std::set<std::string> string_positions();
// Statement breaks in every quoting context, a comment, dollar quotes, unicode escapes, a NUL,
// invalid UTF-8 and a very long value. `variant` makes each payload distinct (for documents that
// carry many payloads at once).
std::vector<InjectionPayload> injection_payloads(int variant = 0);
// The skeleton documents' texts, by file name.
std::vector<std::pair<std::string, std::string>> injection_skeletons();

}  // namespace pgshift::test
