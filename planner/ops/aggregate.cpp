// This file implements aggregates: create, replace (CREATE OR REPLACE AGGREGATE when the state type
// and final function stay, else drop and create in one transaction), drop, comments and EXECUTE
// grants. An aggregate is created after its support functions and dropped before them (its steps
// use their keys); its own key is a function key, "function:s.name(args)", so that its comment and
// grants order after it and routines calling it can use it. A DROP loses the grants and comment:
// every step that drops an aggregate grants and comments it again after recreating it.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "planner/ops/common.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {

using namespace ops;

namespace {

std::string key_aggregate(const schema::Aggregate& a) { return keys::function(a.name.schema, a.key()); }

// GRANT and REVOKE name aggregates as functions.
std::string grant_target(const schema::Aggregate& a) {
  return "FUNCTION " + schema::qualified(a.name) + "(" + (a.identity_arguments == "*" ? "" : a.identity_arguments) + ")";
}

// The support functions' keys, every overload of each name `db` has, and the types it uses.
void add_uses(PlannedStep& ps, const schema::Aggregate& a, const schema::Database& db) {
  for (const auto& fn : a.support_functions()) {
    auto s = db.schemas.find(fn.schema);
    if (s == db.schemas.end()) continue;
    for (const auto& [key, f] : s->second.functions) {
      if (f.name.name == fn.name) ps.uses.insert(keys::function(fn.schema, key));
    }
  }
  for (const std::string* type : {&a.stype, a.mstype ? &*a.mstype : nullptr}) {
    if (type == nullptr) continue;
    std::string k = key_for_type_name(util::trim(*type), db);
    if (!k.empty()) ps.uses.insert(k);
  }
  if (a.identity_arguments != "*") {
    for (const auto& arg : util::split(a.identity_arguments, ',')) {
      std::string k = key_for_type_name(util::trim(arg), db);
      if (!k.empty()) ps.uses.insert(k);
    }
  }
  ps.uses.insert(keys::schema(a.name.schema));
}

std::set<std::string> managed_roles(const PlanContext& ctx) {
  return {ctx.desired.managed_roles.begin(), ctx.desired.managed_roles.end()};
}

// One privilege of one role, the unit GRANT and REVOKE work on.
std::set<std::pair<std::string, std::pair<std::string, bool>>> atoms(const std::vector<schema::Grant>& grants,
                                                                    const std::set<std::string>& managed) {
  std::set<std::pair<std::string, std::pair<std::string, bool>>> out;
  for (const auto& g : grants) {
    if (!managed.count(g.role)) continue;
    for (const auto& p : g.privileges) out.insert({g.role, {p, g.with_grant_option}});
  }
  return out;
}

schema::Grant to_grant(const std::pair<std::string, std::pair<std::string, bool>>& atom) {
  schema::Grant g;
  g.role = atom.first;
  g.privileges = {atom.second.first};
  g.with_grant_option = atom.second.second;
  return g;
}

// After CREATE AGGREGATE: the grants and comment of `a` (PUBLIC's default EXECUTE revoked when
// PUBLIC is managed and `a` has none).
std::string restore_grants_and_comment(const schema::Aggregate& a, const std::set<std::string>& managed) {
  std::string out;
  for (const auto& g : a.grants) {
    // PUBLIC's EXECUTE is what CREATE gives: granting it again would only turn the default ACL explicit.
    if (g.role == "public" && !g.with_grant_option && g.privileges == std::vector<std::string>{"EXECUTE"}) continue;
    out += ";\n" + ddl::grant(grant_target(a), g);
  }
  bool public_granted = std::any_of(a.grants.begin(), a.grants.end(), [](const schema::Grant& g) { return g.role == "public"; });
  if (managed.count("public") && !public_granted) {
    schema::Grant g;
    g.role = "public";
    g.privileges = {"EXECUTE"};
    out += ";\n" + ddl::revoke(grant_target(a), g);
  }
  if (a.comment) out += ";\n" + ddl::comment_on(ddl::aggregate_sql(a), a.comment);
  return out;
}

void plan_aggregate_grants(PlanContext& ctx, const schema::Aggregate& a, const schema::Aggregate* cur) {
  auto managed = managed_roles(ctx);
  if (managed.empty()) return;
  auto have = cur ? atoms(cur->grants, managed) : decltype(atoms({}, managed)){};
  auto want = atoms(a.grants, managed);
  std::vector<std::string> fwd, rev;
  for (const auto& atom : want) {
    if (have.count(atom)) continue;
    fwd.push_back(ddl::grant(grant_target(a), to_grant(atom)));
    rev.push_back(ddl::revoke(grant_target(a), to_grant(atom)));
  }
  for (const auto& atom : have) {
    if (want.count(atom)) continue;
    fwd.push_back(ddl::revoke(grant_target(a), to_grant(atom)));
    rev.push_back(ddl::grant(grant_target(a), to_grant(atom)));
  }
  if (fwd.empty()) return;
  const std::string display = "aggregate." + a.name.schema + "." + a.key();
  auto& ps = ctx.add(Phase::add, prio::grant,
                     make_step("set_privileges:" + display, '~', "privileges on " + display, "grants and revokes (catalog only)",
                               util::join(fwd, ";\n"), util::join(rev, ";\n"), "none"));
  ps.uses.insert(key_aggregate(a));
}

schema::Aggregate without_extras(schema::Aggregate a) {
  a.comment.reset();
  a.grants.clear();
  return a;
}

}  // namespace

