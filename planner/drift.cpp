// This file implements drift detection: it walks the desired and the introspected model side by
// side and records, per object, whether it is missing, extra, or changed (with the fields that differ
// and both definitions as short SQL-like text). A missing or extra table is one item, not one per column.
#include "planner/drift.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "util/strings.hpp"

namespace pgshift::planner {

namespace {

using namespace schema;

// ---- short definitions, for people (not SQL to run: names are not quoted) ----

std::string expr_text(const Expr& e) { return e.canonical.empty() ? e.source : e.canonical; }
std::string opt_text(const std::optional<std::string>& s) { return s ? *s : "(none)"; }
std::string list(const std::vector<std::string>& items) { return util::join(items, ", "); }

std::string describe(const Column& c) {
  std::string out = c.type;
  if (c.collation) out += " COLLATE " + *c.collation;
  if (!c.nullable) out += " NOT NULL";
  if (c.default_value) out += " DEFAULT " + expr_text(*c.default_value);
  if (c.generated) out += " GENERATED ALWAYS AS (" + expr_text(*c.generated) + ") STORED";
  if (c.identity) out += " GENERATED " + util::to_lower(c.identity->generation) + " AS IDENTITY";
  return out;
}

std::string describe(const IndexElem& e) {
  std::string out = e.column ? *e.column : e.expression ? "(" + expr_text(*e.expression) + ")" : "?";
  if (e.collation) out += " COLLATE " + *e.collation;
  if (e.opclass) out += " " + *e.opclass;
  if (e.descending) out += " DESC";
  if (e.nulls_first) out += *e.nulls_first ? " NULLS FIRST" : " NULLS LAST";
  return out;
}

std::string storage_text(const std::map<std::string, std::string>& parameters) {
  std::vector<std::string> items;
  for (const auto& [k, v] : parameters) items.push_back(k + "=" + v);
  return items.empty() ? "" : " WITH (" + list(items) + ")";
}

std::string describe(const Index& i) {
  std::vector<std::string> elems;
  for (const auto& e : i.elems) elems.push_back(describe(e));
  std::string out = fmt::format("{}INDEX USING {} ({})", i.unique ? "UNIQUE " : "", i.method, list(elems));
  if (!i.include.empty()) out += " INCLUDE (" + list(i.include) + ")";
  if (i.nulls_not_distinct) out += " NULLS NOT DISTINCT";
  out += storage_text(i.storage_parameters);
  if (i.where) out += " WHERE " + expr_text(*i.where);
  return out;
}

std::string deferrable(bool deferrable, bool initially_deferred) {
  return !deferrable ? "" : initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
}

std::string describe(const PrimaryKey& pk) { return fmt::format("CONSTRAINT {} PRIMARY KEY ({})", pk.name, list(pk.columns)); }

std::string describe(const UniqueConstraint& u) {
  return fmt::format("UNIQUE{} ({}){}", u.nulls_not_distinct ? " NULLS NOT DISTINCT" : "", list(u.columns),
                     deferrable(u.deferrable, u.initially_deferred));
}

std::string describe(const CheckConstraint& c) {
  return fmt::format("CHECK ({}){}", expr_text(c.expression), c.no_inherit ? " NO INHERIT" : "");
}

std::string describe(const ForeignKey& f) {
  std::string out = fmt::format("FOREIGN KEY ({}) REFERENCES {} ({})", list(f.columns), f.ref_table.display(),
                                list(f.ref_columns));
  if (f.match != "simple") out += " MATCH " + util::to_lower(f.match);
  if (f.on_delete != "no action") out += " ON DELETE " + f.on_delete;
  if (f.on_update != "no action") out += " ON UPDATE " + f.on_update;
  return out + deferrable(f.deferrable, f.initially_deferred);
}

std::string describe(const ExclusionConstraint& e) { return expr_text(e.definition); }

std::string describe(const Trigger& t) {
  std::vector<std::string> events;
  for (const auto& e : t.events) {
    events.push_back(e == "update" && !t.update_of.empty() ? "update of " + list(t.update_of) : e);
  }
  std::string out = fmt::format("{}{} {}", t.constraint ? "CONSTRAINT " : "", t.timing, util::join(events, " or "));
  if (t.from) out += " FROM " + t.from->display();
  if (t.constraint) out += deferrable(t.deferrable, t.initially_deferred);
  if (t.old_table) out += " OLD TABLE AS " + *t.old_table;
  if (t.new_table) out += " NEW TABLE AS " + *t.new_table;
  out += fmt::format(" FOR EACH {}", t.for_each_row ? "ROW" : "STATEMENT");
  if (t.when) out += " WHEN (" + expr_text(*t.when) + ")";
  out += fmt::format(" EXECUTE FUNCTION {}({})", t.function.display(), list(t.arguments));
  return t.enabled == "origin" ? out : out + " (" + t.enabled + ")";
}

std::string describe(const Policy& p) {
  std::string out = fmt::format("AS {} FOR {} TO {}", p.permissive ? "PERMISSIVE" : "RESTRICTIVE", p.command,
                                p.roles.empty() ? "public" : list(p.roles));
  if (p.using_expr) out += " USING (" + expr_text(*p.using_expr) + ")";
  if (p.with_check) out += " WITH CHECK (" + expr_text(*p.with_check) + ")";
  return out;
}

std::string describe(const Grant& g) {
  std::string out = list(g.privileges);
  if (!g.columns.empty()) out += " (" + list(g.columns) + ")";
  return out + " TO " + g.role + (g.with_grant_option ? " WITH GRANT OPTION" : "");
}

std::string describe(const std::vector<Grant>& grants) {
  std::vector<std::string> parts;
  for (const auto& g : grants) parts.push_back(describe(g));
  return parts.empty() ? "(none)" : util::join(parts, "; ");
}

std::string describe(const Table& t) {
  std::vector<std::string> parts;
  for (const auto& c : t.columns) parts.push_back(c.name + " " + describe(c));
  if (t.primary_key) parts.push_back(describe(*t.primary_key));
  std::string out = fmt::format("{}TABLE ({})", t.unlogged ? "UNLOGGED " : "", list(parts));
  if (t.partition_of) out += " PARTITION OF " + t.partition_of->display() + " " + t.partition_bound.value_or("");
  if (t.partition_by) out += " PARTITION BY " + *t.partition_by;
  if (t.rls_enabled) out += t.rls_forced ? " ROW LEVEL SECURITY FORCED" : " ROW LEVEL SECURITY";
  return out;
}

std::string describe(const View& v) {
  std::string out = v.materialized ? "MATERIALIZED VIEW" : "VIEW";
  if (!v.columns.empty()) out += " (" + list(v.columns) + ")";
  if (v.security_invoker) out += " WITH (security_invoker)";
  if (v.security_barrier) out += " WITH (security_barrier)";
  out += storage_text(v.storage_parameters);
  out += " AS " + expr_text(v.query);
  if (v.check_option) out += " WITH " + *v.check_option + " CHECK OPTION";
  return out;
}

std::string describe(const Sequence& s) {
  std::string out = "SEQUENCE AS " + s.type;
  auto num = [&](const char* word, const std::optional<int64_t>& v) {
    if (v) out += fmt::format(" {} {}", word, *v);
  };
  num("INCREMENT", s.increment);
  num("MINVALUE", s.min_value);
  num("MAXVALUE", s.max_value);
  num("START", s.start);
  num("CACHE", s.cache);
  if (s.cycle) out += " CYCLE";
  if (s.owned_by) out += " OWNED BY " + *s.owned_by;
  return out;
}

std::string describe(const Enum& e) {
  std::vector<std::string> values;
  for (const auto& v : e.values) values.push_back(v.name);
  return "ENUM (" + list(values) + ")";
}

std::string describe(const Domain& d) {
  std::string out = "DOMAIN AS " + d.type;
  if (d.collation) out += " COLLATE " + *d.collation;
  if (d.default_value) out += " DEFAULT " + expr_text(*d.default_value);
  if (!d.nullable) out += " NOT NULL";
  for (const auto& [name, check] : d.checks) out += fmt::format(" CONSTRAINT {} CHECK ({})", name, expr_text(check.expression));
  return out;
}

std::string describe(const CompositeType& t) {
  std::vector<std::string> attrs;
  for (const auto& a : t.attributes) attrs.push_back(a.name + " " + a.type + (a.collation ? " COLLATE " + *a.collation : ""));
  return "TYPE AS (" + list(attrs) + ")";
}

std::string describe(const Function& f) {
  std::string out = fmt::format("{} {}({})", f.procedure ? "PROCEDURE" : "FUNCTION", f.name.display(), f.arguments);
  if (!f.procedure) out += " RETURNS " + f.returns;
  out += " LANGUAGE " + f.language;
  if (f.volatility != "volatile") out += " " + util::to_upper_ascii(f.volatility);
  if (f.strict) out += " STRICT";
  if (f.security_definer) out += " SECURITY DEFINER";
  if (f.parallel != "unsafe") out += " PARALLEL " + util::to_upper_ascii(f.parallel);
  if (f.leakproof) out += " LEAKPROOF";
  if (f.cost != 100) out += fmt::format(" COST {}", f.cost);
  if (f.returns_set() && f.rows != 1000) out += fmt::format(" ROWS {}", f.rows);
  for (const auto& [key, value] : f.config) out += fmt::format(" SET {} = {}", key, value);
  return out + (f.standard_body ? " " + f.body : " AS $$" + f.body + "$$");
}

std::string describe(const Aggregate& a) {
  std::string out = fmt::format("AGGREGATE {}({}) (SFUNC = {}, STYPE = {}", a.name.display(), a.arguments, a.sfunc.display(), a.stype);
  auto fn = [&](const char* label, const std::optional<QualifiedName>& f) {
    if (f) out += fmt::format(", {} = {}", label, f->display());
  };
  fn("FINALFUNC", a.finalfunc);
  if (a.finalfunc_extra) out += ", FINALFUNC_EXTRA";
  fn("COMBINEFUNC", a.combinefunc);
  fn("SERIALFUNC", a.serialfunc);
  fn("DESERIALFUNC", a.deserialfunc);
  if (a.initcond) out += fmt::format(", INITCOND = '{}'", *a.initcond);
  fn("MSFUNC", a.msfunc);
  fn("MINVFUNC", a.minvfunc);
  if (a.mstype) out += ", MSTYPE = " + *a.mstype;
  fn("MFINALFUNC", a.mfinalfunc);
  if (a.mfinalfunc_extra) out += ", MFINALFUNC_EXTRA";
  if (a.minitcond) out += fmt::format(", MINITCOND = '{}'", *a.minitcond);
  if (a.parallel != "unsafe") out += ", PARALLEL = " + util::to_upper_ascii(a.parallel);
  return out + ")";
}

std::string describe(const Extension& e) {
  std::string out = "EXTENSION " + e.name;
  if (e.schema) out += " SCHEMA " + *e.schema;
  if (e.version) out += " VERSION " + *e.version;
  return out;
}

std::string describe(const DefaultPrivilege& d) {
  return fmt::format("{}IN SCHEMA {} GRANT {} ON {}", d.owner.empty() ? "" : "FOR ROLE " + d.owner + " ",
                     d.schema.empty() ? "(all)" : d.schema, describe(d.grant), d.object_type);
}

// ---- comparison ----

// The names of the fields that differ, in the order checked.
struct Fields {
  std::vector<std::string> names;
  template <class T>
  Fields& operator()(const char* name, const T& actual, const T& desired) {
    if (!(actual == desired)) names.push_back(name);
    return *this;
  }
  std::string text() const { return list(names); }
};

class Walker {
 public:
  Walker(const DriftOptions& options, std::vector<std::string> managed_roles)
      : m_options(options), m_roles(std::move(managed_roles)) {}

