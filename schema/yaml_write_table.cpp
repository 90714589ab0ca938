// This file implements writing a table (and the indexes of tables and materialized views) as YAML,
// omitting every value the loader would fill in by itself.
#include <algorithm>

#include "schema/sql_text.hpp"
#include "schema/yaml_write_parts.hpp"

namespace pgshift::schema::yaml_detail {

namespace {

bool in_primary_key(const Table& t, const std::string& column) {
  return t.primary_key && std::find(t.primary_key->columns.begin(), t.primary_key->columns.end(), column) !=
                              t.primary_key->columns.end();
}

YamlNode identity_node(const Identity& id) {
  if (!id.start && !id.increment && !id.min_value && !id.max_value && !id.cache && !id.cycle) {
    return YamlNode::string(id.generation);
  }
  YamlNode m = YamlNode::map();
  m.add("generation", YamlNode::string(id.generation));
  if (id.start) m.add("start", YamlNode::integer(*id.start));
  if (id.increment) m.add("increment", YamlNode::integer(*id.increment));
  if (id.min_value) m.add("min", YamlNode::integer(*id.min_value));
  if (id.max_value) m.add("max", YamlNode::integer(*id.max_value));
  if (id.cache) m.add("cache", YamlNode::integer(*id.cache));
  if (id.cycle) m.add("cycle", YamlNode::boolean(true));
  return m;
}

YamlNode column_node(const Table& t, const Column& c) {
  YamlNode m = YamlNode::map();
  m.add("name", YamlNode::string(c.name));
  m.add("type", YamlNode::string(c.type));
  if (!c.nullable && !c.identity && !in_primary_key(t, c.name)) m.add("nullable", YamlNode::boolean(false));
  if (c.default_value) m.add("default", YamlNode::string(expr_text(*c.default_value, ExprOptions{c.type})));
  if (c.identity) m.add("identity", identity_node(*c.identity));
  if (c.generated) m.add("generated", YamlNode::string(expr_text(*c.generated, {})));
  if (c.collation) m.add("collation", YamlNode::string(*c.collation));
  if (c.comment) m.add("comment", YamlNode::string(*c.comment));
  if (c.renamed_from) m.add("renamed_from", YamlNode::string(*c.renamed_from));
  if (c.using_expr) m.add("using", YamlNode::string(expr_text(*c.using_expr, {})));
  if (c.down_using) m.add("down_using", YamlNode::string(expr_text(*c.down_using, {})));
  return m;
}

YamlNode primary_key_node(const Table& t) {
  const PrimaryKey& pk = *t.primary_key;
  if (pk.name == primary_key_name(t.name.name) && !pk.comment && !pk.deferrable) {
    return YamlNode::strings(pk.columns);
  }
  YamlNode m = YamlNode::map();
  m.add("name", YamlNode::string(pk.name));
  m.add("columns", YamlNode::strings(pk.columns));
  if (pk.comment) m.add("comment", YamlNode::string(*pk.comment));
  if (pk.deferrable) m.add("deferrable", YamlNode::boolean(true));
  if (pk.initially_deferred) m.add("initially_deferred", YamlNode::boolean(true));
  return m;
}

YamlNode unique_node(const UniqueConstraint& u) {
  if (!u.nulls_not_distinct && !u.deferrable && !u.initially_deferred && !u.comment && !u.renamed_from) {
    return YamlNode::strings(u.columns);
  }
  YamlNode m = YamlNode::map();
  m.add("columns", YamlNode::strings(u.columns));
  if (u.nulls_not_distinct) m.add("nulls_not_distinct", YamlNode::boolean(true));
  if (u.deferrable) m.add("deferrable", YamlNode::boolean(true));
  if (u.initially_deferred) m.add("initially_deferred", YamlNode::boolean(true));
  if (u.comment) m.add("comment", YamlNode::string(*u.comment));
  if (u.renamed_from) m.add("renamed_from", YamlNode::string(*u.renamed_from));
  return m;
}

YamlNode check_node(const CheckConstraint& c) {
  YamlNode expression = YamlNode::string(expr_text(c.expression, {}));
  if (!c.no_inherit && !c.comment && !c.renamed_from) {
    return expression;
  }
  YamlNode m = YamlNode::map();
  m.add("expression", expression);
  if (c.no_inherit) m.add("no_inherit", YamlNode::boolean(true));
  if (c.comment) m.add("comment", YamlNode::string(*c.comment));
  if (c.renamed_from) m.add("renamed_from", YamlNode::string(*c.renamed_from));
  return m;
}

YamlNode foreign_key_node(const Database& db, const Table& t, const ForeignKey& fk) {
  YamlNode m = YamlNode::map();
  m.add("columns", YamlNode::strings(fk.columns));
  YamlNode references = YamlNode::map();
  if (fk.ref_table.schema != t.name.schema) references.add("schema", YamlNode::string(fk.ref_table.schema));
  references.add("table", YamlNode::string(fk.ref_table.name));
  const Table* target = db.find_table(fk.ref_table);
  bool primary = target != nullptr && target->primary_key && target->primary_key->columns == fk.ref_columns;
  if (!primary) references.add("columns", YamlNode::strings(fk.ref_columns));
  m.add("references", references);
  if (fk.on_delete != "no action") m.add("on_delete", YamlNode::string(fk.on_delete));
  if (fk.on_update != "no action") m.add("on_update", YamlNode::string(fk.on_update));
  if (fk.match != "simple") m.add("match", YamlNode::string(fk.match));
  if (fk.deferrable) m.add("deferrable", YamlNode::boolean(true));
  if (fk.initially_deferred) m.add("initially_deferred", YamlNode::boolean(true));
  if (fk.comment) m.add("comment", YamlNode::string(*fk.comment));
  if (fk.renamed_from) m.add("renamed_from", YamlNode::string(*fk.renamed_from));
  return m;
}

YamlNode index_elem_node(const IndexElem& e) {
  YamlNode m = YamlNode::map();
  if (e.column) m.add("column", YamlNode::string(*e.column));
  if (e.expression) m.add("expression", YamlNode::string(expr_text(*e.expression, {})));
  if (e.descending) m.add("desc", YamlNode::boolean(true));
  if (e.nulls_first) m.add("nulls", YamlNode::string(*e.nulls_first ? "first" : "last"));
  if (e.opclass) m.add("opclass", YamlNode::string(*e.opclass));
  if (e.collation) m.add("collation", YamlNode::string(*e.collation));
  return m;
}

bool plain_elem(const IndexElem& e) {
  return !e.descending && !e.nulls_first && !e.opclass && !e.collation;
}

YamlNode index_node(const Index& idx) {
  YamlNode m = YamlNode::map();
  bool plain = std::all_of(idx.elems.begin(), idx.elems.end(), plain_elem);
  bool columns_only = plain && std::all_of(idx.elems.begin(), idx.elems.end(), [](const IndexElem& e) { return e.column; });
  if (plain && idx.elems.size() == 1 && idx.elems[0].expression) {
    m.add("expression", YamlNode::string(expr_text(*idx.elems[0].expression, {})));
  } else if (columns_only) {
    YamlNode columns = YamlNode::list();
    for (const auto& e : idx.elems) columns.push(YamlNode::string(*e.column));
    m.add("columns", columns);
  } else {
    YamlNode columns = YamlNode::list();
    for (const auto& e : idx.elems) columns.push(index_elem_node(e));
    m.add("columns", columns);
  }
  if (idx.unique) m.add("unique", YamlNode::boolean(true));
  if (idx.method != "btree") m.add("method", YamlNode::string(idx.method));
  if (!idx.include.empty()) m.add("include", YamlNode::strings(idx.include));
  if (idx.where) m.add("where", YamlNode::string(expr_text(*idx.where, {})));
  if (idx.nulls_not_distinct) m.add("nulls_not_distinct", YamlNode::boolean(true));
  if (!idx.storage_parameters.empty()) m.add("storage_parameters", storage_parameters_node(idx.storage_parameters));
  if (idx.comment) m.add("comment", YamlNode::string(*idx.comment));
  if (idx.renamed_from) m.add("renamed_from", YamlNode::string(*idx.renamed_from));
  return m;
}

std::string name_in(const QualifiedName& n, const std::string& schema) {
  std::string out = quote_ident_if_needed(n.name);
  return n.schema == schema ? out : quote_ident_if_needed(n.schema) + "." + out;
}

YamlNode trigger_node(const std::string& schema, const Trigger& tr) {
  YamlNode m = YamlNode::map();
  m.add("timing", YamlNode::string(tr.timing));
  m.add("events", YamlNode::strings(tr.events));
  if (!tr.update_of.empty()) m.add("update_of", YamlNode::strings(tr.update_of));
  if (!tr.for_each_row) m.add("for_each", YamlNode::string("statement"));
  if (tr.when) m.add("when", YamlNode::string(expr_text(*tr.when, {})));
  m.add("function", YamlNode::string(name_in(tr.function, schema)));
  if (!tr.arguments.empty()) m.add("arguments", YamlNode::strings(tr.arguments));
  if (tr.enabled == "disabled") m.add("enabled", YamlNode::boolean(false));
  else if (tr.enabled != "origin") m.add("enabled", YamlNode::string(tr.enabled));
  if (tr.constraint) m.add("constraint", YamlNode::boolean(true));
  if (tr.from) m.add("from", YamlNode::string(name_in(*tr.from, schema)));
  if (tr.deferrable) m.add("deferrable", YamlNode::boolean(true));
  if (tr.initially_deferred) m.add("initially_deferred", YamlNode::boolean(true));
  if (tr.old_table) m.add("old_table", YamlNode::string(*tr.old_table));
  if (tr.new_table) m.add("new_table", YamlNode::string(*tr.new_table));
  if (tr.comment) m.add("comment", YamlNode::string(*tr.comment));
  return m;
}

YamlNode policy_node(const Policy& p) {
  YamlNode m = YamlNode::map();
  if (!p.permissive) m.add("permissive", YamlNode::boolean(false));
  if (p.command != "all") m.add("command", YamlNode::string(p.command));
  if (!p.roles.empty()) m.add("roles", YamlNode::strings(p.roles));
  if (p.using_expr) m.add("using", YamlNode::string(expr_text(*p.using_expr, {})));
  if (p.with_check) m.add("with_check", YamlNode::string(expr_text(*p.with_check, {})));
  if (p.comment) m.add("comment", YamlNode::string(*p.comment));
  return m;
}

template <typename T, typename Fn>
void add_named(YamlNode& table, const char* key, const std::map<std::string, T>& objects, Fn&& node) {
  if (objects.empty()) {
    return;
  }
  YamlNode m = YamlNode::map(false, true);
  for (const auto& [name, object] : objects) {
    m.add(name, node(object));
  }
  table.add(key, m);
}

}  // namespace

YamlNode triggers_node(const std::map<std::string, Trigger>& triggers, const std::string& schema) {
  YamlNode m = YamlNode::map(false, true);
  for (const auto& [name, tr] : triggers) {
    m.add(name, trigger_node(schema, tr));
  }
  return m;
}

YamlNode storage_parameters_node(const std::map<std::string, std::string>& parameters) {
  YamlNode m = YamlNode::map();
  for (const auto& [name, value] : parameters) m.add(name, YamlNode::string(value));
  return m;
}

YamlNode indexes_node(const std::map<std::string, Index>& indexes) {
  YamlNode m = YamlNode::map(false, true);
  for (const auto& [name, idx] : indexes) {
    m.add(name, index_node(idx));
  }
  return m;
}

YamlNode table_node(const Database& db, const Table& t) {
  YamlNode m = YamlNode::map(true);
  if (t.renamed_from) m.add("renamed_from", YamlNode::string(*t.renamed_from));
  if (!t.columns.empty()) {
    YamlNode columns = YamlNode::list(true);
    for (const auto& c : t.columns) columns.push(column_node(t, c));
    m.add("columns", columns);
  }
  if (t.primary_key) m.add("primary_key", primary_key_node(t));
  add_named(m, "unique", t.uniques, unique_node);
  add_named(m, "checks", t.checks, check_node);
  add_named(m, "foreign_keys", t.foreign_keys, [&](const ForeignKey& fk) { return foreign_key_node(db, t, fk); });
  add_named(m, "exclusions", t.exclusions, [](const ExclusionConstraint& x) {
    YamlNode definition = YamlNode::string(x.definition.canonical.empty() ? x.definition.source : x.definition.canonical);
    return x.comment ? YamlNode::map().add("definition", definition).add("comment", YamlNode::string(*x.comment))
                     : definition;
  });
  if (!t.indexes.empty()) m.add("indexes", indexes_node(t.indexes));
  if (!t.triggers.empty()) m.add("triggers", triggers_node(t.triggers, t.name.schema));
  add_named(m, "policies", t.policies, policy_node);
  if (t.rls_forced) {
    m.add("rls", YamlNode::map().add("enabled", YamlNode::boolean(t.rls_enabled)).add("forced", YamlNode::boolean(true)));
  } else if (t.rls_enabled) {
    m.add("rls", YamlNode::boolean(true));
  }
  if (t.partition_by) m.add("partition_by", YamlNode::string(*t.partition_by));
  if (t.partition_of) {
    YamlNode p = YamlNode::map();
    if (t.partition_of->schema != t.name.schema) p.add("schema", YamlNode::string(t.partition_of->schema));
    p.add("table", YamlNode::string(t.partition_of->name));
    p.add("bound", YamlNode::string(t.partition_bound.value_or("")));
    m.add("partition_of", p);
  }
  if (t.unlogged) m.add("unlogged", YamlNode::boolean(true));
  if (t.comment) m.add("comment", YamlNode::string(*t.comment));
  if (!t.grants.empty()) m.add("grants", grants_node(t.grants));
  return m;
}

}  // namespace pgshift::schema::yaml_detail
