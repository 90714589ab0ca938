// This file implements reading indexes, triggers and policies (parts of a table or view) and the
// schema-level object kinds: enums, domains, composite types, sequences, views and functions.
#include <cctype>
#include <algorithm>
#include <regex>

#include "schema/sql_text.hpp"
#include "schema/yaml_reader.hpp"
#include "util/strings.hpp"

namespace pgshift::schema::yaml_detail {

namespace {

const std::vector<std::string> k_index_keys = {"columns", "expression", "unique", "method", "include", "where",
                                               "nulls_not_distinct", "storage_parameters", "comment", "renamed_from"};
const std::vector<std::string> k_index_elem_keys = {"column", "name", "expression", "desc", "nulls", "opclass",
                                                    "collation"};
const std::vector<std::string> k_trigger_keys = {"timing",     "events",     "update_of",          "for_each",
                                                 "when",       "function",   "arguments",          "enabled",
                                                 "constraint", "deferrable", "initially_deferred", "from",
                                                 "old_table",  "new_table",  "comment"};
const std::vector<std::string> k_policy_keys = {"permissive", "command", "roles", "using", "with_check", "comment"};
const std::vector<std::string> k_enum_keys = {"values", "comment", "grants"};
const std::vector<std::string> k_enum_value_keys = {"name", "renamed_from"};
const std::vector<std::string> k_domain_keys = {"type", "nullable", "default", "collation", "checks", "comment", "grants"};
const std::vector<std::string> k_composite_keys = {"attributes", "comment", "grants"};
const std::vector<std::string> k_attribute_keys = {"name", "type", "collation"};
const std::vector<std::string> k_sequence_keys = {"type", "start", "increment", "min", "max", "cache", "cycle",
                                                  "owned_by", "comment", "grants"};

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

}  // namespace

void Reader::require_column(const Table& table, const std::string& column, const std::string& what,
                            const SourceLocation& where) {
  if (table.find_column(column) != nullptr || table.partition_of) {
    return;  // a partition's columns are its parent's, checked by the server
  }
  std::vector<std::string> names;
  for (const auto& c : table.columns) {
    names.push_back(c.name);
  }
  std::string near = util::nearest(column, names);
  error(where, what + ": unknown column " + quoted(column) + (near.empty() ? "" : "; did you mean " + quoted(near) + "?"));
}

std::map<std::string, std::string> Reader::storage_parameters(const Field& field, std::string_view what) {
  // Checked by hand, not with std::regex: libstdc++'s matcher recurses per character and overflows the
  // stack on a long untrusted value.
  auto word = [](std::string_view w) {
    if (w.empty() || w.size() > 63 || !(std::islower(static_cast<unsigned char>(w[0])) || w[0] == '_')) return false;
    for (char c : w) {
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) return false;
    }
    return true;
  };
  auto is_name = [&](std::string_view n) {
    auto dot = n.find('.');
    return dot == std::string_view::npos ? word(n) : word(n.substr(0, dot)) && word(n.substr(dot + 1));
  };
  auto is_value = [](std::string_view v) {
    if (v.empty() || v.size() > 1024) return false;
    for (char c : v) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '+' || c == '-')) return false;
    }
    return true;
  };
  std::map<std::string, std::string> out;
  for (const Field& p : entries(field, "storage_parameters")) {
    std::optional<std::string> value = string_value(p);
    if (!is_name(p.name)) {
      error(at(p), std::string(what) + ": storage parameter " + quoted(p.name) + " is not a parameter name",
            "a lower-case word such as fillfactor (toast.* for TOAST parameters)");
    } else if (!value || !is_value(*value)) {
      error(at(p), std::string(what) + ": storage parameter " + p.name + " needs a simple value (a word or a number)");
    } else {
      out[p.name] = *value;
    }
  }
  return out;
}