  DriftReport report;

  bool ignored(const std::string& name) const {
    return std::any_of(m_options.ignore_globs.begin(), m_options.ignore_globs.end(),
                       [&](const std::string& glob) { return util::glob_match(glob, name); });
  }

  void add(DriftStatus status, std::string_view kind, const std::string& name, std::string what, std::string expected,
           std::string actual) {
    if (ignored(name)) {
      ++report.ignored;
      return;
    }
    report.items.push_back({status, std::string(kind), name, std::move(what), std::move(expected), std::move(actual)});
  }

  template <class Map, class NameFn, class DescribeFn, class BothFn>
  void maps(const Map& actual, const Map& desired, std::string_view kind, NameFn name_of, DescribeFn describe_fn,
            BothFn both) {
    auto kind_of = [kind](const typename Map::mapped_type&) { return kind; };
    maps_by_kind(actual, desired, kind_of, name_of, describe_fn, both);
  }

  // Matches two name-keyed maps: missing, extra, and for pairs `both(actual, desired, name)`.
  template <class Map, class KindFn, class NameFn, class DescribeFn, class BothFn>
  void maps_by_kind(const Map& actual, const Map& desired, KindFn kind_of, NameFn name_of, DescribeFn describe_fn,
                    BothFn both) {
    std::set<typename Map::key_type> keys;
    for (const auto& [key, unused] : actual) keys.insert(key);
    for (const auto& [key, unused] : desired) keys.insert(key);
    for (const auto& key : keys) {
      auto a = actual.find(key);
      auto d = desired.find(key);
      std::string name = name_of(key);
      if (a == actual.end()) {
        add(DriftStatus::missing, kind_of(d->second), name, "", describe_fn(d->second), "");
      } else if (d == desired.end()) {
        add(DriftStatus::extra, kind_of(a->second), name, "", "", describe_fn(a->second));
      } else if (!(a->second == d->second)) {
        if (ignored(name)) {
          ++report.ignored;
        } else {
          both(a->second, d->second, name);
        }
      }
    }
  }

