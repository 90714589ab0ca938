// This file implements privileges: GRANT and REVOKE on schemas, tables, views, sequences, functions and
// types (enums, domains, composites), compared only for the roles the desired schema lists as managed;
// and ALTER DEFAULT PRIVILEGES.
//
// The model holds the effective ACL (introspect reads a NULL ACL as acldefault()), so an object whose
// PUBLIC EXECUTE / USAGE was revoked simply lacks that grant. A new object is not created with an
// empty ACL: it gets the built-in default (EXECUTE to PUBLIC on routines, USAGE to PUBLIC on types) and
// whatever default privileges apply; its grants are made exact after its CREATE. Within one object,
// every REVOKE runs before every GRANT: revoking a table privilege also revokes it from each column,
// so a column grant replacing a table grant must come second.
#include "planner/ops/grant.hpp"

#include <fmt/format.h>

#include <functional>
#include <map>
#include <optional>
#include <set>

#include "planner/ops/common.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {

using namespace ops;
using schema::qualified;

namespace {

// One privilege of one role on some columns (none: the whole object), the unit GRANT and REVOKE work on.
using AtomKey = std::tuple<std::string, std::string, std::vector<std::string>>;
// The privileges held: atom -> with grant option.
using Acl = std::map<AtomKey, bool>;

void hold(Acl& acl, const AtomKey& key, bool grantable) {
  auto [it, inserted] = acl.try_emplace(key, grantable);
  if (!inserted) it->second = it->second || grantable;
}

Acl acl_of(const std::vector<schema::Grant>& grants, const std::set<std::string>& managed) {
  Acl out;
  for (const auto& g : grants) {
    if (!managed.count(g.role)) continue;
    for (const auto& p : g.privileges) hold(out, {g.role, p, g.columns}, g.with_grant_option);
  }
  return out;
}

// The SQL of one kind of target (an object, or the default privileges of one scope); each takes a
// grant of one role on one column list, with one or more privileges.
struct Sql {
  std::function<std::string(const schema::Grant&)> grant;          // GRANT ... [WITH GRANT OPTION]
  std::function<std::string(const schema::Grant&)> revoke;         // REVOKE ...
  std::function<std::string(const schema::Grant&)> revoke_option;  // REVOKE GRANT OPTION FOR ...
};

Sql object_sql(const std::string& object) {
  return {[object](const schema::Grant& g) { return ddl::grant(object, g); },
          [object](const schema::Grant& g) { return ddl::revoke(object, g); },
          [object](const schema::Grant& g) { return ddl::revoke_grant_option(object, g); }};
}

// Atoms to statements: one per (role, columns, grant option), its privileges in order.
class Batch {
 public:
  void add(const AtomKey& a, bool grantable) {
    m_groups[{std::get<0>(a), std::get<2>(a), grantable}].push_back(std::get<1>(a));
  }
  void render(const std::function<std::string(const schema::Grant&)>& fn, std::vector<std::string>& out) const {
    for (const auto& [k, privileges] : m_groups) {
      const auto& [role, columns, grantable] = k;
      out.push_back(fn(schema::Grant{role, privileges, columns, grantable}));
    }
  }

