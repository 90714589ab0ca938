// This file implements reading a table: columns and constraints. Indexes, triggers and policies
// are read in yaml_read_objects.cpp. References to the table's own columns are checked when the
// table is complete; references to other objects are checked once every file is read.
#include <algorithm>

#include "schema/sql_text.hpp"
#include "schema/yaml_reader.hpp"
#include "util/strings.hpp"

namespace pgshift::schema::yaml_detail {

namespace {

const std::vector<std::string> k_table_keys = {
    "columns", "primary_key", "unique", "checks", "foreign_keys", "exclusions", "indexes", "triggers", "policies",
    "rls", "partition_by", "partition_of", "unlogged", "comment", "grants", "renamed_from"};
const std::vector<std::string> k_column_keys = {"name",    "type",       "nullable",     "default",
                                                "identity", "generated", "collation",    "comment",
                                                "renamed_from", "using",  "down_using"};
const std::vector<std::string> k_identity_keys = {"generation", "start", "increment", "min", "max", "cache", "cycle"};
const std::vector<std::string> k_primary_key_keys = {"name", "columns", "comment", "deferrable", "initially_deferred"};
const std::vector<std::string> k_unique_keys = {"columns", "nulls_not_distinct", "deferrable", "initially_deferred",
                                                "comment", "renamed_from"};
const std::vector<std::string> k_check_keys = {"expression", "no_inherit", "comment", "renamed_from"};
const std::vector<std::string> k_foreign_key_keys = {"columns",    "references",         "on_delete", "on_update",
                                                     "match",      "deferrable",         "initially_deferred",
                                                     "comment",    "renamed_from"};
const std::vector<std::string> k_references_keys = {"schema", "table", "columns"};
const std::vector<std::string> k_exclusion_keys = {"definition", "comment"};
const std::vector<std::string> k_rls_keys = {"enabled", "forced"};
const std::vector<std::string> k_partition_of_keys = {"schema", "table", "bound"};
const std::vector<std::string> k_actions = {"no action", "restrict", "cascade", "set null", "set default"};

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

}  // namespace

std::optional<std::string> normalize_collation(const std::string& text) {
  if (!text.empty() && text[0] == '"') {
    std::vector<std::string> parts = parse_sql_name(text);
    if (parts.size() == 1 || (parts.size() == 2 && (parts[0] == "pg_catalog" || parts[0] == "public"))) {
      return parts.back();
    }
    if (parts.size() == 2) {
      return quote_ident(parts[0]) + "." + quote_ident(parts[1]);
    }
    return std::nullopt;
  }
  for (const char* prefix : {"pg_catalog.", "public."}) {
    if (util::starts_with(text, prefix)) {
      return text.substr(std::string_view(prefix).size());
    }
  }
  return text;
}

void Reader::define_constraint(const Table& table, const std::string& name, std::string_view kind, bool has_index,
                               const SourceLocation& where) {
  std::string description = std::string(kind) + " " + quoted(name) + " on table " + table.name.display();
  define("con:" + table.name.display() + "." + name, description, where);
  if (has_index) {
    define("rel:" + table.name.schema + "." + name, description, where);
  }
}

void Reader::read_table(Schema& schema, const Field& field) {
  Table table;
  table.name = {schema.name, field.name};
  std::string display = table.name.display();
  if (define("rel:" + display, "table " + display, at(field.key))) {
    define("type:" + display, "table " + display, at(field.key));
  }
  bool fresh = !schema.tables.contains(field.name);
  if (field.value && !field.value.IsNull() && expect_map(field, "table `" + field.name + "`")) {
    std::vector<Field> all = fields(field.value, "table", k_table_keys);
    // Columns first: constraints and indexes refer to them.
    for (const Field& f : all) {
      if (f.name == "columns" && expect_list(f, "`columns`")) {
        for (const Field& item : items(f)) read_column(table, item);
      }
    }
    for (const Field& f : all) {
      if (f.name == "columns") continue;
      else if (f.name == "primary_key") read_primary_key(table, f);
      else if (f.name == "unique") read_uniques(table, f);
      else if (f.name == "checks") read_checks(table, f);
      else if (f.name == "foreign_keys") read_foreign_keys(table, f);
      else if (f.name == "exclusions") read_exclusions(table, f);
      else if (f.name == "indexes") read_indexes(table.indexes, table.name, f);
      else if (f.name == "triggers") read_triggers(table.triggers, table.name, &table, f);
      else if (f.name == "policies") read_policies(table, f);
      else if (f.name == "partition_of") read_partition_of(table, f);
      else if (f.name == "unlogged") table.unlogged = bool_value(f).value_or(false);
      else if (f.name == "comment") table.comment = string_value(f);
      else if (f.name == "grants") table.grants = grants(f);
      else if (f.name == "renamed_from") table.renamed_from = name_value(f);
      else if (f.name == "rls") {
        if (f.value.IsMap()) {
          for (const Field& r : fields(f.value, "rls", k_rls_keys)) {
            (r.name == "enabled" ? table.rls_enabled : table.rls_forced) = bool_value(r).value_or(false);
          }
        } else {
          table.rls_enabled = bool_value(f).value_or(false);
        }
      } else if (f.name == "partition_by") {
        if (auto text = string_value(f)) {
          try {
            table.partition_by = canonical_partition_by(*text);
          } catch (const SqlParseError& e) {
            sql_error(f, "partition key", e);
          }
        }
      }
    }
  }
  if (fresh) {
    schema.tables[field.name] = std::move(table);
  }
}

void Reader::read_column(Table& table, const Field& item) {
  if (!expect_map(item, "a column")) {
    return;
  }
  Column c;
  std::vector<Field> all = fields(item.value, "column", k_column_keys);
  auto find = [&](std::string_view name) -> const Field* {
    auto it = std::find_if(all.begin(), all.end(), [&](const Field& f) { return f.name == name; });
    return it == all.end() ? nullptr : &*it;
  };
  const Field* name = find("name");
  const Field* type = find("type");
  if (name == nullptr) {
    error(at(item), "column without `name`");
    return;
  }
  std::optional<std::string> column_name = name_value(*name);
  if (!column_name) {
    return;  // reported
  }
  c.name = *column_name;
  std::string what = "column " + quoted(c.name);
  if (table.find_column(c.name) != nullptr) {
    error(at(*name), what + " is already defined in table " + table.name.display());
    return;
  }
  if (type == nullptr) {
    error(at(item), what + " has no `type`");
  } else {
    auto slot = [owner = table.name, name = c.name](Database& db) -> std::string* {
      Table* t = db.find_table(owner);
      auto it = t == nullptr ? std::vector<Column>::iterator{}
                             : std::find_if(t->columns.begin(), t->columns.end(), [&](const Column& x) { return x.name == name; });
      return t == nullptr || it == t->columns.end() ? nullptr : &it->type;
    };
    c.type = this->type(*type, what, table.name.schema, slot).value_or("");
  }
  std::optional<bool> nullable;
  for (const Field& f : all) {
    if (f.name == "nullable") nullable = bool_value(f);
    else if (f.name == "default") c.default_value = expr(f, "default of " + what, ExprOptions{c.type});
    else if (f.name == "generated") c.generated = expr(f, "generation expression of " + what);
    else if (f.name == "collation") c.collation = collation(f);
    else if (f.name == "comment") c.comment = string_value(f);
    else if (f.name == "renamed_from") c.renamed_from = name_value(f);
    else if (f.name == "using") c.using_expr = expr(f, "`using` of " + what);
    else if (f.name == "down_using") c.down_using = expr(f, "`down_using` of " + what);
    else if (f.name == "identity") {
      Identity id;
      if (f.value.IsMap()) {
        for (const Field& g : fields(f.value, "identity", k_identity_keys)) {
          if (g.name == "generation") id.generation = one_of(g, {"always", "by default"}).value_or("by default");
          else if (g.name == "start") id.start = int_value(g);
          else if (g.name == "increment") id.increment = int_value(g);
          else if (g.name == "min") id.min_value = int_value(g);
          else if (g.name == "max") id.max_value = int_value(g);
          else if (g.name == "cache") id.cache = int_value(g);
          else if (g.name == "cycle") id.cycle = bool_value(g).value_or(false);
        }
      } else if (f.value.IsScalar() && (f.value.Scalar() == "true" || f.value.Scalar() == "yes")) {
        id.generation = "by default";
      } else {
        id.generation = one_of(f, {"always", "by default"}).value_or("by default");
      }
      c.identity = id;
    }
  }
  if (c.identity && nullable.value_or(false)) {
    error(at(*find("nullable")), what + ": an identity column cannot be nullable");
  }
  if (c.identity && (c.default_value || c.generated)) {
    error(at(item), what + ": an identity column cannot have a default or a generation expression");
  } else if (c.default_value && c.generated) {
    error(at(item), what + ": a generated column cannot have a default");
  }
  c.nullable = nullable.value_or(!c.identity);
  table.columns.push_back(std::move(c));
}

void Reader::read_primary_key(Table& table, const Field& f) {
  PrimaryKey pk;
  if (f.value.IsMap()) {
    for (const Field& g : fields(f.value, "primary key", k_primary_key_keys)) {
      if (g.name == "name") pk.name = name_value(g).value_or("");
      else if (g.name == "columns") pk.columns = name_list(g);
      else if (g.name == "comment") pk.comment = string_value(g);
      else if (g.name == "deferrable") pk.deferrable = bool_value(g).value_or(false);
      else if (g.name == "initially_deferred") pk.initially_deferred = bool_value(g).value_or(false);
    }
    if (pk.initially_deferred && !pk.deferrable) {
      error(at(f), "the primary key is initially_deferred but not deferrable", "add `deferrable: true`");
    }
  } else {
    pk.columns = name_list(f);
  }
  if (pk.columns.empty()) {
    error(at(f), "the primary key has no columns");
  }
  for (const auto& column : pk.columns) {
    require_column(table, column, "primary key", at(f));
  }
  std::string name = pk.name.empty() ? primary_key_name(table.name.name) : pk.name;
  define_constraint(table, name, "primary key", true, at(f.key));
  table.primary_key = pk;
}

void Reader::read_uniques(Table& table, const Field& field) {
  for (const Field& e : entries(field, "unique")) {
    UniqueConstraint u;
    u.name = e.name;
    if (e.value.IsMap()) {
      for (const Field& g : fields(e.value, "unique constraint", k_unique_keys)) {
        if (g.name == "columns") u.columns = name_list(g);
        else if (g.name == "nulls_not_distinct") u.nulls_not_distinct = bool_value(g).value_or(false);
        else if (g.name == "deferrable") u.deferrable = bool_value(g).value_or(false);
        else if (g.name == "initially_deferred") u.initially_deferred = bool_value(g).value_or(false);
        else if (g.name == "comment") u.comment = string_value(g);
        else if (g.name == "renamed_from") u.renamed_from = name_value(g);
      }
    } else {
      u.columns = name_list(e);
    }
    std::string what = "unique constraint " + quoted(e.name);
    if (u.columns.empty()) {
      error(at(e), what + " has no columns");
    }
    for (const auto& column : u.columns) {
      require_column(table, column, what, at(e));
    }
    define_constraint(table, e.name, "unique constraint", true, at(e.key));
    table.uniques[e.name] = u;
  }
}

void Reader::read_checks(Table& table, const Field& field) {
  for (const Field& e : entries(field, "checks")) {
    CheckConstraint c;
    c.name = e.name;
    std::string what = "check " + quoted(e.name);
    bool has_expression = false;
    if (e.value.IsMap()) {
      for (const Field& g : fields(e.value, "check", k_check_keys)) {
        if (g.name == "expression") {
          has_expression = true;
          c.expression = expr(g, what).value_or(Expr{});
        } else if (g.name == "no_inherit") c.no_inherit = bool_value(g).value_or(false);
        else if (g.name == "comment") c.comment = string_value(g);
        else if (g.name == "renamed_from") c.renamed_from = name_value(g);
      }
      if (!has_expression) {
        error(at(e), what + " has no `expression`");
      }
    } else {
      c.expression = expr(e, what).value_or(Expr{});
    }
    define_constraint(table, e.name, "check", false, at(e.key));
    table.checks[e.name] = c;
  }
}

void Reader::read_foreign_keys(Table& table, const Field& field) {
  for (const Field& e : entries(field, "foreign_keys")) {
    std::string what = "foreign key " + quoted(e.name);
    if (!expect_map(e, what)) {
      continue;
    }
    ForeignKey fk;
    fk.name = e.name;
    SourceLocation references_at = at(e);
    bool has_references = false;
    for (const Field& g : fields(e.value, "foreign key", k_foreign_key_keys)) {
      if (g.name == "columns") fk.columns = name_list(g);
      else if (g.name == "on_delete") fk.on_delete = one_of(g, k_actions).value_or("no action");
      else if (g.name == "on_update") fk.on_update = one_of(g, k_actions).value_or("no action");
      else if (g.name == "match") fk.match = one_of(g, {"simple", "full"}).value_or("simple");
      else if (g.name == "deferrable") fk.deferrable = bool_value(g).value_or(false);
      else if (g.name == "initially_deferred") fk.initially_deferred = bool_value(g).value_or(false);
      else if (g.name == "comment") fk.comment = string_value(g);
      else if (g.name == "renamed_from") fk.renamed_from = name_value(g);
      else if (g.name == "references") {
        has_references = true;
        references_at = at(g);
        if (g.value.IsScalar()) {
          fk.ref_table = qualified_value(g, "`references`").value_or(QualifiedName{});
        } else if (expect_map(g, "`references`")) {
          for (const Field& r : fields(g.value, "references", k_references_keys)) {
            if (r.name == "schema") fk.ref_table.schema = name_value(r).value_or("");
            else if (r.name == "table") fk.ref_table.name = name_value(r).value_or("");
            else if (r.name == "columns") fk.ref_columns = name_list(r);
          }
        }
      }
    }
    if (!has_references || fk.ref_table.name.empty()) {
      error(at(e), what + " has no `references: {table: ...}`");
    }
    if (fk.columns.empty()) {
      error(at(e), what + " has no `columns`");
    }
    for (const auto& column : fk.columns) {
      require_column(table, column, what, at(e));
    }
    if (fk.ref_table.schema.empty()) {
      fk.ref_table.schema = table.name.schema;
    }
    define_constraint(table, e.name, "foreign key", false, at(e.key));
    QualifiedName owner = table.name;
    m_state.checks.push_back([=](LoadState& state) { check_foreign_key(state, owner, fk, references_at, what); });
    table.foreign_keys[e.name] = fk;
  }
}

void Reader::read_exclusions(Table& table, const Field& field) {
  for (const Field& e : entries(field, "exclusions")) {
    ExclusionConstraint x;
    x.name = e.name;
    std::string what = "exclusion constraint " + quoted(e.name);
    const Field* definition = &e;
    std::vector<Field> all;
    if (e.value.IsMap()) {
      all = fields(e.value, "exclusion constraint", k_exclusion_keys);
      definition = nullptr;
      for (const Field& g : all) {
        if (g.name == "definition") definition = &g;
        else if (g.name == "comment") x.comment = string_value(g);
      }
    }
    if (definition == nullptr) {
      error(at(e), what + " has no `definition`");
    } else if (auto text = string_value(*definition)) {
      try {
        x.definition = make_exclusion(*text);
      } catch (const SqlParseError& err) {
        sql_error(*definition, what, err);
      }
    }
    define_constraint(table, e.name, "exclusion constraint", true, at(e.key));
    table.exclusions[e.name] = x;
  }
}

void Reader::read_partition_of(Table& table, const Field& f) {
  if (!expect_map(f, "`partition_of`")) {
    return;
  }
  QualifiedName parent{table.name.schema, ""};
  for (const Field& g : fields(f.value, "partition_of", k_partition_of_keys)) {
    if (g.name == "schema") parent.schema = name_value(g).value_or("");
    else if (g.name == "table") parent.name = name_value(g).value_or("");
    else if (g.name == "bound") {
      if (auto text = string_value(g)) {
        try {
          table.partition_bound = canonical_partition_bound(*text);
        } catch (const SqlParseError& e) {
          sql_error(g, "partition bound", e);
        }
      }
    }
  }
  if (parent.name.empty() || !table.partition_bound) {
    error(at(f), "`partition_of` needs `table` and `bound`");
  }

  table.partition_of = parent;
  SourceLocation where = at(f);
  std::vector<std::string> columns;
  for (const auto& c : table.columns) columns.push_back(c.name);
  std::string display = table.name.display();
  m_state.checks.push_back([=](LoadState& state) {
    const Table* p = state.db.find_table(parent);
    if (state.db.schemas.contains(parent.schema) && p == nullptr) {
      state.error(where, "partition of unknown table " + parent.display());
      return;
    }
    // A partition lists only the columns it overrides (NOT NULL, DEFAULT): they must be its parent's.
    for (const auto& c : columns) {
      if (p != nullptr && p->find_column(c) == nullptr) {
        state.error(where, "partition " + display + " lists column \"" + c + "\", which its parent " + parent.display() +
                               " does not have", "a partition lists only the parent's columns it overrides (nullable, default)");
      }
    }
  });
}

}  // namespace pgshift::schema::yaml_detail
