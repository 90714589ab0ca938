// This file implements introspect(): one read-only snapshot, the readers in dependency order
// (later readers find earlier objects by oid), then normalize(). Also the database-wide readers:
// schemas, extensions, default privileges' schema filter and unmanaged objects.
#include "introspect/introspect.hpp"

#include <algorithm>

#include "introspect/catalog.hpp"
#include "util/error.hpp"

namespace pgshift::introspect {
namespace {

// Settings that change how the server prints types, literals and names: fixed, like pg_dump does,
// so two runs from differently configured sessions print the same text.
constexpr const char* k_session_settings =
    "SET LOCAL search_path = public; "
    "SET LOCAL DateStyle = 'ISO, MDY'; "
    "SET LOCAL IntervalStyle = 'postgres'; "
    "SET LOCAL TimeZone = 'UTC'; "
    "SET LOCAL extra_float_digits = 3; "
    "SET LOCAL quote_all_identifiers = off; "
    "SET LOCAL standard_conforming_strings = on; "
    "SET LOCAL bytea_output = 'hex'; "
    // the catalog queries run through cursors (RowStream) and are read whole: plan for all rows
    "SET LOCAL cursor_tuple_fraction = 1.0";

// The comment initdb puts on the public schema; reading it would make every schema file say it.
constexpr const char* k_builtin_public_comment = "standard public schema";

}  // namespace

void read_schemas(Catalog& cat, const std::vector<std::string>& wanted) {
  std::set<std::string> missing(wanted.begin(), wanted.end());
  std::vector<std::string> oids;
  for (const auto& row : cat.query_database("schemas")) {
    std::string name = text(row["nspname"]);
    if (!wanted.empty() && missing.erase(name) == 0) {
      continue;
    }
    auto& schema = cat.db.schemas[name];
    schema.name = name;
    schema.comment = opt_text(row["description"]);
    if (name == "public" && schema.comment == k_builtin_public_comment) {
      schema.comment.reset();
    }
    cat.schemas[row["oid"].as<uint32_t>()] = &schema;
    oids.push_back(text(row["oid"]));
  }
  if (!missing.empty()) {
    throw Error("schema \"" + *missing.begin() + "\" does not exist in the database", std::nullopt,
                "pg_catalog, information_schema and pgshift's own schemas cannot be inspected");
  }
  std::string list = "{";
  for (size_t i = 0; i < oids.size(); ++i) {
    list += (i == 0 ? "" : ",") + oids[i];
  }
  cat.schema_oids = list + "}";
}

void read_extensions(Catalog& cat) {
  for (const auto& row : cat.query_database("extensions")) {
    schema::Extension ext;
    ext.name = text(row["extname"]);
    std::string schema = text(row["nspname"]);
    if (schema != "public") {
      ext.schema = schema;
    }
    ext.version = text(row["extversion"]);
    if (!row["default_version"].is_null()) {
      ext.default_version = text(row["default_version"]);
    }
    cat.db.extensions[ext.name] = std::move(ext);
  }
}

void read_unmanaged(Catalog& cat) {
  for (const auto& row : cat.query("unmanaged")) {
    cat.unmanaged(text(row["kind"]), text(row["name"]));
  }
}

schema::Database introspect(pqxx::connection& conn, const IntrospectOptions& options) {
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> txn(conn, "pgshift_introspect");
  txn.exec(k_session_settings);
  Catalog cat(txn, options.managed_roles);
  read_schemas(cat, options.schemas);
  read_extensions(cat);
  read_enums(cat);
  read_domains(cat);
  read_composites(cat);
  read_sequences(cat);
  read_tables(cat);
  read_columns(cat);
  read_constraints(cat);
  read_views(cat);
  read_indexes(cat);
  read_functions(cat);
  read_aggregates(cat);
  read_triggers(cat);
  read_policies(cat);
  if (cat.reads_grants()) {
    read_grants(cat);
    read_default_privileges(cat);
  }
  read_dependencies(cat);
  read_unmanaged(cat);
  txn.commit();
  cat.resolve_expressions();

  schema::Database db = std::move(cat.db);
  db.unmanaged.assign(cat.unmanaged_objects.begin(), cat.unmanaged_objects.end());
  db.managed_roles = options.managed_roles;
  std::sort(db.managed_roles.begin(), db.managed_roles.end());
  db.managed_roles.erase(std::unique(db.managed_roles.begin(), db.managed_roles.end()), db.managed_roles.end());
  schema::normalize(db);
  return db;
}

}  // namespace pgshift::introspect