void Reader::read_indexes(std::map<std::string, Index>& indexes, const QualifiedName& owner, const Field& field) {
  for (const Field& e : entries(field, "indexes")) {
    std::string what = "index " + quoted(e.name);
    if (!expect_map(e, what)) {
      continue;
    }
    Index idx;
    idx.name = e.name;
    bool has_elems = false;
    for (const Field& g : fields(e.value, "index", k_index_keys)) {
      has_elems = has_elems || g.name == "columns" || g.name == "expression";
      if (g.name == "unique") idx.unique = bool_value(g).value_or(false);
      else if (g.name == "method") idx.method = util::to_lower(name_value(g).value_or("btree"));
      else if (g.name == "include") idx.include = name_list(g);
      else if (g.name == "where") idx.where = expr(g, "predicate of " + what);
      else if (g.name == "nulls_not_distinct") idx.nulls_not_distinct = bool_value(g).value_or(false);
      else if (g.name == "storage_parameters") idx.storage_parameters = storage_parameters(g, what);
      else if (g.name == "comment") idx.comment = string_value(g);
      else if (g.name == "renamed_from") idx.renamed_from = name_value(g);
      else if (g.name == "expression") {
        if (auto x = expr(g, "expression of " + what)) idx.elems.push_back(IndexElem{std::nullopt, x});
      } else if (g.name == "columns" && g.value.IsSequence()) {
        for (const Field& item : items(g)) {
          IndexElem elem;
          if (item.value.IsScalar()) {
            elem.column = name_value(item).value_or("");
          } else if (expect_map(item, "an index column")) {
            for (const Field& h : fields(item.value, "index column", k_index_elem_keys)) {
              if (h.name == "column" || h.name == "name") elem.column = name_value(h).value_or("");
              else if (h.name == "expression") elem.expression = expr(h, "expression of " + what);
              else if (h.name == "desc") elem.descending = bool_value(h).value_or(false);
              else if (h.name == "nulls") elem.nulls_first = one_of(h, {"first", "last"}).value_or("last") == "first";
              else if (h.name == "opclass") elem.opclass = sql_name(h);
              else if (h.name == "collation") elem.collation = collation(h);
            }
          }
          if (elem.column.has_value() == elem.expression.has_value()) {
            error(at(item), what + ": an index column needs exactly one of `column` and `expression`");
          }
          idx.elems.push_back(elem);
        }
      } else if (g.name == "columns") {
        idx.elems.push_back(IndexElem{name_value(g).value_or(""), std::nullopt});
      }
    }
    if (!has_elems) {
      error(at(e), what + " has no `columns` or `expression`");
    }
    define("rel:" + owner.schema + "." + e.name, "index " + owner.schema + "." + e.name, at(e.key));
    SourceLocation where = at(e);
    m_state.checks.push_back([=](LoadState& state) {
      const Table* t = state.db.find_table(owner);
      // a partition's columns are its parent's
      for (int depth = 0; t != nullptr && t->partition_of && depth < 8; ++depth) t = state.db.find_table(*t->partition_of);
      if (t == nullptr) {
        return;  // an index on a view: the view's columns are not known offline
      }
      std::vector<std::string> columns = idx.include;
      for (const auto& elem : idx.elems) {
        if (elem.column) columns.push_back(*elem.column);
      }
      std::vector<std::string> names;
      for (const auto& c : t->columns) names.push_back(c.name);
      for (const auto& column : columns) {
        if (t->find_column(column) == nullptr) {
          std::string near = util::nearest(column, names);
          state.error(where, what + ": unknown column " + quoted(column) +
                                 (near.empty() ? "" : "; did you mean " + quoted(near) + "?"));
        }
      }
    });
    indexes[e.name] = idx;
  }
}

std::optional<QualifiedName> Reader::checked_qualified(const Field& g, const std::string& what,
                                                      std::string_view label) {
  std::string text = string_value(g).value_or("");
  auto name = parse_qualified(text);
  if (!name) {
    error(at(g), what + ": malformed " + std::string(label) + " `" + text + "`");
    return std::nullopt;
  }
  if ((!name->schema.empty() && !check_name(name->schema, at(g), what + ": the " + std::string(label) + "'s schema")) ||
      !check_name(name->name, at(g), what + ": the " + std::string(label))) {
    return std::nullopt;
  }
  return name;
}

