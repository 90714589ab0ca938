// This file implements the checks that need the whole model, run once every file is read:
// types that must exist, and foreign keys that must point at existing tables and columns.
#include <array>

#include "schema/sql_text.hpp"
#include "schema/type_names.hpp"
#include "schema/yaml_reader.hpp"
#include "util/strings.hpp"

namespace pgshift::schema::yaml_detail {

namespace {

// Types that well-known extensions add; an extension not listed here may add any type.
const std::map<std::string, std::vector<std::string>>& extension_types() {
  static const std::map<std::string, std::vector<std::string>> types = {
      {"citext", {"citext"}},
      {"hstore", {"hstore"}},
      {"postgis", {"geometry", "geography", "box2d", "box3d"}},
      {"vector", {"vector", "halfvec", "sparsevec"}},
      {"ltree", {"ltree", "lquery", "ltxtquery"}},
      {"cube", {"cube"}},
      {"seg", {"seg"}},
      {"earthdistance", {"earth"}},
      {"isn", {"ean13", "isbn", "isbn13", "ismn", "ismn13", "issn", "issn13", "upc"}},
      {"pgcrypto", {}},
      {"uuid-ossp", {}},
      {"pg_trgm", {}},
      {"btree_gist", {}},
      {"btree_gin", {}},
      {"pg_stat_statements", {}},
      {"intarray", {}},
      {"unaccent", {}},
      {"fuzzystrmatch", {}},
      {"tablefunc", {}},
  };
  return types;
}

bool extension_may_define(const Database& db, const std::string& name) {
  for (const auto& [ext, _] : db.extensions) {
    auto it = extension_types().find(ext);
    if (it == extension_types().end()) {
      return true;
    }
    if (std::find(it->second.begin(), it->second.end(), name) != it->second.end()) {
      return true;
    }
  }
  return false;
}

bool schema_defines_type(const Schema& s, const std::string& name) {
  return s.enums.contains(name) || s.domains.contains(name) || s.types.contains(name) || s.tables.contains(name) ||
         s.views.contains(name);
}

std::vector<std::string> type_candidates(const Database& db, const std::string& schema) {
  std::vector<std::string> out = {"text", "integer", "bigint", "smallint", "boolean", "numeric", "uuid", "jsonb",
                                  "json", "date", "bytea", "real", "double precision", "character varying",
                                  "timestamp with time zone", "timestamp without time zone", "interval", "inet"};
  if (auto s = db.schemas.find(schema); s != db.schemas.end()) {
    for (const auto& [name, _] : s->second.enums) out.push_back(name);
    for (const auto& [name, _] : s->second.domains) out.push_back(name);
    for (const auto& [name, _] : s->second.types) out.push_back(name);
  }
  return out;
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

}  // namespace

std::optional<std::string> check_type(LoadState& state, const SourceLocation& where, const std::string& type,
                                      const std::string& schema, const std::string& what) {
  if (is_builtin_type(type)) {
    return type;
  }
  std::string base = type_base(type);
  std::vector<std::string> parts = split_qualified(base);
  if (parts.empty() || parts.size() > 2) {
    state.error(where, what + ": malformed type name " + quoted(type));
    return std::nullopt;
  }
  auto defines = [&](const std::string& schema_name) {
    auto s = state.db.schemas.find(schema_name);
    return s != state.db.schemas.end() && schema_defines_type(s->second, parts.back());
  };
  if (parts.size() == 2) {
    if (defines(parts[0]) || !state.db.schemas.contains(parts[0]) || extension_may_define(state.db, parts.back())) {
      return type;  // defined, or in a schema pgshift does not see into
    }
  } else if (defines("public") || extension_may_define(state.db, parts.back())) {
    return type;
  } else if (schema != "public" && defines(schema)) {
    return quote_ident_if_needed(schema) + "." + type;  // as format_type prints it with search_path = public
  }
  std::string type_schema = parts.size() == 2 ? parts[0] : schema;
  std::string message = what + ": unknown type " + quoted(type);
  std::string near = util::nearest(base, type_candidates(state.db, type_schema));
  if (!near.empty()) {
    message += "; did you mean " + quoted(near) + "?";
  }
  std::string hint;
  if (parts.size() == 1) {
    for (const auto& [name, other] : state.db.schemas) {
      if (name != schema && schema_defines_type(other, parts.back())) {
        hint = "a type of another schema is written qualified: " + quote_ident_if_needed(name) + "." + base;
      }
    }
  }
  state.error(where, message, hint);
  return std::nullopt;
}

void check_foreign_key(LoadState& state, const QualifiedName& owner, const ForeignKey& fk,
                       const SourceLocation& where, const std::string& what) {
  auto s = state.db.schemas.find(fk.ref_table.schema);
  if (s == state.db.schemas.end() || fk.ref_table.name.empty()) {
    return;  // a table in a schema pgshift does not manage
  }
  const Table* target = state.db.find_table(fk.ref_table);
  if (target == nullptr) {
    std::vector<std::string> names;
    for (const auto& [name, _] : s->second.tables) names.push_back(name);
    std::string near = util::nearest(fk.ref_table.name, names);
    state.error(where, what + ": unknown table " + fk.ref_table.display() +
                           (near.empty() ? "" : "; did you mean " + quoted(near) + "?"));
    return;
  }
  std::vector<std::string> columns = fk.ref_columns;
  if (columns.empty()) {
    if (!target->primary_key) {
      state.error(where, what + ": table " + fk.ref_table.display() + " has no primary key",
                  "list the referenced columns in `references: {columns: [...]}`");
      return;
    }
    columns = target->primary_key->columns;
    if (Table* t = state.db.find_table(owner); t != nullptr && t->foreign_keys.contains(fk.name)) {
      t->foreign_keys[fk.name].ref_columns = columns;
    }
  }
  for (const auto& column : columns) {
    if (target->find_column(column) == nullptr) {
      state.error(where, what + ": table " + fk.ref_table.display() + " has no column " + quoted(column));
    }
  }
  if (!fk.columns.empty() && columns.size() != fk.columns.size()) {
    state.error(where, what + ": " + std::to_string(fk.columns.size()) + " column(s) reference " +
                           std::to_string(columns.size()) + " column(s)");
  }
}

void validate(LoadState& state) {
  // Checks may append further checks; index-based iteration stays valid.
  for (size_t i = 0; i < state.checks.size(); ++i) {
    DeferredCheck check = state.checks[i];
    check(state);
  }
}

}  // namespace pgshift::schema::yaml_detail