void plan_aggregates(PlanContext& ctx) {
  const auto managed = managed_roles(ctx);
  for (const auto& [sn, des_schema] : ctx.desired.schemas) {
    const schema::Schema* cur_schema = ctx.current.schemas.count(sn) ? &ctx.current.schemas.at(sn) : nullptr;
    for (const auto& [key, a] : des_schema.aggregates) {
      const schema::Aggregate* cur = cur_schema && cur_schema->aggregates.count(key) ? &cur_schema->aggregates.at(key) : nullptr;
      const std::string obj = "aggregate " + sn + "." + key;
      if (!cur) {
        auto& ps = ctx.add(Phase::add, prio::function,
                           make_step("create_aggregate:" + sn + "." + key, '+', obj, "creates the aggregate",
                                     ddl::create_aggregate(a), ddl::drop_aggregate(a), "none"));
        ps.creates.insert(key_aggregate(a));
        add_uses(ps, a, ctx.desired);
      } else if (!(without_extras(*cur) == without_extras(a))) {
        bool replace = cur->stype == a.stype && cur->finalfunc == a.finalfunc;
        schema::Aggregate a_with_cur = a;
        a_with_cur.grants = cur->grants;
        a_with_cur.comment = cur->comment;
        std::string fwd = replace ? ddl::create_aggregate(a, true)
                                  : ddl::drop_aggregate(*cur) + ";\n" + ddl::create_aggregate(a) +
                                        restore_grants_and_comment(a_with_cur, managed);
        std::string rev = replace ? ddl::create_aggregate(*cur, true)
                                  : ddl::drop_aggregate(a) + ";\n" + ddl::create_aggregate(*cur) +
                                        restore_grants_and_comment(*cur, managed);
        auto& ps = ctx.add(Phase::add, prio::function,
                           make_step("replace_aggregate:" + sn + "." + key, '~', obj,
                                     replace ? "replaces the aggregate in place (CREATE OR REPLACE)"
                                             : "drops and recreates the aggregate in one transaction (its state type or final function changed)",
                                     fwd, rev, "none"));
        ps.creates.insert(key_aggregate(a));
        add_uses(ps, a, ctx.desired);
      }
      plan_comment(ctx, ddl::aggregate_sql(a), "aggregate." + sn + "." + key, obj, cur ? cur->comment : std::nullopt,
                   a.comment, key_aggregate(a));
      plan_aggregate_grants(ctx, a, cur);
    }
  }
  for (const auto& [sn, cur_schema] : ctx.current.schemas) {
    const schema::Schema* des_schema = ctx.desired.schemas.count(sn) ? &ctx.desired.schemas.at(sn) : nullptr;
    for (const auto& [key, a] : cur_schema.aggregates) {
      if (des_schema && des_schema->aggregates.count(key)) continue;
      auto& ps = ctx.add(Phase::drop, prio::drop_function,
                         make_step("drop_aggregate:" + sn + "." + key, '-', "aggregate " + sn + "." + key,
                                   "drops the aggregate", ddl::drop_aggregate(a),
                                   ddl::create_aggregate(a) + restore_grants_and_comment(a, managed), "none"));
      ps.drops.insert(key_aggregate(a));
      add_uses(ps, a, ctx.current);
      ps.step.hazards.push_back(hazards::backward_incompatible("old code calling " + sn + "." + key + " fails"));
    }
  }
}

}  // namespace pgshift::planner