void Reader::read_trigger_key(Trigger& t, const Field& g, const std::string& what) {
  static const std::vector<std::string> events = {"insert", "update", "delete", "truncate"};
  auto transition = [&](const Field& f) -> std::optional<std::string> {
    auto name = string_value(f);
    if (name && !check_name(*name, at(f), what + ": the transition table name")) return std::nullopt;
    return name;
  };
  if (g.name == "timing") t.timing = one_of(g, {"before", "after", "instead of"}).value_or("after");
  else if (g.name == "update_of") t.update_of = name_list(g);
  else if (g.name == "for_each") t.for_each_row = one_of(g, {"row", "statement"}).value_or("row") == "row";
  else if (g.name == "when") t.when = expr(g, "condition of " + what);
  else if (g.name == "arguments") t.arguments = string_list(g);
  else if (g.name == "comment") t.comment = string_value(g);
  else if (g.name == "constraint") t.constraint = bool_value(g).value_or(false);
  else if (g.name == "deferrable") t.deferrable = bool_value(g).value_or(false);
  else if (g.name == "initially_deferred") t.initially_deferred = bool_value(g).value_or(false);
  else if (g.name == "from") t.from = checked_qualified(g, what, "referenced table");
  else if (g.name == "old_table") t.old_table = transition(g);
  else if (g.name == "new_table") t.new_table = transition(g);
  else if (g.name == "enabled") {
    // true (ENABLE), false (DISABLE), replica (ENABLE REPLICA) or always (ENABLE ALWAYS).
    std::string value = util::to_lower(string_value(g).value_or("true"));
    if (value == "true") t.enabled = "origin";
    else if (value == "false") t.enabled = "disabled";
    else if (value == "replica" || value == "always") t.enabled = value;
    else error(at(g), what + ": `enabled` must be true, false, replica or always");
  } else if (g.name == "events") {
    for (const auto& event : string_list(g)) {
      std::string lower = util::to_lower(util::trim(event));
      if (std::find(events.begin(), events.end(), lower) == events.end()) {
        error(at(g), what + ": unknown event `" + event + "`; expected insert, update, delete or truncate");
      }
      t.events.push_back(lower);
    }
  } else if (g.name == "function") {
    std::string text = string_value(g).value_or("");
    if (util::starts_with(std::string(text.rbegin(), text.rend()), ")(")) {
      text.resize(text.size() - 2);
    }
    if (auto name = parse_qualified(text)) {
      if ((name->schema.empty() || check_name(name->schema, at(g), what + ": the function's schema")) &&
          check_name(name->name, at(g), what + ": the function name")) {
        t.function = *name;
      }
    } else {
      error(at(g), what + ": malformed function name `" + text + "`");
    }
  }
}

void Reader::read_triggers(std::map<std::string, Trigger>& triggers, const QualifiedName& owner, const Table* table,
                           const Field& field) {
  const std::string on = (table ? "table " : "view ") + owner.display();
  for (const Field& e : entries(field, "triggers")) {
    std::string what = "trigger " + quoted(e.name);
    if (!expect_map(e, what)) {
      continue;
    }
    Trigger t;
    t.name = e.name;
    bool has_function = false;
    for (const Field& g : fields(e.value, "trigger", k_trigger_keys)) {
      has_function = has_function || g.name == "function";
      read_trigger_key(t, g, what);
    }
    if (!has_function || t.events.empty()) {
      error(at(e), what + " needs `events` and `function`");
    }
    if (t.timing == "instead of" && (table || !t.for_each_row || t.when || !t.update_of.empty())) {
      error(at(e), what + ": an INSTEAD OF trigger belongs to a view, is for each row, and has no `when` or `update_of`");
    }
    if (!table && t.enabled != "origin") {
      error(at(e), what + ": a trigger on a view cannot be disabled");
    }
    if (!t.constraint && (t.deferrable || t.initially_deferred || t.from)) {
      error(at(e), what + ": `deferrable`, `initially_deferred` and `from` need `constraint: true`");
    }
    if (t.constraint && (t.timing != "after" || !t.for_each_row)) {
      error(at(e), what + ": a constraint trigger is `after` and for each row");
    }
    if ((t.old_table || t.new_table) && (t.timing != "after" || t.constraint || !table)) {
      error(at(e), what + ": transition tables (`old_table`, `new_table`) need an `after` trigger on a table");
    }
    for (const auto& column : t.update_of) {
      if (table) require_column(*table, column, what, at(e));
    }
    define("trg:" + owner.display() + "." + e.name, what + " on " + on, at(e.key));
    QualifiedName function = t.function;
    if (function.schema.empty()) {
      function.schema = owner.schema;
    }
    SourceLocation where = at(e);
    m_state.checks.push_back([=](LoadState& state) {
      auto s = state.db.schemas.find(function.schema);
      if (s == state.db.schemas.end()) {
        return;  // a function in a schema pgshift does not manage
      }
      if (!s->second.functions.contains(function.name + "()")) {
        state.error(where, what + ": unknown trigger function " + function.display() + "()");
      }
    });
    triggers[e.name] = t;
  }
}