 private:
  std::map<std::tuple<std::string, std::vector<std::string>, bool>, std::vector<std::string>> m_groups;
};

// Statements of one direction, every revoke before every grant.
struct Ordered {
  Batch revokes, revoke_options, grants;
  std::vector<std::string> render(const Sql& sql) const {
    std::vector<std::string> out;
    revokes.render(sql.revoke, out);
    revoke_options.render(sql.revoke_option, out);
    grants.render(sql.grant, out);
    return out;
  }
};

// Forward and reverse statements taking `have` to `want`. `maybe`: privileges the object may hold
// without pgshift knowing for sure (default privileges of a new object: they depend on the role that
// creates it); they are revoked when not wanted, and wanted privileges are granted even if listed there.
std::pair<std::vector<std::string>, std::vector<std::string>> diff_acl(const Sql& sql, const Acl& have, const Acl& want,
                                                                       const Acl& maybe = {}) {
  Ordered fwd, rev;
  std::set<AtomKey> keys;
  for (const auto* acl : {&have, &want, &maybe}) {
    for (const auto& [k, _] : *acl) keys.insert(k);
  }
  auto find = [](const Acl& acl, const AtomKey& k) -> std::optional<bool> {
    auto it = acl.find(k);
    return it == acl.end() ? std::nullopt : std::optional<bool>(it->second);
  };
  for (const auto& k : keys) {
    auto h = find(have, k), w = find(want, k), m = find(maybe, k);
    bool may_have_option = (h && *h) || (m && *m);
    if (w) {
      if (!h || (*w && !*h)) {
        fwd.grants.add(k, *w);
        if (h) rev.revoke_options.add(k, true);
        else rev.revokes.add(k, false);
      }
      if (!*w && may_have_option) {
        fwd.revoke_options.add(k, true);
        rev.grants.add(k, true);
      }
    } else if (h || m) {
      fwd.revokes.add(k, false);
      rev.grants.add(k, may_have_option);
    }
  }
  return {fwd.render(sql), rev.render(sql)};
}

std::set<std::string> managed_roles(const PlanContext& ctx) {
  return {ctx.desired.managed_roles.begin(), ctx.desired.managed_roles.end()};
}

// What a new object certainly holds: PostgreSQL's built-in default ACL, less the owner (acldefault).
Acl builtin_default(const std::string& object_type, const std::set<std::string>& managed) {
  Acl out;
  if (!managed.count("public")) return out;
  if (object_type == "functions") out[{"public", "EXECUTE", {}}] = false;
  if (object_type == "types") out[{"public", "USAGE", {}}] = false;
  return out;
}

// What a new object may hold: the default privileges, before or after this plan, that apply to its
// kind and schema, whichever role they are for.
Acl possible_defaults(const PlanContext& ctx, const NewObject& object, const std::set<std::string>& managed) {
  Acl out;
  for (const auto* list : {&ctx.current.default_privileges, &ctx.desired.default_privileges}) {
    for (const auto& d : *list) {
      if (d.object_type != object.object_type || !managed.count(d.grant.role)) continue;
      if (!d.schema.empty() && (object.object_type == "schemas" || d.schema != object.schema)) continue;
      for (const auto& p : d.grant.privileges) hold(out, {d.grant.role, p, {}}, d.grant.with_grant_option);
    }
  }
  return out;
}

void add_step(PlanContext& ctx, const std::string& display, const std::string& use_key, const std::vector<std::string>& fwd,
              const std::vector<std::string>& rev, const std::string& description) {
  if (fwd.empty()) return;
  auto& ps = ctx.add(Phase::add, prio::grant,
                     make_step("set_privileges:" + display, '~', "privileges on " + display, description,
                               util::join(fwd, ";\n"), util::join(rev, ";\n"), "none"));
  ps.uses.insert(use_key);
}

void plan_object_grants(PlanContext& ctx, const NewObject& object, const std::string& display, const std::string& use_key,
                        const std::vector<schema::Grant>* cur, const std::vector<schema::Grant>& des,
                        const std::set<std::string>& managed) {
  if (cur == nullptr) {
    auto sql = new_object_grant_sql(ctx, object, des);
    add_step(ctx, display, use_key, sql.forward, sql.reverse, "makes the new object's grants exact (catalog only)");
    return;
  }
  auto [fwd, rev] = diff_acl(object_sql(object.object_sql), acl_of(*cur, managed), acl_of(des, managed));
  add_step(ctx, display, use_key, fwd, rev, "grants and revokes (catalog only)");
}

template <typename Map, typename KeyFn>
void plan_type_grants(PlanContext& ctx, const Map& desired, const Map* current, KeyFn&& key, const std::string& sn,
                      const std::set<std::string>& managed) {
  for (const auto& [name, t] : desired) {
    const auto* c = current && current->count(name) ? &current->at(name).grants : nullptr;
    plan_object_grants(ctx, {"TYPE " + qualified(t.name), "types", sn}, "type." + t.name.display(), key(t.name), c,
                       t.grants, managed);
  }
}

// ALTER DEFAULT PRIVILEGES, one privilege of one role in one scope at a time.
using DefaultKey = std::tuple<std::string, std::string, std::string>;  // owner, schema, object_type

std::string default_scope(const DefaultKey& scope) {
  const auto& [owner, schema_name, object_type] = scope;
  std::string out = "ALTER DEFAULT PRIVILEGES";
  if (!owner.empty()) out += " FOR ROLE " + schema::quote_ident(owner);
  if (!schema_name.empty()) out += " IN SCHEMA " + schema::quote_ident(schema_name);
  return out;
}

void plan_default_privileges(PlanContext& ctx, const std::set<std::string>& managed) {
  auto by_scope = [&](const std::vector<schema::DefaultPrivilege>& list) {
    std::map<DefaultKey, Acl> out;
    for (const auto& d : list) {
      if (!managed.count(d.grant.role)) continue;
      auto& acl = out[{d.owner, d.schema, d.object_type}];
      for (const auto& p : d.grant.privileges) hold(acl, {d.grant.role, p, {}}, d.grant.with_grant_option);
    }
    return out;
  };
  auto have = by_scope(ctx.current.default_privileges);
  auto want = by_scope(ctx.desired.default_privileges);
  std::set<DefaultKey> scopes;
  for (const auto& [k, _] : have) scopes.insert(k);
  for (const auto& [k, _] : want) scopes.insert(k);
  std::vector<std::string> fwd, rev;
  for (const auto& scope : scopes) {
    std::string head = default_scope(scope);
    std::string on = " ON " + util::to_upper_ascii(std::get<2>(scope));
    auto privs = [](const schema::Grant& g) { return util::join(g.privileges, ", "); };
    Sql sql{[=](const schema::Grant& g) {
              return head + " GRANT " + privs(g) + on + " TO " + ddl::role_sql(g.role) +
                     (g.with_grant_option ? " WITH GRANT OPTION" : "");
            },
            [=](const schema::Grant& g) { return head + " REVOKE " + privs(g) + on + " FROM " + ddl::role_sql(g.role); },
            [=](const schema::Grant& g) {
              return head + " REVOKE GRANT OPTION FOR " + privs(g) + on + " FROM " + ddl::role_sql(g.role);
            }};
    static const Acl none;
    auto h = have.find(scope), w = want.find(scope);
    auto [f, r] = diff_acl(sql, h == have.end() ? none : h->second, w == want.end() ? none : w->second);
    fwd.insert(fwd.end(), f.begin(), f.end());
    rev.insert(rev.end(), r.begin(), r.end());
  }
  if (fwd.empty()) return;
  ctx.add(Phase::add, prio::grant,
          make_step("set_default_privileges:database", '~', "default privileges", "changes default privileges (catalog only)",
                    util::join(fwd, ";\n"), util::join(rev, ";\n"), "none"));
}

}  // namespace

