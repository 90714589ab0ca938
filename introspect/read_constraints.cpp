// This file implements the readers of table constraints (primary key, unique, check, foreign key,
// exclusion) and of indexes that back no constraint, on tables and materialized views.
#include "introspect/catalog.hpp"

namespace pgshift::introspect {
namespace {

std::vector<std::string> column_names(const Relation& rel, const std::vector<int>& attnums) {
  std::vector<std::string> names;
  for (int attnum : attnums) {
    names.push_back(rel.attnames.at(attnum));
  }
  return names;
}

std::string fk_action(const std::string& code) {
  switch (code.empty() ? 'a' : code[0]) {
    case 'r': return "restrict";
    case 'c': return "cascade";
    case 'n': return "set null";
    case 'd': return "set default";
    default: return "no action";
  }
}

std::string fk_match(const std::string& code) {
  if (code == "f") {
    return "full";
  }
  return code == "p" ? "partial" : "simple";
}

// The referenced columns of a foreign key: by attnum when the referenced table was read, else as
// the query named them.
std::vector<std::string> ref_columns(const Catalog& cat, const pqxx::row& row) {
  auto it = cat.relations.find(row["confrelid"].as<uint32_t>());
  if (it == cat.relations.end()) {
    return text_array(row["ref_columns"]);
  }
  return column_names(it->second, int_list(row["confkey"]));
}

void add_constraint(Catalog& cat, schema::Table& table, const Relation& rel, const pqxx::row& row) {
  const std::string name = text(row["conname"]);
  const std::string type = text(row["contype"]);
  const auto columns = column_names(rel, int_list(row["conkey"]));
  const auto comment = opt_text(row["description"]);
  const bool deferrable = row["condeferrable"].as<bool>();
  const bool deferred = row["condeferred"].as<bool>();
  if (type == "p") {
    table.primary_key = schema::PrimaryKey{name, columns, comment, deferrable, deferred};
  } else if (type == "u") {
    schema::UniqueConstraint u{name, columns};
    u.nulls_not_distinct = row["indnullsnotdistinct"].as<bool>(false);
    u.deferrable = deferrable;
    u.initially_deferred = deferred;
    u.comment = comment;
    table.uniques[name] = std::move(u);
  } else if (type == "c") {
    const std::string expr = text(row["check_expr"]);
    auto& c = table.checks[name];
    c = {name, {expr, ""}};
    c.no_inherit = row["connoinherit"].as<bool>();
    c.comment = comment;
    cat.defer_expr(expr, "check " + name + " of " + rel.name.display(),
                   [&c]() -> schema::Expr& { return c.expression; });
  } else if (type == "f") {
    schema::ForeignKey fk{name, columns, {text(row["ref_schema"]), text(row["ref_table"])}, ref_columns(cat, row)};
    fk.on_update = fk_action(text(row["confupdtype"]));
    fk.on_delete = fk_action(text(row["confdeltype"]));
    fk.match = fk_match(text(row["confmatchtype"]));
    fk.deferrable = deferrable;
    fk.initially_deferred = deferred;
    fk.comment = comment;
    table.foreign_keys[name] = std::move(fk);
  } else if (type == "x") {
    const std::string what = "exclusion constraint " + name + " of " + rel.name.display();
    auto definition =
        canonical(what, text(row["definition"]), [](const std::string& s) { return schema::make_exclusion(s); });
    table.exclusions[name] = schema::ExclusionConstraint{name, std::move(definition), comment};
  }
}

// One key element of an index from its row: column or expression (canonicalised later), direction,
// opclass, collation.
schema::IndexElem index_elem(const Relation& rel, const pqxx::row& row) {
  schema::IndexElem elem;
  const int attnum = row["attnum"].as<int>();
  if (attnum == 0) {
    elem.expression = schema::Expr{text(row["expression"]), ""};
  } else {
    elem.column = rel.attnames.at(attnum);
  }
  elem.collation = opt_text(row["collation"]);
  elem.opclass = opt_text(row["opclass"]);
  const int option = row["opt"].as<int>(0);
  elem.descending = (option & 1) != 0;
  const bool nulls_first = (option & 2) != 0;
  if (nulls_first != elem.descending) {
    elem.nulls_first = nulls_first;
  }
  return elem;
}

std::map<std::string, schema::Index>* index_map(Relation& rel) {
  if (rel.table != nullptr) {
    return &rel.table->indexes;
  }
  return rel.view != nullptr ? &rel.view->indexes : nullptr;
}

}  // namespace

void read_constraints(Catalog& cat) {
  for (const auto& row : cat.query("constraints")) {
    auto it = cat.relations.find(row["conrelid"].as<uint32_t>());
    if (it != cat.relations.end() && it->second.table != nullptr) {
      add_constraint(cat, *it->second.table, it->second, row);
    }
  }
}

void read_indexes(Catalog& cat) {
  uint32_t current = 0;
  schema::Index* index = nullptr;
  Relation* rel = nullptr;
  for (const auto& row : cat.query("indexes")) {
    const auto oid = row["indexrelid"].as<uint32_t>();
    if (index == nullptr || oid != current) {
      current = oid;
      index = nullptr;
      auto it = cat.relations.find(row["indrelid"].as<uint32_t>());
      rel = it == cat.relations.end() ? nullptr : &it->second;
      auto* indexes = rel == nullptr ? nullptr : index_map(*rel);
      const std::string name = text(row["index_name"]);
      if (indexes == nullptr || !row["indisvalid"].as<bool>()) {
        continue;  // an invalid index (failed CONCURRENTLY build) is reported as unmanaged
      }
      index = &(*indexes)[name];
      index->name = name;
      index->method = text(row["amname"]);
      index->unique = row["indisunique"].as<bool>();
      index->nulls_not_distinct = row["indnullsnotdistinct"].as<bool>();
      if (auto predicate = opt_text(row["predicate"])) {
        index->where = schema::Expr{*predicate, ""};
        cat.defer_expr(*predicate, "the predicate of index " + rel->name.schema + "." + name,
                       [index]() -> schema::Expr& { return *index->where; });
      }
      for (const auto& option : text_array(row["reloptions"])) {
        const auto eq = option.find('=');
        index->storage_parameters[option.substr(0, eq)] = eq == std::string::npos ? "true" : option.substr(eq + 1);
      }
      index->comment = opt_text(row["description"]);
    }
    if (index == nullptr) {
      continue;
    }
    if (row["ord"].as<int>() <= row["indnkeyatts"].as<int>()) {
      index->elems.push_back(index_elem(*rel, row));
      if (index->elems.back().expression) {
        const size_t k = index->elems.size() - 1;
        cat.defer_expr(index->elems.back().expression->source,
                       "an expression of index " + rel->name.schema + "." + index->name,
                       [index, k]() -> schema::Expr& { return *index->elems[k].expression; });
      }
    } else {
      index->include.push_back(rel->attnames.at(row["attnum"].as<int>()));
    }
  }
}

}  // namespace pgshift::introspect
