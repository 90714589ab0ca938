// This file implements the readers of types and sequences: enums (label order), domains with
// their checks, stand-alone composite types, and sequences with their OWNED BY column.
#include "introspect/catalog.hpp"

namespace pgshift::introspect {
namespace {

schema::Schema& schema_of(Catalog& cat, const pqxx::row& row) { return cat.db.schemas.at(text(row["nspname"])); }

schema::QualifiedName name_of(const pqxx::row& row, const char* column) {
  return {text(row["nspname"]), text(row[column])};
}

}  // namespace

void read_enums(Catalog& cat) {
  uint32_t current = 0;
  schema::Enum* type = nullptr;
  for (const auto& row : cat.query("enums")) {
    const auto oid = row["oid"].as<uint32_t>();
    if (type == nullptr || oid != current) {
      current = oid;
      auto name = name_of(row, "typname");
      type = &schema_of(cat, row).enums[name.name];
      type->name = name;
      type->comment = opt_text(row["description"]);
    }
    if (!row["enumlabel"].is_null()) {
      type->values.push_back({text(row["enumlabel"]), std::nullopt});
    }
  }
}

void read_domains(Catalog& cat) {
  uint32_t current = 0;
  schema::Domain* domain = nullptr;
  for (const auto& row : cat.query("domains")) {
    const auto oid = row["oid"].as<uint32_t>();
    if (domain == nullptr || oid != current) {
      current = oid;
      auto name = name_of(row, "typname");
      domain = &schema_of(cat, row).domains[name.name];
      domain->name = name;
      domain->type = text(row["base_type"]);
      domain->nullable = !row["typnotnull"].as<bool>();
      if (auto def = opt_text(row["default_expr"])) {
        domain->default_value = schema::Expr{*def, ""};
        cat.defer_expr(*def, "the default of domain " + name.display(),
                       [domain]() -> schema::Expr& { return *domain->default_value; }, {domain->type});
      }
      domain->collation = opt_text(row["collation"]);
      domain->comment = opt_text(row["description"]);
    }
    if (auto expr = opt_text(row["check_expr"])) {
      std::string check_name = text(row["conname"]);
      auto& check = domain->checks[check_name];
      check = {check_name, {*expr, ""}};
      cat.defer_expr(*expr, "check " + check_name + " of domain " + domain->name.display(),
                     [&check]() -> schema::Expr& { return check.expression; });
    }
  }
}

void read_composites(Catalog& cat) {
  uint32_t current = 0;
  schema::CompositeType* type = nullptr;
  for (const auto& row : cat.query("composites")) {
    const auto oid = row["oid"].as<uint32_t>();
    if (type == nullptr || oid != current) {
      current = oid;
      auto name = name_of(row, "typname");
      type = &schema_of(cat, row).types[name.name];
      type->name = name;
      type->comment = opt_text(row["description"]);
    }
    if (!row["attname"].is_null()) {
      type->attributes.push_back({text(row["attname"]), text(row["type"]), opt_text(row["collation"])});
    }
  }
}

void read_sequences(Catalog& cat) {
  for (const auto& row : cat.query("sequences")) {
    auto name = name_of(row, "relname");
    auto& seq = schema_of(cat, row).sequences[name.name];
    seq.name = name;
    const SequenceOptions options = sequence_options(row, "type");
    seq.type = options.type;
    set_non_default_options(seq, options);
    if (!row["owner_table"].is_null()) {
      std::string owner_schema = text(row["owner_schema"]);
      std::string prefix = owner_schema == name.schema ? "" : owner_schema + ".";
      seq.owned_by = prefix + text(row["owner_table"]) + "." + text(row["owner_column"]);
    }
    seq.comment = opt_text(row["description"]);
    Relation rel;
    rel.name = name;
    rel.grants = &seq.grants;
    cat.relations[row["oid"].as<uint32_t>()] = std::move(rel);
  }
}

}  // namespace pgshift::introspect