namespace ops {

GrantSql new_object_grant_sql(const PlanContext& ctx, const NewObject& object, const std::vector<schema::Grant>& desired) {
  auto managed = managed_roles(ctx);
  if (managed.empty()) return {};
  auto [fwd, rev] = diff_acl(object_sql(object.object_sql), builtin_default(object.object_type, managed),
                             acl_of(desired, managed), possible_defaults(ctx, object, managed));
  return {std::move(fwd), std::move(rev)};
}

}  // namespace ops

void plan_grants(PlanContext& ctx) {
  auto managed = managed_roles(ctx);
  if (managed.empty()) return;
  for (const auto& [sn, s] : ctx.desired.schemas) {
    const schema::Schema* cs = ctx.current.schemas.count(sn) ? &ctx.current.schemas.at(sn) : nullptr;
    plan_object_grants(ctx, {"SCHEMA " + schema::quote_ident(sn), "schemas", sn}, "schema." + sn, keys::schema(sn),
                       cs ? &cs->grants : nullptr, s.grants, managed);
    for (const auto& [tn, t] : s.tables) {
      const schema::Table* ct = ctx.current.find_table(t.name);
      plan_object_grants(ctx, {"TABLE " + qualified(t.name), "tables", sn}, "table." + t.name.display(), keys::table(t.name),
                         ct ? &ct->grants : nullptr, t.grants, managed);
    }
    for (const auto& [vn, v] : s.views) {
      const schema::View* cv = ctx.current.find_view(v.name);
      plan_object_grants(ctx, {"TABLE " + qualified(v.name), "tables", sn}, "view." + v.name.display(), keys::view(v.name),
                         cv ? &cv->grants : nullptr, v.grants, managed);
    }
    for (const auto& [qn, q] : s.sequences) {
      const schema::Sequence* cq = cs && cs->sequences.count(qn) ? &cs->sequences.at(qn) : nullptr;
      plan_object_grants(ctx, {"SEQUENCE " + qualified(q.name), "sequences", sn}, "sequence." + q.name.display(),
                         keys::sequence(q.name), cq ? &cq->grants : nullptr, q.grants, managed);
    }
    for (const auto& [fk, f] : s.functions) {
      const schema::Function* cf = cs && cs->functions.count(fk) ? &cs->functions.at(fk) : nullptr;
      std::string what = std::string(f.procedure ? "PROCEDURE " : "FUNCTION ") + qualified(f.name) + "(" + f.identity_arguments + ")";
      plan_object_grants(ctx, {what, "functions", sn}, "function." + sn + "." + fk, keys::function(sn, fk),
                         cf ? &cf->grants : nullptr, f.grants, managed);
    }
    auto type_key = [](const schema::QualifiedName& n) { return keys::type(n); };
    plan_type_grants(ctx, s.enums, cs ? &cs->enums : nullptr, type_key, sn, managed);
    plan_type_grants(ctx, s.domains, cs ? &cs->domains : nullptr, type_key, sn, managed);
    plan_type_grants(ctx, s.types, cs ? &cs->types : nullptr, type_key, sn, managed);
  }
  plan_default_privileges(ctx, managed);
}

}  // namespace pgshift::planner