  void fields(std::string_view kind, const std::string& name, const Fields& f, const std::string& expected,
              const std::string& actual) {
    if (!f.names.empty()) add(DriftStatus::changed, kind, name, f.text(), expected, actual);
  }

  void comment(std::string_view on, const std::string& name, const std::optional<std::string>& actual,
               const std::optional<std::string>& desired) {
    if (actual != desired) add(DriftStatus::changed, "comment", name, fmt::format("on {}", on), opt_text(desired), opt_text(actual));
  }

  void grants(std::string_view on, const std::string& name, const std::vector<Grant>& actual,
              const std::vector<Grant>& desired) {
    auto a = managed(actual), d = managed(desired);
    if (a != d) add(DriftStatus::changed, "grant", name, fmt::format("on {}", on), describe(d), describe(a));
  }

  std::vector<Grant> managed(const std::vector<Grant>& grants) const {
    std::vector<Grant> out;
    for (const auto& g : grants) {
      if (std::find(m_roles.begin(), m_roles.end(), g.role) != m_roles.end()) out.push_back(g);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<DefaultPrivilege> managed(const std::vector<DefaultPrivilege>& privileges) const {
    std::vector<DefaultPrivilege> out;
    for (const auto& p : privileges) {
      if (std::find(m_roles.begin(), m_roles.end(), p.grant.role) != m_roles.end()) out.push_back(p);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  const DriftOptions& m_options;
  std::vector<std::string> m_roles;
};

template <class T>
auto describer() {
  return [](const T& value) { return describe(value); };
}

void compare_columns(Walker& w, const Table& a, const Table& d, const std::string& table) {
  std::map<std::string, Column> actual, desired;
  for (const auto& c : a.columns) actual.emplace(c.name, c);
  for (const auto& c : d.columns) desired.emplace(c.name, c);
  w.maps(actual, desired, "column", [&](const std::string& n) { return table + "." + n; }, describer<Column>(),
         [&](const Column& x, const Column& y, const std::string& name) {
           Fields f;
           f("type", x.type, y.type)("nullable", x.nullable, y.nullable)("default", x.default_value, y.default_value);
           f("identity", x.identity, y.identity)("generated", x.generated, y.generated)("collation", x.collation, y.collation);
           w.fields("column", name, f, describe(y), describe(x));
           w.comment("column", name, x.comment, y.comment);
         });
}

// Constraints, indexes, triggers and policies of one table (or the indexes of a materialized view).
template <class T>
void compare_children(Walker& w, const std::map<std::string, T>& a, const std::map<std::string, T>& d,
                      std::string_view kind, const std::string& parent) {
  w.maps(a, d, kind, [&](const std::string& n) { return parent + "." + n; }, describer<T>(),
         [&](const T& x, const T& y, const std::string& name) {
           T x_bare = x, y_bare = y;
           x_bare.comment.reset();
           y_bare.comment.reset();
           if (!(x_bare == y_bare)) w.add(DriftStatus::changed, kind, name, "definition", describe(y), describe(x));
           w.comment(kind, name, x.comment, y.comment);
         });
}

void compare_primary_key(Walker& w, const Table& a, const Table& d, const std::string& table) {
  std::map<std::string, PrimaryKey> actual, desired;
  if (a.primary_key) actual.emplace("", *a.primary_key);
  if (d.primary_key) desired.emplace("", *d.primary_key);
  std::string pk_name = d.primary_key ? d.primary_key->name : a.primary_key ? a.primary_key->name : "";
  w.maps(actual, desired, "primary key", [&](const std::string&) { return table + "." + pk_name; },
         describer<PrimaryKey>(), [&](const PrimaryKey& x, const PrimaryKey& y, const std::string& name) {
           Fields f;
           f("name", x.name, y.name)("columns", x.columns, y.columns);
           w.fields("primary key", name, f, describe(y), describe(x));
           w.comment("primary key", name, x.comment, y.comment);
         });
}

void compare_table(Walker& w, const Table& a, const Table& d, const std::string& name) {
  Fields f;
  f("partition by", a.partition_by, d.partition_by)("partition of", a.partition_of, d.partition_of);
  f("partition bound", a.partition_bound, d.partition_bound)("row level security", a.rls_enabled, d.rls_enabled);
  f("forced row level security", a.rls_forced, d.rls_forced)("unlogged", a.unlogged, d.unlogged);
  w.fields("table", name, f, describe(d), describe(a));
  compare_columns(w, a, d, name);
  compare_primary_key(w, a, d, name);
  compare_children(w, a.uniques, d.uniques, "unique", name);
  compare_children(w, a.checks, d.checks, "check", name);
  compare_children(w, a.foreign_keys, d.foreign_keys, "foreign key", name);
  compare_children(w, a.exclusions, d.exclusions, "exclusion", name);
  compare_children(w, a.indexes, d.indexes, "index", name);
  compare_children(w, a.triggers, d.triggers, "trigger", name);
  compare_children(w, a.policies, d.policies, "policy", name);
  w.comment("table", name, a.comment, d.comment);
  w.grants("table", name, a.grants, d.grants);
}

std::string view_kind(const View& v) { return v.materialized ? "materialized view" : "view"; }

void compare_views(Walker& w, const Schema& a, const Schema& d) {
  // A view that became materialized (or back) is one changed object, with "materialized" differing.
  w.maps_by_kind(a.views, d.views, view_kind, [&](const std::string& n) { return a.name + "." + n; }, describer<View>(),
         [&](const View& x, const View& y, const std::string& name) {
           Fields f;
           f("materialized", x.materialized, y.materialized)("query", x.query, y.query);
           if (!y.columns.empty()) f("columns", x.columns, y.columns);
           f("check option", x.check_option, y.check_option)("security_invoker", x.security_invoker, y.security_invoker)
               ("security_barrier", x.security_barrier, y.security_barrier);
           if (x.storage_parameters != y.storage_parameters) {
             f("storage parameters", storage_text(x.storage_parameters), storage_text(y.storage_parameters));
           }
           w.fields(view_kind(y), name, f, describe(y), describe(x));
           compare_children(w, x.indexes, y.indexes, "index", name);
           compare_children(w, x.triggers, y.triggers, "trigger", name);
           w.comment(view_kind(y), name, x.comment, y.comment);
           w.grants(view_kind(y), name, x.grants, y.grants);
         });
}

void compare_functions(Walker& w, const Schema& a, const Schema& d) {
  auto function_kind = [](const Function& f) { return f.procedure ? "procedure" : "function"; };
  w.maps_by_kind(a.functions, d.functions, function_kind, [&](const std::string& key) { return a.name + "." + key; },
         describer<Function>(), [&](const Function& x, const Function& y, const std::string& name) {
           Fields f;
           f("arguments", x.arguments, y.arguments)("returns", x.returns, y.returns)("kind", x.procedure, y.procedure);
           f("language", x.language, y.language)("body", x.body, y.body)("volatility", x.volatility, y.volatility);
           f("strict", x.strict, y.strict)("security definer", x.security_definer, y.security_definer);
           f("parallel", x.parallel, y.parallel)("config", x.config, y.config);
           f("leakproof", x.leakproof, y.leakproof)("cost", x.cost, y.cost)("rows", x.rows, y.rows);
           f("SQL-standard body", x.standard_body, y.standard_body);
           std::string_view kind = y.procedure ? "procedure" : "function";
           w.fields(kind, name, f, describe(y), describe(x));
           w.comment(kind, name, x.comment, y.comment);
           w.grants(kind, name, x.grants, y.grants);
         });
  w.maps_by_kind(a.aggregates, d.aggregates, [](const Aggregate&) { return "aggregate"; },
                 [&](const std::string& key) { return a.name + "." + key; }, describer<Aggregate>(),
                 [&](const Aggregate& x, const Aggregate& y, const std::string& name) {
                   Fields f;
                   f("definition", describe(x), describe(y));
                   w.fields("aggregate", name, f, describe(y), describe(x));
                   w.comment("aggregate", name, x.comment, y.comment);
                   w.grants("aggregate", name, x.grants, y.grants);
                 });
}

void compare_types(Walker& w, const Schema& a, const Schema& d) {
  auto qualify = [&](const std::string& n) { return a.name + "." + n; };
  w.maps(a.enums, d.enums, "enum", qualify, describer<Enum>(), [&](const Enum& x, const Enum& y, const std::string& name) {
    Fields f;
    f("values", x.values, y.values);
    w.fields("enum", name, f, describe(y), describe(x));
    w.comment("enum", name, x.comment, y.comment);
    w.grants("enum", name, x.grants, y.grants);
  });
  w.maps(a.domains, d.domains, "domain", qualify, describer<Domain>(),
         [&](const Domain& x, const Domain& y, const std::string& name) {
           Fields f;
           f("type", x.type, y.type)("nullable", x.nullable, y.nullable)("default", x.default_value, y.default_value);
           f("collation", x.collation, y.collation)("checks", x.checks, y.checks);
           w.fields("domain", name, f, describe(y), describe(x));
           w.comment("domain", name, x.comment, y.comment);
           w.grants("domain", name, x.grants, y.grants);
         });
  w.maps(a.types, d.types, "type", qualify, describer<CompositeType>(),
         [&](const CompositeType& x, const CompositeType& y, const std::string& name) {
           Fields f;
           f("attributes", x.attributes, y.attributes);
           w.fields("type", name, f, describe(y), describe(x));
           w.comment("type", name, x.comment, y.comment);
           w.grants("type", name, x.grants, y.grants);
         });
}

void compare_schema(Walker& w, const Schema& a, const Schema& d) {
  auto qualify = [&](const std::string& n) { return a.name + "." + n; };
  w.comment("schema", a.name, a.comment, d.comment);
  w.grants("schema", a.name, a.grants, d.grants);
  compare_types(w, a, d);
  w.maps(a.sequences, d.sequences, "sequence", qualify, describer<Sequence>(),
         [&](const Sequence& x, const Sequence& y, const std::string& name) {
           Fields f;
           f("type", x.type, y.type)("start", x.start, y.start)("increment", x.increment, y.increment);
           f("min value", x.min_value, y.min_value)("max value", x.max_value, y.max_value)("cache", x.cache, y.cache);
           f("cycle", x.cycle, y.cycle)("owned by", x.owned_by, y.owned_by);
           w.fields("sequence", name, f, describe(y), describe(x));
           w.comment("sequence", name, x.comment, y.comment);
           w.grants("sequence", name, x.grants, y.grants);
         });
  w.maps(a.tables, d.tables, "table", qualify, describer<Table>(),
         [&](const Table& x, const Table& y, const std::string& name) { compare_table(w, x, y, name); });
  compare_views(w, a, d);
  compare_functions(w, a, d);
}

std::string describe_schema(const Schema& s) {
  size_t objects = s.enums.size() + s.domains.size() + s.types.size() + s.sequences.size() + s.tables.size() +
                   s.views.size() + s.functions.size() + s.aggregates.size();
  return fmt::format("SCHEMA {} ({} objects)", s.name, objects);
}

void compare_default_privileges(Walker& w, const Database& a, const Database& d) {
  auto actual = w.managed(a.default_privileges), desired = w.managed(d.default_privileges);
  auto name_of = [](const DefaultPrivilege& p) { return p.schema.empty() ? std::string("*") : p.schema; };
  for (const auto& p : desired) {
    if (!std::binary_search(actual.begin(), actual.end(), p)) {
      w.add(DriftStatus::missing, "default privilege", name_of(p), "", describe(p), "");
    }
  }
  for (const auto& p : actual) {
    if (!std::binary_search(desired.begin(), desired.end(), p)) {
      w.add(DriftStatus::extra, "default privilege", name_of(p), "", "", describe(p));
    }
  }
}

}  // namespace

std::string_view drift_status_name(DriftStatus status) {
  switch (status) {
    case DriftStatus::changed: return "changed";
    case DriftStatus::extra: return "extra";
    case DriftStatus::missing: return "missing";
  }
  return "unknown";
}

DriftReport compute_drift(const Database& actual_in, const Database& desired_in, const DriftOptions& options) {
  Database actual = actual_in, desired = desired_in;
  strip_hints(actual);
  strip_hints(desired);
  normalize(actual);
  normalize(desired);
  Walker w(options, desired.managed_roles);
  w.maps(actual.extensions, desired.extensions, "extension", [](const std::string& n) { return n; },
         describer<Extension>(), [&](const Extension& x, const Extension& y, const std::string& name) {
           Fields f;
           f("schema", x.schema, y.schema);
           if (y.version) f("version", x.version, y.version);
           w.fields("extension", name, f, describe(y), describe(x));
         });
  w.maps(actual.schemas, desired.schemas, "schema", [](const std::string& n) { return n; }, describe_schema,
         [&](const Schema& x, const Schema& y, const std::string&) { compare_schema(w, x, y); });
  compare_default_privileges(w, actual, desired);
  w.report.notes = actual.unmanaged;
  return std::move(w.report);
}

}  // namespace pgshift::planner
