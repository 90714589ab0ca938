// This file implements the classification of canonical type names (type_names.hpp).
#include "schema/type_names.hpp"

#include <algorithm>
#include <array>

#include "schema/sql_text.hpp"

namespace pgshift::schema {

namespace {

// format_type() spellings of the pg_catalog types a schema can use.
constexpr std::array k_builtin_types = {
    "aclitem", "bigint", "bit", "bit varying", "boolean", "box", "bpchar", "bytea", "\"char\"", "character",
    "character varying", "cid", "cidr", "circle", "cstring", "date", "datemultirange", "daterange",
    "double precision", "event_trigger", "gtsvector", "inet", "int2vector", "int4multirange", "int4range",
    "int8multirange", "int8range", "integer", "internal", "interval", "json", "jsonb", "jsonpath",
    "language_handler", "line", "lseg", "macaddr", "macaddr8", "money", "name", "numeric", "nummultirange",
    "numrange", "oid", "oidvector", "path", "pg_lsn", "pg_snapshot", "point", "polygon", "real", "record",
    "refcursor", "regclass", "regcollation", "regconfig", "regdictionary", "regnamespace", "regoper",
    "regoperator", "regproc", "regprocedure", "regrole", "regtype", "smallint", "text", "tid",
    "time with time zone", "time without time zone", "timestamp with time zone", "timestamp without time zone",
    "trigger", "tsmultirange", "tsquery", "tsrange", "tstzmultirange", "tstzrange", "tsvector", "txid_snapshot",
    "unknown", "uuid", "void", "xid", "xid8", "xml", "anyelement", "anyarray", "anynonarray", "anyenum",
    "anyrange", "anymultirange", "anycompatible", "anycompatiblearray", "anycompatiblenonarray",
    "anycompatiblerange", "anycompatiblemultirange", "fdw_handler", "index_am_handler", "table_am_handler",
    "tsm_handler", "pg_node_tree",
};

constexpr std::array k_numeric_types = {"smallint", "integer", "bigint", "numeric", "real", "double precision"};

// Interval field spellings after "interval": "interval day to second(3)" -> "interval".
std::string strip_interval_fields(std::string base) {
  if (base.rfind("interval ", 0) == 0) {
    return "interval";
  }
  return base;
}

std::string last_part(std::string_view name) {
  std::vector<std::string> parts = split_qualified(name);
  return parts.empty() ? std::string(name) : parts.back();
}

}  // namespace

std::string type_base(std::string_view canonical_type) {
  std::string out;
  int depth = 0;
  bool quoted = false;
  for (char c : canonical_type) {
    if (c == '"') {
      quoted = !quoted;
    }
    if (!quoted && c == '(') {
      ++depth;
    } else if (!quoted && c == ')') {
      --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
  while (out.size() >= 2 && out.compare(out.size() - 2, 2, "[]") == 0) {
    out.resize(out.size() - 2);
  }
  return strip_interval_fields(out);
}

bool type_is_array(std::string_view canonical_type) {
  return canonical_type.size() >= 2 && canonical_type.substr(canonical_type.size() - 2) == "[]";
}

bool is_builtin_type(std::string_view canonical_type) {
  std::string base = type_base(canonical_type);
  return std::find(k_builtin_types.begin(), k_builtin_types.end(), base) != k_builtin_types.end();
}

bool is_numeric_type(std::string_view canonical_type) {
  if (type_is_array(canonical_type)) {
    return false;
  }
  std::string base = type_base(canonical_type);
  return std::find(k_numeric_types.begin(), k_numeric_types.end(), base) != k_numeric_types.end();
}

bool same_base_type(std::string_view a, std::string_view b) {
  if (type_is_array(a) != type_is_array(b)) {
    return false;
  }
  auto normal = [](std::string_view t) {
    std::string base = type_base(t);
    return base == "bpchar" ? std::string("character") : base;
  };
  std::string base_a = normal(a), base_b = normal(b);
  if (base_a == base_b) {
    return true;
  }
  bool qualified_a = split_qualified(base_a).size() > 1, qualified_b = split_qualified(base_b).size() > 1;
  return qualified_a != qualified_b && last_part(base_a) == last_part(base_b);
}

}  // namespace pgshift::schema
