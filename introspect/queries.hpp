// The catalog queries in introspect/queries/<name>.sql, embedded at build time (embed_queries.cmake).
#pragma once

#include <string>

namespace pgshift::introspect {

// The text of queries/<name>.sql. Throws std::logic_error for an unknown name.
const std::string& named_query(const std::string& name);

}  // namespace pgshift::introspect
