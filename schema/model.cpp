// This file implements the model's lookups and its normal form (model.hpp): normalize() puts every
// unordered collection in a fixed order and fills derived names, so equal schemas compare equal.
#include "schema/model.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "schema/expr.hpp"
#include "schema/yaml_io.hpp"
#include "util/strings.hpp"

namespace pgshift::schema {

namespace {

constexpr size_t k_max_identifier = 63;  // NAMEDATALEN - 1

// Privileges that ALL expands to, per object kind (as the catalog reports them).
const std::vector<std::string>& all_privileges(std::string_view object_type) {
  static const std::vector<std::string> table = {"DELETE", "INSERT", "REFERENCES", "SELECT",
                                                 "TRIGGER", "TRUNCATE", "UPDATE"};
  static const std::vector<std::string> column = {"INSERT", "REFERENCES", "SELECT", "UPDATE"};
  static const std::vector<std::string> sequence = {"SELECT", "UPDATE", "USAGE"};
  static const std::vector<std::string> function = {"EXECUTE"};
  static const std::vector<std::string> schema = {"CREATE", "USAGE"};
  static const std::vector<std::string> type = {"USAGE"};
  if (object_type == "sequences") {
    return sequence;
  }
  if (object_type == "functions") {
    return function;
  }
  if (object_type == "schemas") {
    return schema;
  }
  if (object_type == "types") {
    return type;
  }
  if (object_type == "columns") {
    return column;
  }
  return table;
}

template <typename T>
void sort_unique(std::vector<T>& items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
}

void normalize_grant(Grant& grant, std::string_view object_type) {
  if (util::to_lower(grant.role) == "public") {
    grant.role = "public";
  }
  std::vector<std::string> privileges;
  for (const auto& p : grant.privileges) {
    std::string upper = p;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    if (upper == "ALL" || upper == "ALL PRIVILEGES") {
      const auto& all = all_privileges(grant.columns.empty() ? object_type : "columns");
      privileges.insert(privileges.end(), all.begin(), all.end());
    } else {
      privileges.push_back(upper);
    }
  }
  sort_unique(privileges);
  grant.privileges = std::move(privileges);
  sort_unique(grant.columns);
}

// Sorts grants and merges those for the same role, columns and grant option.
void normalize_grants(std::vector<Grant>& grants, std::string_view object_type) {
  for (auto& g : grants) {
    normalize_grant(g, object_type);
  }
  std::sort(grants.begin(), grants.end());
  std::vector<Grant> merged;
  for (auto& g : grants) {
    if (!merged.empty() && merged.back().role == g.role && merged.back().columns == g.columns &&
        merged.back().with_grant_option == g.with_grant_option) {
      auto& privileges = merged.back().privileges;
      privileges.insert(privileges.end(), g.privileges.begin(), g.privileges.end());
      sort_unique(privileges);
    } else {
      merged.push_back(std::move(g));
    }
  }
  grants = std::move(merged);
}

// Cuts a name to `limit` bytes without splitting a UTF-8 sequence (PostgreSQL's pg_mbcliplen).
std::string clip_utf8(const std::string& name, size_t limit) {
  if (name.size() <= limit) {
    return name;
  }
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return name.substr(0, cut);
}

void normalize_trigger(Trigger& trigger, const std::string& key, const std::string& schema) {
  trigger.name = key;
  static const std::array<std::string, 4> order = {"insert", "update", "delete", "truncate"};
  std::vector<std::string> events;
  for (const auto& name : order) {
    bool present = std::any_of(trigger.events.begin(), trigger.events.end(),
                               [&](const std::string& e) { return util::to_lower(e) == name; });
    if (present) {
      events.push_back(name);
    }
  }
  trigger.events = std::move(events);
  trigger.timing = util::to_lower(trigger.timing);
  if (trigger.function.schema.empty()) {
    trigger.function.schema = schema;
  }
  if (trigger.from && trigger.from->schema.empty()) {
    trigger.from->schema = schema;
  }
  if (!trigger.deferrable) {
    trigger.initially_deferred = false;
  }
}

void normalize_policy(Policy& policy) {
  for (auto& role : policy.roles) {
    if (util::to_lower(role) == "public") {
      role = "public";
    }
  }
  sort_unique(policy.roles);
  if (policy.roles == std::vector<std::string>{"public"}) {
    policy.roles.clear();
  }
  policy.command = util::to_lower(policy.command);
}

// Drops sequence options equal to CREATE SEQUENCE's defaults for the type and direction, as the
// catalog reader leaves them out: increment 1, cache 1, min 1 / max type-max ascending,
// min type-min / max -1 descending, start at the minimum (ascending) or maximum (descending) in effect.
template <typename Options>
void drop_default_sequence_options(Options& o, const std::string& type) {
  int64_t type_max = type == "smallint" ? INT16_MAX : type == "integer" ? INT32_MAX : INT64_MAX;
  int64_t type_min = type == "smallint" ? INT16_MIN : type == "integer" ? INT32_MIN : INT64_MIN;
  bool ascending = o.increment.value_or(1) > 0;
  int64_t min = o.min_value.value_or(ascending ? 1 : type_min);
  int64_t max = o.max_value.value_or(ascending ? type_max : -1);
  auto drop = [](std::optional<int64_t>& value, int64_t fallback) {
    if (value == fallback) {
      value.reset();
    }
  };
  drop(o.start, ascending ? min : max);
  drop(o.increment, 1);
  drop(o.cache, 1);
  drop(o.min_value, ascending ? 1 : type_min);
  drop(o.max_value, ascending ? type_max : -1);
}

// NULLS FIRST is the default for DESC, NULLS LAST for ASC: only a non-default order is kept.
void normalize_index(Index& index, const std::string& name) {
  index.name = name;
  index.method = util::to_lower(index.method);
  for (auto& elem : index.elems) {
    if (elem.nulls_first && *elem.nulls_first == elem.descending) {
      elem.nulls_first.reset();
    }
  }
}

void normalize_table(Table& table, const std::string& schema, const std::string& name) {
  table.name = {schema, name};
  if (table.primary_key && table.primary_key->name.empty()) {
    table.primary_key->name = primary_key_name(name);
  }
  // The catalog marks primary key and identity columns NOT NULL.
  for (auto& c : table.columns) {
    bool in_key = table.primary_key && std::find(table.primary_key->columns.begin(), table.primary_key->columns.end(),
                                                 c.name) != table.primary_key->columns.end();
    if (in_key || c.identity) {
      c.nullable = false;
    }
    if (c.identity) {
      drop_default_sequence_options(*c.identity, c.type);
    }
  }
  for (auto& [key, u] : table.uniques) {
    u.name = key;
  }
  for (auto& [key, c] : table.checks) {
    c.name = key;
  }
  for (auto& [key, fk] : table.foreign_keys) {
    fk.name = key;
    if (fk.ref_table.schema.empty()) {
      fk.ref_table.schema = schema;
    }
  }
  for (auto& [key, x] : table.exclusions) {
    x.name = key;
  }
  for (auto& [key, idx] : table.indexes) {
    normalize_index(idx, key);
  }
  for (auto& [key, t] : table.triggers) {
    normalize_trigger(t, key, schema);
  }
  for (auto& [key, p] : table.policies) {
    p.name = key;
    normalize_policy(p);
  }
  if (table.partition_of && table.partition_of->schema.empty()) {
    table.partition_of->schema = schema;
  }
  normalize_grants(table.grants, "tables");
}

void normalize_schema(Schema& s) {
  for (auto& [key, e] : s.enums) {
    e.name = {s.name, key};
    normalize_grants(e.grants, "types");
  }
  for (auto& [key, d] : s.domains) {
    d.name = {s.name, key};
    for (auto& [check_name, c] : d.checks) {
      c.name = check_name;
    }
    normalize_grants(d.grants, "types");
  }
  for (auto& [key, t] : s.types) {
    t.name = {s.name, key};
    normalize_grants(t.grants, "types");
  }
  for (auto& [key, seq] : s.sequences) {
    seq.name = {s.name, key};
    drop_default_sequence_options(seq, seq.type);
    normalize_grants(seq.grants, "sequences");
  }
  for (auto& [key, t] : s.tables) {
    normalize_table(t, s.name, key);
  }
  for (auto& [key, v] : s.views) {
    v.name = {s.name, key};
    for (auto& [index_name, idx] : v.indexes) {
      normalize_index(idx, index_name);
    }
    for (auto& [trigger_name, t] : v.triggers) {
      normalize_trigger(t, trigger_name, s.name);
    }
    normalize_grants(v.grants, "tables");
  }
  for (auto& [key, f] : s.functions) {
    f.name.schema = s.name;
    for (auto& [name, value] : f.config) value = canonical_setting(name, value);
    std::sort(f.config.begin(), f.config.end());
    normalize_grants(f.grants, "functions");
  }
  // Unqualified support functions: the aggregate's schema when it defines one of that name, else pg_catalog.
  auto support = [&s](QualifiedName& fn) {
    if (!fn.schema.empty()) return;
    bool own = std::any_of(s.functions.begin(), s.functions.end(), [&](const auto& e) { return e.second.name.name == fn.name; });
    fn.schema = own ? s.name : "pg_catalog";
  };
  for (auto& [key, a] : s.aggregates) {
    a.name.schema = s.name;
    support(a.sfunc);
    for (auto* f : {&a.finalfunc, &a.combinefunc, &a.serialfunc, &a.deserialfunc, &a.msfunc, &a.minvfunc, &a.mfinalfunc}) {
      if (*f) support(**f);
    }
    normalize_grants(a.grants, "functions");
  }
  normalize_grants(s.grants, "schemas");
}

template <typename Fn>
void for_each_table(Database& db, Fn&& fn) {
  for (auto& [schema_name, s] : db.schemas) {
    for (auto& [table_name, t] : s.tables) {
      fn(t);
    }
  }
}

}  // namespace

std::string primary_key_name(const std::string& table) {
  return clip_utf8(table, k_max_identifier - 5) + "_pkey";
}

const Column* Table::find_column(const std::string& column) const {
  auto it = std::find_if(columns.begin(), columns.end(), [&](const Column& c) { return c.name == column; });
  return it == columns.end() ? nullptr : &*it;
}

const Table* Database::find_table(const QualifiedName& name) const {
  auto s = schemas.find(name.schema);
  if (s == schemas.end()) {
    return nullptr;
  }
  auto t = s->second.tables.find(name.name);
  return t == s->second.tables.end() ? nullptr : &t->second;
}

Table* Database::find_table(const QualifiedName& name) {
  return const_cast<Table*>(static_cast<const Database*>(this)->find_table(name));
}

const View* Database::find_view(const QualifiedName& name) const {
  auto s = schemas.find(name.schema);
  if (s == schemas.end()) {
    return nullptr;
  }
  auto v = s->second.views.find(name.name);
  return v == s->second.views.end() ? nullptr : &v->second;
}

namespace {

// A partition has its parent's columns; its `columns` list only those it overrides (its own NOT NULL
// or DEFAULT, as the catalog reader lists them). A listed column that does not exist in the parent, or
// overrides nothing, is dropped; an override takes the parent's type.
void normalize_partition_columns(Database& db) {
  for_each_table(db, [&](Table& t) {
    if (!t.partition_of || t.columns.empty()) {
      return;
    }
    const Table* parent = db.find_table(*t.partition_of);
    if (parent == nullptr) {
      return;
    }
    std::vector<Column> overrides;
    for (auto& c : t.columns) {
      const Column* p = parent->find_column(c.name);
      if (p == nullptr || (p->nullable == c.nullable && p->default_value == c.default_value)) {
        continue;
      }
      c.type = p->type;
      overrides.push_back(std::move(c));
    }
    t.columns = std::move(overrides);
  });
}

}  // namespace

void normalize(Database& db) {
  for (auto& [key, e] : db.extensions) {
    e.name = key;
  }
  for (auto& [key, s] : db.schemas) {
    s.name = key;
    normalize_schema(s);
  }
  normalize_partition_columns(db);
  sort_unique(db.managed_roles);
  for (auto& d : db.default_privileges) {
    d.object_type = util::to_lower(d.object_type);
    normalize_grant(d.grant, d.object_type);
  }
  sort_unique(db.default_privileges);
  sort_unique(db.unmanaged);
}

void strip_hints(Database& db) {
  for_each_table(db, [](Table& t) {
    t.renamed_from.reset();
    for (auto& c : t.columns) {
      c.renamed_from.reset();
      c.using_expr.reset();
      c.down_using.reset();
    }
    for (auto& [name, idx] : t.indexes) {
      idx.renamed_from.reset();
    }
    for (auto& [name, u] : t.uniques) {
      u.renamed_from.reset();
    }
    for (auto& [name, c] : t.checks) {
      c.renamed_from.reset();
    }
    for (auto& [name, fk] : t.foreign_keys) {
      fk.renamed_from.reset();
    }
  });
  for (auto& [schema_name, s] : db.schemas) {
    for (auto& [name, e] : s.enums) {
      for (auto& v : e.values) {
        v.renamed_from.reset();
      }
    }
  }
}

std::string to_debug_string(const Database& db) {
  std::string out = to_yaml(db);
  for (const auto& u : db.unmanaged) {
    out += "# " + u + "\n";
  }
  return out;
}

}  // namespace pgshift::schema
