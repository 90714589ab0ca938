// The desired schema in the server's own words: the YAML model is built in a scratch database
// (pgshift_shadow_<pid>_<random>) on the same server, then read back through introspection, so views,
// defaults, checks and index predicates compare in the catalog's canonical form and hand-written YAML
// never yields a perpetual diff. Hints (renamed_from, using, down_using) are carried over from the
// YAML model. The scratch database is dropped afterwards, whatever happened.
#pragma once

#include <string>
#include <vector>

#include "schema/model.hpp"

namespace pgshift::executor {

struct NormalizeResult {
  schema::Database desired;  // normalized through the server, or the input when that was not possible
  bool normalized = false;
  std::string warning;       // why it was not normalized (e.g. no CREATEDB privilege)
};

// Requires: `conninfo` reaches the server the plan is for. Throws pgshift::Error when the desired
// schema does not build on an empty database (the message names the failing step and the server error).
NormalizeResult normalize_through_server(const std::string& conninfo, const schema::Database& desired);

// Copies renamed_from / using / down_using hints from `from` onto the same objects of `to`.
void copy_hints(const schema::Database& from, schema::Database& to);

}  // namespace pgshift::executor
