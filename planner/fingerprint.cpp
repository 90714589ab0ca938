// This file implements fingerprint(): SHA-256 over a direct walk of the model (every field but the
// hints, each length-prefixed and tagged), rather than over its YAML text, which costs as much as
// the rest of planning on large schemas. Equal models give equal fingerprints; any change gives
// another one. Order: the model's own (columns in order, maps sorted by name).
#include <cstdint>

#include "planner/planner.hpp"
#include "util/sha256.hpp"

namespace pgshift::planner {
namespace {

// Serialises fields into a buffer (varint length + bytes; small numbers as text) and hashes it in
// 64 KiB pieces: one SHA-256 update per field cost more than the hashing itself.
class Hasher {
 public:
  Hasher() { m_buf.reserve(k_flush + 4096); }
  void str(std::string_view s) {
    uint64_t n = s.size();
    while (n >= 0x80) {
      m_buf.push_back(static_cast<char>((n & 0x7f) | 0x80));
      n >>= 7;
    }
    m_buf.push_back(static_cast<char>(n));
    m_buf.append(s);
    if (m_buf.size() >= k_flush) flush();
  }
  void tag(const char* t) { str(t); }
  void flag(bool b) { str(b ? "1" : "0"); }
  void num(const std::optional<int64_t>& v) { str(v ? std::to_string(*v) : "-"); }
  void opt(const std::optional<std::string>& v) {
    flag(v.has_value());
    if (v) str(*v);
  }
  void expr(const std::optional<schema::Expr>& e) {
    flag(e.has_value());
    if (e) str(e->canonical);
  }
  void list(const std::vector<std::string>& v) {
    str(std::to_string(v.size()));
    for (const auto& s : v) str(s);
  }
  void qn(const schema::QualifiedName& q) {
    str(q.schema);
    str(q.name);
  }
  std::string done() {
    flush();
    return m_sha.hex_digest();
  }