void Reader::read_policies(Table& table, const Field& field) {
  for (const Field& e : entries(field, "policies")) {
    std::string what = "policy " + quoted(e.name);
    if (!expect_map(e, what)) {
      continue;
    }
    Policy p;
    p.name = e.name;
    for (const Field& g : fields(e.value, "policy", k_policy_keys)) {
      if (g.name == "permissive") p.permissive = bool_value(g).value_or(true);
      else if (g.name == "command") p.command = one_of(g, {"all", "select", "insert", "update", "delete"}).value_or("all");
      else if (g.name == "roles") p.roles = name_list(g);
      else if (g.name == "using") p.using_expr = expr(g, "`using` of " + what);
      else if (g.name == "with_check") p.with_check = expr(g, "`with_check` of " + what);
      else if (g.name == "comment") p.comment = string_value(g);
    }
    define("pol:" + table.name.display() + "." + e.name, what + " on table " + table.name.display(), at(e.key));
    table.policies[e.name] = p;
  }
}

void Reader::read_enum(Schema& schema, const Field& field) {
  Enum e;
  e.name = {schema.name, field.name};
  std::string what = "enum " + e.name.display();
  std::optional<Field> values;
  if (field.value.IsMap()) {
    for (const Field& g : fields(field.value, "enum", k_enum_keys)) {
      if (g.name == "values") values.emplace(g);
      else if (g.name == "comment") e.comment = string_value(g);
      else if (g.name == "grants") e.grants = grants(g, "a type");
    }
  } else {
    values.emplace(field);
  }
  if (values && expect_list(*values, what)) {
    for (const Field& item : items(*values)) {
      EnumValue v;
      if (item.value.IsMap()) {
        for (const Field& g : fields(item.value, "enum value", k_enum_value_keys)) {
          if (g.name == "name") v.name = label_value(g).value_or("");
          else if (g.name == "renamed_from") v.renamed_from = label_value(g);
        }
      } else {
        v.name = label_value(item).value_or("");
      }
      bool duplicate = std::any_of(e.values.begin(), e.values.end(), [&](const EnumValue& x) { return x.name == v.name; });
      if (duplicate) {
        error(at(item), what + ": duplicate value " + quoted(v.name));
      }
      e.values.push_back(v);
    }
  } else if (!values) {
    error(at(field), what + " has no `values`");
  }
  if (define("type:" + e.name.display(), what, at(field.key))) {
    schema.enums[field.name] = e;
  }
}

void Reader::read_domain(Schema& schema, const Field& field) {
  Domain d;
  d.name = {schema.name, field.name};
  std::string what = "domain " + d.name.display();
  if (!expect_map(field, what)) {
    return;
  }
  std::vector<Field> all = fields(field.value, "domain", k_domain_keys);
  auto type = std::find_if(all.begin(), all.end(), [](const Field& f) { return f.name == "type"; });
  if (type == all.end()) {
    error(at(field), what + " has no `type`");
  } else {
    auto slot = [schema_name = schema.name, name = field.name](Database& db) -> std::string* {
      auto s = db.schemas.find(schema_name);
      auto d = s == db.schemas.end() ? nullptr : &s->second.domains;
      return d == nullptr || !d->contains(name) ? nullptr : &d->at(name).type;
    };
    d.type = this->type(*type, what, schema.name, slot).value_or("");
  }
  for (const Field& g : all) {
    if (g.name == "nullable") d.nullable = bool_value(g).value_or(true);
    else if (g.name == "default") d.default_value = expr(g, "default of " + what, ExprOptions{d.type});
    else if (g.name == "collation") d.collation = collation(g);
    else if (g.name == "comment") d.comment = string_value(g);
    else if (g.name == "grants") d.grants = grants(g, "a domain");
    else if (g.name == "checks") {
      for (const Field& c : entries(g, "checks")) {
        if (auto x = expr(c, "check " + quoted(c.name) + " of " + what)) {
          d.checks[c.name] = DomainCheck{c.name, *x};
        }
      }
    }
  }
  if (define("type:" + d.name.display(), what, at(field.key))) {
    schema.domains[field.name] = d;
  }
}

