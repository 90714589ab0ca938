// This file implements to_yaml and write_schema_dir: the model as YAML in the format load_schema
// reads, deterministic byte for byte, using the short forms wherever they read back the same.
#include <algorithm>
#include <fmt/format.h>
#include <fstream>

#include "schema/sql_text.hpp"
#include "schema/yaml_emit.hpp"
#include "schema/yaml_io.hpp"
#include "schema/yaml_write_parts.hpp"
#include "util/error.hpp"

#include <unordered_map>

namespace pgshift::schema {

namespace yaml_detail {

std::string expr_text(const Expr& e, const ExprOptions& options) {
  if (e.canonical.empty()) {
    return e.source;
  }
  // Whether the canonical spelling reads back to itself, remembered per (text, column type): schemas
  // repeat the same defaults and checks across many tables, and parsing dominates writing otherwise.
  thread_local std::unordered_map<std::string, bool> reads_back;
  std::string key = e.canonical;
  key += '\0';
  key += options.column_type.value_or("");
  auto it = reads_back.find(key);
  if (it == reads_back.end()) {
    bool same = false;
    try {
      same = make_expr(e.canonical, options).canonical == e.canonical;
    } catch (const SqlParseError&) {
    }
    if (reads_back.size() > 100000) reads_back.clear();
    it = reads_back.emplace(std::move(key), same).first;
  }
  if (it->second) return e.canonical;  // the tidier choice
  return e.source.empty() ? e.canonical : e.source;
}

YamlNode grants_node(const std::vector<Grant>& grants) {
  YamlNode list = YamlNode::list();
  for (const auto& g : grants) {
    YamlNode m = YamlNode::map();
    m.add("role", YamlNode::string(g.role));
    m.add("privileges", YamlNode::strings(g.privileges));
    if (!g.columns.empty()) m.add("columns", YamlNode::strings(g.columns));
    if (g.with_grant_option) m.add("with_grant_option", YamlNode::boolean(true));
    list.push(m);
  }
  return list;
}

namespace {

YamlNode enum_node(const Enum& e) {
  YamlNode values = YamlNode::list();
  for (const auto& v : e.values) {
    if (v.renamed_from) {
      values.push(YamlNode::map().add("name", YamlNode::string(v.name)).add("renamed_from", YamlNode::string(*v.renamed_from)));
    } else {
      values.push(YamlNode::string(v.name));
    }
  }
  if (!e.comment && e.grants.empty()) {
    return values;
  }
  YamlNode m = YamlNode::map().add("values", values);
  if (e.comment) m.add("comment", YamlNode::string(*e.comment));
  if (!e.grants.empty()) m.add("grants", grants_node(e.grants));
  return m;
}

YamlNode domain_node(const Domain& d) {
  YamlNode m = YamlNode::map();
  m.add("type", YamlNode::string(d.type));
  if (!d.nullable) m.add("nullable", YamlNode::boolean(false));
  if (d.default_value) m.add("default", YamlNode::string(expr_text(*d.default_value, ExprOptions{d.type})));
  if (d.collation) m.add("collation", YamlNode::string(*d.collation));
  if (!d.checks.empty()) {
    YamlNode checks = YamlNode::map(false, true);
    for (const auto& [name, c] : d.checks) checks.add(name, YamlNode::string(expr_text(c.expression, {})));
    m.add("checks", checks);
  }
  if (d.comment) m.add("comment", YamlNode::string(*d.comment));
  if (!d.grants.empty()) m.add("grants", grants_node(d.grants));
  return m;
}

YamlNode composite_node(const CompositeType& t) {
  YamlNode attributes = YamlNode::list(true);
  for (const auto& a : t.attributes) {
    YamlNode m = YamlNode::map().add("name", YamlNode::string(a.name)).add("type", YamlNode::string(a.type));
    if (a.collation) m.add("collation", YamlNode::string(*a.collation));
    attributes.push(m);
  }
  if (!t.comment && t.grants.empty()) {
    return attributes;
  }
  YamlNode m = YamlNode::map(true).add("attributes", attributes);
  if (t.comment) m.add("comment", YamlNode::string(*t.comment));
  if (!t.grants.empty()) m.add("grants", grants_node(t.grants));
  return m;
}

YamlNode sequence_node(const Sequence& s) {
  YamlNode m = YamlNode::map();
  if (s.type != "bigint") m.add("type", YamlNode::string(s.type));
  if (s.start) m.add("start", YamlNode::integer(*s.start));
  if (s.increment) m.add("increment", YamlNode::integer(*s.increment));
  if (s.min_value) m.add("min", YamlNode::integer(*s.min_value));
  if (s.max_value) m.add("max", YamlNode::integer(*s.max_value));
  if (s.cache) m.add("cache", YamlNode::integer(*s.cache));
  if (s.cycle) m.add("cycle", YamlNode::boolean(true));
  if (s.owned_by) m.add("owned_by", YamlNode::string(*s.owned_by));
  if (s.comment) m.add("comment", YamlNode::string(*s.comment));
  if (!s.grants.empty()) m.add("grants", grants_node(s.grants));
  return m;
}

YamlNode view_node(const View& v) {
  YamlNode m = YamlNode::map(true);
  m.add("query", YamlNode::string(v.query.source.empty() ? v.query.canonical : v.query.source));
  if (v.materialized) m.add("materialized", YamlNode::boolean(true));
  if (!v.columns.empty()) m.add("columns", YamlNode::strings(v.columns));
  if (v.check_option) m.add("check_option", YamlNode::string(*v.check_option));
  if (v.security_invoker) m.add("security_invoker", YamlNode::boolean(true));
  if (v.security_barrier) m.add("security_barrier", YamlNode::boolean(true));
  if (!v.storage_parameters.empty()) m.add("storage_parameters", storage_parameters_node(v.storage_parameters));
  if (!v.indexes.empty()) m.add("indexes", indexes_node(v.indexes));
  if (!v.triggers.empty()) m.add("triggers", triggers_node(v.triggers, v.name.schema));
  if (v.comment) m.add("comment", YamlNode::string(*v.comment));
  if (!v.grants.empty()) m.add("grants", grants_node(v.grants));
  return m;
}

YamlNode function_node(const Function& f) {
  YamlNode m = YamlNode::map(true);
  if (!f.arguments.empty()) m.add("args", YamlNode::string(f.arguments));
  if (f.procedure) m.add("procedure", YamlNode::boolean(true));
  else m.add("returns", YamlNode::string(f.returns));
  m.add("language", YamlNode::string(f.language));
  if (f.volatility != "volatile") m.add("volatility", YamlNode::string(f.volatility));
  if (f.strict) m.add("strict", YamlNode::boolean(true));
  if (f.security_definer) m.add("security_definer", YamlNode::boolean(true));
  if (f.parallel != "unsafe") m.add("parallel", YamlNode::string(f.parallel));
  if (f.leakproof) m.add("leakproof", YamlNode::boolean(true));
  if (f.cost != 100) m.add("cost", YamlNode::raw(fmt::format("{}", f.cost)));
  if (f.rows != (f.returns_set() ? 1000 : 0)) m.add("rows", YamlNode::raw(fmt::format("{}", f.rows)));
  if (!f.config.empty()) {
    YamlNode set = YamlNode::map();
    for (const auto& [key, value] : f.config) set.add(key, YamlNode::string(value));
    m.add("set", set);
  }
  if (f.comment) m.add("comment", YamlNode::string(*f.comment));
  if (!f.grants.empty()) m.add("grants", grants_node(f.grants));
  if (f.standard_body) m.add("standard_body", YamlNode::boolean(true));
  m.add("body", YamlNode::string(f.body));
  return m;
}

std::string function_ref(const QualifiedName& f) {
  return quote_ident_if_needed(f.schema) + "." + quote_ident_if_needed(f.name);
}

YamlNode aggregate_node(const Aggregate& a) {
  YamlNode m = YamlNode::map(true);
  if (a.arguments != "*") m.add("args", YamlNode::string(a.arguments));
  m.add("sfunc", YamlNode::string(function_ref(a.sfunc)));
  m.add("stype", YamlNode::string(a.stype));
  if (a.finalfunc) m.add("finalfunc", YamlNode::string(function_ref(*a.finalfunc)));
  if (a.finalfunc_extra) m.add("finalfunc_extra", YamlNode::boolean(true));
  if (a.combinefunc) m.add("combinefunc", YamlNode::string(function_ref(*a.combinefunc)));
  if (a.serialfunc) m.add("serialfunc", YamlNode::string(function_ref(*a.serialfunc)));
  if (a.deserialfunc) m.add("deserialfunc", YamlNode::string(function_ref(*a.deserialfunc)));
  if (a.initcond) m.add("initcond", YamlNode::string(*a.initcond));
  if (a.msfunc) m.add("msfunc", YamlNode::string(function_ref(*a.msfunc)));
  if (a.minvfunc) m.add("minvfunc", YamlNode::string(function_ref(*a.minvfunc)));
  if (a.mstype) m.add("mstype", YamlNode::string(*a.mstype));
  if (a.mfinalfunc) m.add("mfinalfunc", YamlNode::string(function_ref(*a.mfinalfunc)));
  if (a.mfinalfunc_extra) m.add("mfinalfunc_extra", YamlNode::boolean(true));
  if (a.minitcond) m.add("minitcond", YamlNode::string(*a.minitcond));
  if (a.parallel != "unsafe") m.add("parallel", YamlNode::string(a.parallel));
  if (a.comment) m.add("comment", YamlNode::string(*a.comment));
  if (!a.grants.empty()) m.add("grants", grants_node(a.grants));
  return m;
}

YamlNode aggregates_node(const std::map<std::string, Aggregate>& aggregates) {
  std::map<std::string, std::vector<const Aggregate*>> by_name;
  for (const auto& [key, a] : aggregates) by_name[a.name.name].push_back(&a);
  YamlNode m = YamlNode::map(true);
  for (const auto& [name, overloads] : by_name) {
    if (overloads.size() == 1) {
      m.add(name, aggregate_node(*overloads[0]));
    } else {
      YamlNode list = YamlNode::list(true);
      for (const Aggregate* a : overloads) list.push(aggregate_node(*a));
      m.add(name, list);
    }
  }
  return m;
}

YamlNode functions_node(const std::map<std::string, Function>& functions) {
  std::map<std::string, std::vector<const Function*>> by_name;
  for (const auto& [key, f] : functions) {
    by_name[f.name.name].push_back(&f);
  }
  YamlNode m = YamlNode::map(true);
  for (const auto& [name, overloads] : by_name) {
    if (overloads.size() == 1) {
      m.add(name, function_node(*overloads[0]));
    } else {
      YamlNode list = YamlNode::list(true);
      for (const Function* f : overloads) list.push(function_node(*f));
      m.add(name, list);
    }
  }
  return m;
}

template <typename T, typename Fn>
void add_kind(YamlNode& schema, const char* key, const std::map<std::string, T>& objects, Fn&& node) {
  if (objects.empty()) {
    return;
  }
  YamlNode m = YamlNode::map(true);
  for (const auto& [name, object] : objects) {
    m.add(name, node(object));
  }
  schema.add(key, m);
}

}  // namespace

YamlNode schema_node(const Database& db, const Schema& s, bool with_tables) {
  YamlNode m = YamlNode::map(true);
  if (s.comment) m.add("comment", YamlNode::string(*s.comment));
  add_kind(m, "enums", s.enums, enum_node);
  add_kind(m, "domains", s.domains, domain_node);
  add_kind(m, "types", s.types, composite_node);
  add_kind(m, "sequences", s.sequences, sequence_node);
  if (with_tables) {
    add_kind(m, "tables", s.tables, [&](const Table& t) { return YamlNode::deferred([&db, &t] { return table_node(db, t); }); });
  }
  add_kind(m, "views", s.views, view_node);
  if (!s.functions.empty()) m.add("functions", functions_node(s.functions));
  if (!s.aggregates.empty()) m.add("aggregates", aggregates_node(s.aggregates));
  if (!s.grants.empty()) m.add("grants", grants_node(s.grants));
  return m;
}

void add_top_level(YamlNode& root, const Database& db) {
  if (!db.extensions.empty()) {
    // A version is written only when it is not the one CREATE EXTENSION would install anyway.
    auto pinned = [](const Extension& e) { return e.version && e.version != e.default_version; };
    bool plain = std::all_of(db.extensions.begin(), db.extensions.end(),
                             [&](const auto& e) { return !e.second.schema && !pinned(e.second); });
    if (plain) {
      YamlNode list = YamlNode::list();
      for (const auto& [name, _] : db.extensions) list.push(YamlNode::string(name));
      root.add("extensions", list);
    } else {
      YamlNode m = YamlNode::map(true);
      for (const auto& [name, e] : db.extensions) {
        YamlNode spec = YamlNode::map();
        if (e.schema) spec.add("schema", YamlNode::string(*e.schema));
        if (pinned(e)) spec.add("version", YamlNode::string(*e.version));
        m.add(name, spec);
      }
      root.add("extensions", m);
    }
  }
  if (!db.managed_roles.empty()) root.add("roles", YamlNode::strings(db.managed_roles));
  if (!db.default_privileges.empty()) {
    YamlNode list = YamlNode::list(true);
    for (const auto& d : db.default_privileges) {
      YamlNode m = YamlNode::map();
      if (!d.owner.empty()) m.add("owner", YamlNode::string(d.owner));
      if (!d.schema.empty()) m.add("schema", YamlNode::string(d.schema));
      m.add("object_type", YamlNode::string(d.object_type));
      m.add("role", YamlNode::string(d.grant.role));
      m.add("privileges", YamlNode::strings(d.grant.privileges));
      if (d.grant.with_grant_option) m.add("with_grant_option", YamlNode::boolean(true));
      list.push(m);
    }
    root.add("default_privileges", list);
  }
}

}  // namespace yaml_detail

namespace {

using yaml_detail::YamlNode;

// A file name for an object name: '/', '%', control characters, and a leading '.' or '_' are
// percent-encoded, so every name maps to its own file and "_database.yaml" stays free.
std::string file_name(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    bool escape = c == '/' || c == '%' || c < 0x20 || c == 0x7f || (i == 0 && (c == '.' || c == '_'));
    if (escape) {
      static const char* hex = "0123456789ABCDEF";
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    throw Error("cannot write " + path.string());
  }
}

YamlNode wrap_schema(const std::string& name, YamlNode schema) {
  YamlNode schemas = YamlNode::map(true);
  schemas.add(name, std::move(schema));
  YamlNode root = YamlNode::map(true);
  root.add("schemas", schemas);
  return root;
}

}  // namespace

namespace {

YamlNode document(const Database& db) {
  YamlNode root = YamlNode::map(true);
  yaml_detail::add_top_level(root, db);
  if (!db.schemas.empty()) {
    YamlNode schemas = YamlNode::map(true);
    for (const auto& [name, s] : db.schemas) {
      schemas.add(name, yaml_detail::schema_node(db, s, true));
    }
    root.add("schemas", schemas);
  }
  return root;
}

}  // namespace

std::string to_yaml(const Database& db) { return document(db).emit(); }

void write_yaml(const Database& db, std::ostream& out) { document(db).emit(out); }

void write_schema_dir(const Database& db, const std::filesystem::path& dir) {
  YamlNode top = YamlNode::map(true);
  yaml_detail::add_top_level(top, db);
  if (!top.empty()) {
    write_file(dir / "_database.yaml", top.emit());
  }
  for (const auto& [name, s] : db.schemas) {
    write_file(dir / (file_name(name) + ".yaml"), wrap_schema(name, yaml_detail::schema_node(db, s, false)).emit());
    for (const auto& [table_name, t] : s.tables) {
      YamlNode tables = YamlNode::map(true);
      tables.add(table_name, yaml_detail::table_node(db, t));
      YamlNode schema = YamlNode::map(true);
      schema.add("tables", tables);
      write_file(dir / file_name(name) / (file_name(table_name) + ".yaml"), wrap_schema(name, schema).emit());
    }
  }
}

}  // namespace pgshift::schema