 private:
  static constexpr size_t k_flush = 64 * 1024;
  void flush() {
    m_sha.update(m_buf);
    m_buf.clear();
  }
  util::Sha256 m_sha;
  std::string m_buf;
};

void grants(Hasher& h, const std::vector<schema::Grant>& gs) {
  h.tag("grants");
  for (const auto& g : gs) {
    h.str(g.role);
    h.list(g.privileges);
    h.list(g.columns);
    h.flag(g.with_grant_option);
  }
  h.tag("/grants");
}

void trigger(Hasher& h, const std::string& n, const schema::Trigger& tr) {
  h.tag("trigger");
  h.str(n);
  h.str(tr.timing);
  h.list(tr.events);
  h.list(tr.update_of);
  h.flag(tr.for_each_row);
  h.expr(tr.when);
  h.qn(tr.function);
  h.list(tr.arguments);
  // Hashed only when set, so the fingerprints of plans without these fields stay what they were.
  if (tr.enabled != "origin" || tr.constraint || tr.from || tr.old_table || tr.new_table) {
    h.tag("trigger_options");
    h.str(tr.enabled);
    h.flag(tr.constraint);
    h.flag(tr.from.has_value());
    if (tr.from) h.qn(*tr.from);
    h.flag(tr.deferrable);
    h.flag(tr.initially_deferred);
    h.opt(tr.old_table);
    h.opt(tr.new_table);
  }
  h.opt(tr.comment);
}

void index(Hasher& h, const schema::Index& i) {
  h.tag("index");
  h.str(i.name);
  for (const auto& e : i.elems) {
    h.opt(e.column);
    h.expr(e.expression);
    h.opt(e.collation);
    h.opt(e.opclass);
    h.flag(e.descending);
    h.str(e.nulls_first ? (*e.nulls_first ? "first" : "last") : "-");
  }
  h.flag(i.unique);
  h.flag(i.nulls_not_distinct);
  h.str(i.method);
  h.list(i.include);
  h.expr(i.where);
  if (!i.storage_parameters.empty()) {  // hashed only when set: fingerprints of models without them stay as they were
    h.tag("storage_parameters");
    for (const auto& [k, v] : i.storage_parameters) {
      h.str(k);
      h.str(v);
    }
  }
  h.opt(i.comment);
}

void column(Hasher& h, const schema::Column& c) {
  h.tag("column");
  h.str(c.name);
  h.str(c.type);
  h.flag(c.nullable);
  h.expr(c.default_value);
  h.flag(c.identity.has_value());
  if (c.identity) {
    const auto& id = *c.identity;
    h.str(id.generation);
    h.num(id.start);
    h.num(id.increment);
    h.num(id.min_value);
    h.num(id.max_value);
    h.num(id.cache);
    h.flag(id.cycle);
  }
  h.expr(c.generated);
  h.opt(c.collation);
  h.opt(c.comment);
}

void table(Hasher& h, const schema::Table& t) {
  h.tag("table");
  h.qn(t.name);
  for (const auto& c : t.columns) column(h, c);
  h.flag(t.primary_key.has_value());
  if (t.primary_key) {
    h.str(t.primary_key->name);
    h.list(t.primary_key->columns);
    h.opt(t.primary_key->comment);
  }
  for (const auto& [n, u] : t.uniques) {
    h.tag("unique");
    h.str(n);
    h.list(u.columns);
    h.flag(u.nulls_not_distinct);
    h.flag(u.deferrable);
    h.flag(u.initially_deferred);
    h.opt(u.comment);
  }
  for (const auto& [n, c] : t.checks) {
    h.tag("check");
    h.str(n);
    h.str(c.expression.canonical);
    h.flag(c.no_inherit);
    h.opt(c.comment);
  }
  for (const auto& [n, f] : t.foreign_keys) {
    h.tag("fk");
    h.str(n);
    h.list(f.columns);
    h.qn(f.ref_table);
    h.list(f.ref_columns);
    h.str(f.on_delete);
    h.str(f.on_update);
    h.str(f.match);
    h.flag(f.deferrable);
    h.flag(f.initially_deferred);
    h.opt(f.comment);
  }
  for (const auto& [n, x] : t.exclusions) {
    h.tag("exclusion");
    h.str(n);
    h.str(x.definition.canonical);
    h.opt(x.comment);
  }
  for (const auto& [n, i] : t.indexes) index(h, i);
  for (const auto& [n, tr] : t.triggers) trigger(h, n, tr);
  for (const auto& [n, p] : t.policies) {
    h.tag("policy");
    h.str(n);
    h.flag(p.permissive);
    h.str(p.command);
    h.list(p.roles);
    h.expr(p.using_expr);
    h.expr(p.with_check);
    h.opt(p.comment);
  }
  h.opt(t.partition_by);
  h.flag(t.partition_of.has_value());
  if (t.partition_of) h.qn(*t.partition_of);
  h.opt(t.partition_bound);
  h.flag(t.rls_enabled);
  h.flag(t.rls_forced);
  h.flag(t.unlogged);
  h.opt(t.comment);
  grants(h, t.grants);
}

void routines_and_types(Hasher& h, const schema::Schema& s) {
  for (const auto& [n, e] : s.enums) {
    h.tag("enum");
    h.qn(e.name);
    for (const auto& v : e.values) h.str(v.name);
    h.opt(e.comment);
    if (!e.grants.empty()) grants(h, e.grants);  // only when held by a managed role: older fingerprints stay
  }
  for (const auto& [n, d] : s.domains) {
    h.tag("domain");
    h.qn(d.name);
    h.str(d.type);
    h.flag(d.nullable);
    h.expr(d.default_value);
    h.opt(d.collation);
    for (const auto& [cn, c] : d.checks) {
      h.str(cn);
      h.str(c.expression.canonical);
    }
    h.opt(d.comment);
    if (!d.grants.empty()) grants(h, d.grants);  // only when held by a managed role: older fingerprints stay
  }
  for (const auto& [n, c] : s.types) {
    h.tag("composite");
    h.qn(c.name);
    for (const auto& a : c.attributes) {
      h.str(a.name);
      h.str(a.type);
      h.opt(a.collation);
    }
    h.opt(c.comment);
    if (!c.grants.empty()) grants(h, c.grants);  // only when held by a managed role: older fingerprints stay
  }
  for (const auto& [n, q] : s.sequences) {
    h.tag("sequence");
    h.qn(q.name);
    h.str(q.type);
    h.num(q.start);
    h.num(q.increment);
    h.num(q.min_value);
    h.num(q.max_value);
    h.num(q.cache);
    h.flag(q.cycle);
    h.opt(q.owned_by);
    h.opt(q.comment);
    grants(h, q.grants);
  }
  for (const auto& [n, f] : s.functions) {
    h.tag("function");
    h.qn(f.name);
    h.str(f.arguments);
    h.str(f.identity_arguments);
    h.str(f.returns);
    h.flag(f.procedure);
    h.str(f.language);
    h.str(f.body);
    h.str(f.volatility);
    h.flag(f.strict);
    h.flag(f.security_definer);
    h.str(f.parallel);
    h.flag(f.leakproof);
    h.str(std::to_string(f.cost) + "/" + std::to_string(f.rows));
    h.flag(f.standard_body);
    for (const auto& [k, v] : f.config) {
      h.str(k);
      h.str(v);
    }
    h.opt(f.comment);
    grants(h, f.grants);
  }
  for (const auto& [n, a] : s.aggregates) {
    h.tag("aggregate");
    h.qn(a.name);
    h.str(a.arguments);
    h.str(a.identity_arguments);
    for (const auto& fn : a.support_functions()) h.qn(fn);
    h.str(a.stype);
    h.flag(a.finalfunc.has_value());
    h.flag(a.combinefunc.has_value());
    h.flag(a.serialfunc.has_value());
    h.flag(a.deserialfunc.has_value());
    h.flag(a.msfunc.has_value());
    h.flag(a.minvfunc.has_value());
    h.flag(a.mfinalfunc.has_value());
    h.flag(a.finalfunc_extra);
    h.flag(a.mfinalfunc_extra);
    h.opt(a.initcond);
    h.opt(a.mstype);
    h.opt(a.minitcond);
    h.str(a.parallel);
    h.opt(a.comment);
    grants(h, a.grants);
  }
}

}  // namespace

std::string fingerprint(const schema::Database& db_in) {
  schema::Database db = db_in;
  schema::normalize(db);
  return fingerprint_normalized(db);
}

std::string fingerprint_normalized(const schema::Database& db) {
  Hasher h;
  h.tag("pgshift-fingerprint-2");
  for (const auto& [n, e] : db.extensions) {
    h.tag("extension");
    h.str(n);
    h.opt(e.schema);
    h.opt(e.version);
  }
  h.list(db.managed_roles);
  for (const auto& d : db.default_privileges) {
    h.tag("default_privilege");
    h.str(d.owner);
    h.str(d.schema);
    h.str(d.object_type);
    h.str(d.grant.role);
    h.list(d.grant.privileges);
    h.flag(d.grant.with_grant_option);
  }
  for (const auto& [sn, s] : db.schemas) {
    h.tag("schema");
    h.str(sn);
    h.opt(s.comment);
    grants(h, s.grants);
    routines_and_types(h, s);
    for (const auto& [tn, t] : s.tables) table(h, t);
    for (const auto& [vn, v] : s.views) {
      h.tag("view");
      h.qn(v.name);
      h.str(v.query.canonical);
      h.flag(v.materialized);
      h.list(v.columns);
      h.opt(v.check_option);
      h.flag(v.security_invoker);
      if (v.security_barrier) h.tag("security_barrier");
      if (!v.storage_parameters.empty()) {
        h.tag("storage_parameters");
        for (const auto& [k, val] : v.storage_parameters) {
          h.str(k);
          h.str(val);
        }
      }
      for (const auto& [in, i] : v.indexes) index(h, i);
      for (const auto& [tn, tr] : v.triggers) trigger(h, tn, tr);
      h.opt(v.comment);
      grants(h, v.grants);
    }
  }
  return h.done();
}

}  // namespace pgshift::planner