void Reader::read_composite(Schema& schema, const Field& field) {
  CompositeType t;
  t.name = {schema.name, field.name};
  std::string what = "type " + t.name.display();
  std::optional<Field> attributes;
  if (field.value.IsMap()) {
    for (const Field& g : fields(field.value, "type", k_composite_keys)) {
      if (g.name == "attributes") attributes.emplace(g);
      else if (g.name == "comment") t.comment = string_value(g);
      else if (g.name == "grants") t.grants = grants(g, "a type");
    }
  } else {
    attributes.emplace(field);
  }
  if (attributes && expect_list(*attributes, what)) {
    for (const Field& item : items(*attributes)) {
      if (!expect_map(item, "an attribute")) {
        continue;
      }
      CompositeAttribute a;
      for (const Field& g : fields(item.value, "attribute", k_attribute_keys)) {
        if (g.name == "name") a.name = name_value(g).value_or("");
        else if (g.name == "type") {
          auto slot = [schema_name = schema.name, name = field.name, index = t.attributes.size()](Database& db) {
            auto s = db.schemas.find(schema_name);
            auto types = s == db.schemas.end() ? nullptr : &s->second.types;
            bool found = types != nullptr && types->contains(name) && index < types->at(name).attributes.size();
            return found ? &types->at(name).attributes[index].type : static_cast<std::string*>(nullptr);
          };
          a.type = this->type(g, what, schema.name, slot).value_or("");
        }
        else if (g.name == "collation") a.collation = collation(g);
      }
      if (a.name.empty() || a.type.empty()) {
        error(at(item), what + ": an attribute needs `name` and `type`");
      }
      t.attributes.push_back(a);
    }
  }
  if (define("rel:" + t.name.display(), what, at(field.key))) {
    define("type:" + t.name.display(), what, at(field.key));
  }
  if (!schema.types.contains(field.name)) {
    schema.types[field.name] = t;
  }
}

void Reader::read_sequence(Schema& schema, const Field& field) {
  Sequence s;
  s.name = {schema.name, field.name};
  std::string what = "sequence " + s.name.display();
  if (field.value && !field.value.IsNull() && expect_map(field, what)) {
    for (const Field& g : fields(field.value, "sequence", k_sequence_keys)) {
      if (g.name == "type") {
        s.type = this->type(g, what, schema.name).value_or("bigint");
        if (s.type != "smallint" && s.type != "integer" && s.type != "bigint") {
          error(at(g), what + ": the type must be smallint, integer or bigint");
        }
      } else if (g.name == "start") s.start = int_value(g);
      else if (g.name == "increment") s.increment = int_value(g);
      else if (g.name == "min") s.min_value = int_value(g);
      else if (g.name == "max") s.max_value = int_value(g);
      else if (g.name == "cache") s.cache = int_value(g);
      else if (g.name == "cycle") s.cycle = bool_value(g).value_or(false);
      else if (g.name == "owned_by") {
        s.owned_by = string_value(g);
        std::vector<std::string> parts = s.owned_by ? util::split(*s.owned_by, '.') : std::vector<std::string>{};
        if (s.owned_by && parts.size() != 2 && parts.size() != 3) {
          error(at(g), what + ": `owned_by` must be table.column or schema.table.column");
        }
        for (const auto& part : parts) {
          check_name(part, at(g), what + ": `owned_by`");
        }
      }
      else if (g.name == "comment") s.comment = string_value(g);
      else if (g.name == "grants") s.grants = grants(g, "a sequence");
    }
  }
  if (define("rel:" + s.name.display(), what, at(field.key))) {
    schema.sequences[field.name] = s;
  }
}

}  // namespace pgshift::schema::yaml_detail
