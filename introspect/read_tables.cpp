// This file implements the table readers: tables (partitioning, RLS flags, persistence) and their
// columns (type, nullability, default, identity, generated expression, collation, comment).
// A partition's columns are its parent's: it lists only those with their own NOT NULL or DEFAULT
// (schema::normalize); one differing otherwise (generated, collation) is reported as unmanaged.
#include "introspect/catalog.hpp"

namespace pgshift::introspect {
namespace {

schema::Column read_column(const pqxx::row& row) {
  schema::Column col;
  col.name = text(row["attname"]);
  col.type = text(row["type"]);
  col.nullable = !row["attnotnull"].as<bool>();
  const std::string identity = text(row["attidentity"]);
  if (!identity.empty()) {
    schema::Identity id;
    id.generation = identity == "a" ? "always" : "by default";
    if (!row["seq_type"].is_null()) {
      set_non_default_options(id, sequence_options(row, "seq_type"));
    }
    col.identity = id;
  }
  // Canonicalised later (Catalog::defer_expr); until then `canonical` is empty.
  if (auto expr = opt_text(row["default_expr"])) {
    if (text(row["attgenerated"]) == "s") {
      col.generated = schema::Expr{*expr, ""};
    } else {
      col.default_value = schema::Expr{*expr, ""};
    }
  }
  col.collation = opt_text(row["collation"]);
  col.comment = opt_text(row["description"]);
  return col;
}

// Expressions are compared as printed: both come from the same server function.
std::optional<std::string> printed(const std::optional<schema::Expr>& e) {
  return e ? std::optional<std::string>(e->source) : std::nullopt;
}

bool same_as_parent(const schema::Column& col, const schema::Column& parent) {
  return col.nullable == parent.nullable && printed(col.default_value) == printed(parent.default_value) &&
         printed(col.generated) == printed(parent.generated) && col.collation == parent.collation;
}

void defer_column_exprs(Catalog& cat, schema::Table* table, size_t i) {
  const schema::Column& col = table->columns[i];
  const std::string what = table->name.display() + "." + col.name;
  if (col.default_value) {
    cat.defer_expr(col.default_value->source, "the default of column " + what,
                   [table, i]() -> schema::Expr& { return *table->columns[i].default_value; }, {col.type});
  }
  if (col.generated) {
    cat.defer_expr(col.generated->source, "the generated expression of column " + what,
                   [table, i]() -> schema::Expr& { return *table->columns[i].generated; }, {col.type});
  }
}

// Reports partition columns that differ from their parent's, for partitions whose parent was read.
void check_partition_columns(Catalog& cat, const std::map<schema::QualifiedName, uint32_t>& oid_by_name) {
  for (auto& [oid, rel] : cat.relations) {
    if (rel.table == nullptr || !rel.table->partition_of) {
      continue;
    }
    auto parent = oid_by_name.find(*rel.table->partition_of);
    if (parent == oid_by_name.end()) {
      continue;
    }
    const auto& parent_columns = cat.relations.at(parent->second).inherited_columns;
    for (const auto& col : rel.inherited_columns) {
      for (const auto& p : parent_columns) {
        if (p.name != col.name || same_as_parent(col, p)) {
          continue;
        }
        if (printed(col.generated) == printed(p.generated) && col.collation == p.collation) {
          // Its own NOT NULL or DEFAULT: the partition lists the column (schema::normalize).
          rel.table->columns.push_back(col);
          rel.table->columns.back().comment.reset();
          defer_column_exprs(cat, rel.table, rel.table->columns.size() - 1);
        } else {
          cat.unmanaged("partition column differing from its parent", rel.name.display() + "." + col.name);
        }
      }
      if (col.comment) {
        cat.unmanaged("comment on partition column", rel.name.display() + "." + col.name);
      }
    }
  }
}

}  // namespace

void read_tables(Catalog& cat) {
  for (const auto& row : cat.query("tables")) {
    schema::QualifiedName name{text(row["nspname"]), text(row["relname"])};
    auto& table = cat.db.schemas.at(name.schema).tables[name.name];
    table.name = name;
    if (auto key = opt_text(row["partition_by"])) {
      table.partition_by = canonical("the partition key of " + name.display(), *key,
                                     [](const std::string& s) { return schema::canonical_partition_by(s); });
    }
    if (!row["parent_name"].is_null()) {
      table.partition_of = schema::QualifiedName{text(row["parent_schema"]), text(row["parent_name"])};
      table.partition_bound = canonical("the partition bound of " + name.display(), text(row["partition_bound"]),
                                        [](const std::string& s) { return schema::canonical_partition_bound(s); });
    }
    table.rls_enabled = row["relrowsecurity"].as<bool>();
    table.rls_forced = row["relforcerowsecurity"].as<bool>();
    table.unlogged = row["unlogged"].as<bool>();
    table.comment = opt_text(row["description"]);
    Relation rel;
    rel.name = name;
    rel.table = &table;
    rel.grants = &table.grants;
    cat.relations[row["oid"].as<uint32_t>()] = std::move(rel);
  }
}

void read_columns(Catalog& cat) {
  std::map<schema::QualifiedName, uint32_t> oid_by_name;
  uint32_t current = 0;
  Relation* rel = nullptr;
  for (const auto& row : cat.query("columns")) {
    const auto oid = row["attrelid"].as<uint32_t>();
    if (rel == nullptr || oid != current) {
      current = oid;
      auto it = cat.relations.find(oid);
      rel = it == cat.relations.end() ? nullptr : &it->second;  // an extension's table
      if (rel != nullptr) {
        oid_by_name[rel->name] = oid;
      }
    }
    if (rel == nullptr) {
      continue;
    }
    schema::Column col = read_column(row);
    rel->attnames[row["attnum"].as<int>()] = col.name;
    // A soft-dropped column (planner/soft_drop.hpp k_trash_column_prefix) is not part of the schema:
    // plan, drift and inspect never see it. Its name stays in attnames for catalog rows that name it.
    if (col.name.rfind("_pgshift_trash_", 0) == 0) {
      continue;
    }
    // Parents keep a copy too, to compare their partitions' columns with.
    if (rel->table->partition_of || rel->table->partition_by) {
      rel->inherited_columns.push_back(col);
    }
    if (!rel->table->partition_of) {
      rel->table->columns.push_back(std::move(col));
      defer_column_exprs(cat, rel->table, rel->table->columns.size() - 1);
    }
  }
  check_partition_columns(cat, oid_by_name);
}

}  // namespace pgshift::introspect
