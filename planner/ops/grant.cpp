// This file implements privileges: GRANT and REVOKE on schemas, tables, views, sequences and functions,
// compared only for the roles the desired schema lists as managed; and ALTER DEFAULT PRIVILEGES.
#include <fmt/format.h>
#include <set>

#include "planner/ops/common.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {

using namespace ops;
using schema::qualified;

namespace {

// One privilege of one role (on some columns), the unit GRANT and REVOKE work on.
using GrantAtom = std::tuple<std::string, std::string, std::vector<std::string>, bool>;

std::set<GrantAtom> atoms(const std::vector<schema::Grant>& grants, const std::set<std::string>& managed) {
  std::set<GrantAtom> out;
  for (const auto& g : grants) {
    if (!managed.count(g.role)) continue;
    for (const auto& p : g.privileges) out.insert({g.role, p, g.columns, g.with_grant_option});
  }
  return out;
}

schema::Grant to_grant(const GrantAtom& a) {
  schema::Grant g;
  g.role = std::get<0>(a);
  g.privileges = {std::get<1>(a)};
  g.columns = std::get<2>(a);
  g.with_grant_option = std::get<3>(a);
  return g;
}

void plan_object_grants(PlanContext& ctx, const std::string& object_sql, const std::string& display, const std::string& use_key,
                        const std::vector<schema::Grant>* cur, const std::vector<schema::Grant>& des,
                        const std::set<std::string>& managed) {
  auto have = cur ? atoms(*cur, managed) : std::set<GrantAtom>{};
  auto want = atoms(des, managed);
  std::vector<std::string> fwd, rev;
  for (const auto& a : want) {
    if (have.count(a)) continue;
    fwd.push_back(ddl::grant(object_sql, to_grant(a)));
    rev.push_back(ddl::revoke(object_sql, to_grant(a)));
  }
  for (const auto& a : have) {
    if (want.count(a)) continue;
    fwd.push_back(ddl::revoke(object_sql, to_grant(a)));
    rev.push_back(ddl::grant(object_sql, to_grant(a)));
  }
  if (fwd.empty()) return;
  auto& ps = ctx.add(Phase::add, prio::grant,
                     make_step("set_privileges:" + display, '~', "privileges on " + display, "grants and revokes (catalog only)",
                               util::join(fwd, ";\n"), util::join(rev, ";\n"), "none"));
  ps.uses.insert(use_key);
}

}  // namespace

void plan_grants(PlanContext& ctx) {
  std::set<std::string> managed(ctx.desired.managed_roles.begin(), ctx.desired.managed_roles.end());
  if (managed.empty()) return;
  for (const auto& [sn, s] : ctx.desired.schemas) {
    const schema::Schema* cs = ctx.current.schemas.count(sn) ? &ctx.current.schemas.at(sn) : nullptr;
    plan_object_grants(ctx, "SCHEMA " + schema::quote_ident(sn), "schema." + sn, keys::schema(sn), cs ? &cs->grants : nullptr,
                       s.grants, managed);
    for (const auto& [tn, t] : s.tables) {
      const schema::Table* ct = ctx.current.find_table(t.name);
      plan_object_grants(ctx, "TABLE " + qualified(t.name), "table." + t.name.display(), keys::table(t.name),
                         ct ? &ct->grants : nullptr, t.grants, managed);
    }
    for (const auto& [vn, v] : s.views) {
      const schema::View* cv = ctx.current.find_view(v.name);
      plan_object_grants(ctx, "TABLE " + qualified(v.name), "view." + v.name.display(), keys::view(v.name),
                         cv ? &cv->grants : nullptr, v.grants, managed);
    }
    for (const auto& [qn, q] : s.sequences) {
      const schema::Sequence* cq = cs && cs->sequences.count(qn) ? &cs->sequences.at(qn) : nullptr;
      plan_object_grants(ctx, "SEQUENCE " + qualified(q.name), "sequence." + q.name.display(), keys::sequence(q.name),
                         cq ? &cq->grants : nullptr, q.grants, managed);
    }
    for (const auto& [fk, f] : s.functions) {
      const schema::Function* cf = cs && cs->functions.count(fk) ? &cs->functions.at(fk) : nullptr;
      std::string what = std::string(f.procedure ? "PROCEDURE " : "FUNCTION ") + qualified(f.name) + "(" + f.identity_arguments + ")";
      plan_object_grants(ctx, what, "function." + sn + "." + fk, keys::function(sn, fk), cf ? &cf->grants : nullptr,
                         f.grants, managed);
    }
  }
  // Default privileges.
  std::set<schema::DefaultPrivilege> have(ctx.current.default_privileges.begin(), ctx.current.default_privileges.end());
  std::set<schema::DefaultPrivilege> want(ctx.desired.default_privileges.begin(), ctx.desired.default_privileges.end());
  auto stmt = [](const schema::DefaultPrivilege& d, bool grant) {
    std::string out = "ALTER DEFAULT PRIVILEGES";
    if (!d.owner.empty()) out += " FOR ROLE " + schema::quote_ident(d.owner);
    if (!d.schema.empty()) out += " IN SCHEMA " + schema::quote_ident(d.schema);
    std::string privs = util::join(d.grant.privileges, ", ");
    std::string obj = util::to_upper_ascii(d.object_type);
    return out + (grant ? " GRANT " + privs + " ON " + obj + " TO " + ddl::role_sql(d.grant.role) +
                              (d.grant.with_grant_option ? " WITH GRANT OPTION" : "")
                        : " REVOKE " + privs + " ON " + obj + " FROM " + ddl::role_sql(d.grant.role));
  };
  std::vector<std::string> fwd, rev;
  for (const auto& d : want) {
    if (have.count(d) || !managed.count(d.grant.role)) continue;
    fwd.push_back(stmt(d, true));
    rev.push_back(stmt(d, false));
  }
  for (const auto& d : have) {
    if (want.count(d) || !managed.count(d.grant.role)) continue;
    fwd.push_back(stmt(d, false));
    rev.push_back(stmt(d, true));
  }
  if (!fwd.empty()) {
    ctx.add(Phase::add, prio::grant,
            make_step("set_default_privileges:database", '~', "default privileges", "changes default privileges (catalog only)",
                      util::join(fwd, ";\n"), util::join(rev, ";\n"), "none"));
  }
}

}  // namespace pgshift::planner
