// This file implements functions and procedures: create, replace (CREATE OR REPLACE when the
// signature and result allow it, else drop and create in one transaction), drop. A DROP loses the
// routine's grants and comment: every step that drops a routine (a drop's reverse, a drop and
// create replace both ways) grants and comments it again. SQL-standard bodies are bound when
// created: their steps use the tables, views and routines the body names.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "planner/ops/common.hpp"
#include "schema/expr.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {

using namespace ops;

namespace {

std::string key_function(const schema::Function& f) { return keys::function(f.name.schema, f.key()); }

void add_type_uses(PlannedStep& ps, const schema::Function& f, const schema::Database& db) {
  for (const auto& arg : util::split(f.identity_arguments, ',')) {
    std::string k = key_for_type_name(util::trim(arg), db);
    if (!k.empty()) ps.uses.insert(k);
  }
  std::string k = key_for_type_name(util::trim(f.returns), db);
  if (!k.empty()) ps.uses.insert(k);
  ps.uses.insert(keys::schema(f.name.schema));
}

bool can_replace(const schema::Function& a, const schema::Function& b) {
  return a.procedure == b.procedure && a.returns == b.returns && a.arguments == b.arguments;
}

std::string routine_sql(const schema::Function& f) {
  return std::string(f.procedure ? "PROCEDURE " : "FUNCTION ") + schema::qualified(f.name) + "(" + f.identity_arguments + ")";
}

// The grants and comment of `f` after it was created anew (CREATE gives PUBLIC its default EXECUTE;
// it is revoked when PUBLIC is a managed role of `db` without it).
std::string restore_grants_and_comment(const schema::Function& f, const schema::Database& db) {
  std::string out;
  const std::string what = routine_sql(f);
  for (const auto& g : f.grants) {
    // PUBLIC's EXECUTE is what CREATE gives: granting it again would only turn the default ACL explicit.
    if (g.role == "public" && !g.with_grant_option && g.privileges == std::vector<std::string>{"EXECUTE"}) continue;
    out += ";\n" + ddl::grant(what, g);
  }
  const auto& managed = db.managed_roles;
  bool public_managed = std::find(managed.begin(), managed.end(), "public") != managed.end();
  bool public_granted = std::any_of(f.grants.begin(), f.grants.end(), [](const schema::Grant& g) { return g.role == "public"; });
  if (public_managed && !public_granted) {
    schema::Grant g;
    g.role = "public";
    g.privileges = {"EXECUTE"};
    out += ";\n" + ddl::revoke(what, g);
  }
  if (f.comment) out += ";\n" + ddl::comment_on(what, f.comment);
  return out;
}

// The keys of what is bound when `f` is created, as `db` has them: the tables, views, routines and
// aggregates its argument defaults and its SQL-standard body name (every overload of a name called:
// calls are not resolved). String bodies are bound when called: only the defaults count then.
std::set<std::string> body_uses(const schema::Function& f, const schema::Database& db) {
  std::set<std::string> out;
  schema::Function bound = f;
  if (!bound.standard_body) {
    bound.standard_body = true;  // the signature with a body that names nothing
    bound.language = "sql";
    bound.body = "RETURN NULL";
  }
  for (const auto& ref : schema::routine_relations(bound)) {
    auto parts = util::split(ref, '.');
    if (parts.size() > 2) continue;
    schema::QualifiedName qn = parts.size() == 2 ? schema::QualifiedName{parts[0], parts[1]} : schema::QualifiedName{"public", ref};
    if (db.find_table(qn)) out.insert(keys::table(qn));
    if (db.find_view(qn)) out.insert(keys::view(qn));
    auto s = db.schemas.find(qn.schema);
    if (s == db.schemas.end()) continue;
    for (const auto& [key, g] : s->second.functions) {
      if (g.name.name == qn.name && key != f.key()) out.insert(keys::function(qn.schema, key));
    }
    for (const auto& [key, a] : s->second.aggregates) {
      if (a.name.name == qn.name) out.insert(keys::function(qn.schema, key));
    }
  }
  return out;
}

// `f` with the grants and comment of `cur`.
schema::Function with_extras(schema::Function f, const schema::Function& cur) {
  f.grants = cur.grants;
  f.comment = cur.comment;
  return f;
}

}  // namespace

namespace {

// PL/pgSQL and SQL bodies are bound when called, not when created (apply runs with
// check_function_bodies = off), so they take no place in the order of the steps; but a routine the
// desired schema keeps, whose body reads a table or view the plan drops or renames, fails once it
// runs: the plan says so, found by parsing the body with libpg_query.
void note_stale_bodies(PlanContext& ctx) {
  std::map<schema::QualifiedName, std::string> going;  // relation -> "drops" / "renames to x"
  for (const auto& [sn, s] : ctx.current.schemas) {
    for (const auto& [tn, t] : s.tables) {
      if (!ctx.desired.find_table(t.name)) going[t.name] = "drops";
    }
    for (const auto& [vn, v] : s.views) {
      if (!ctx.desired.find_view(v.name)) going[v.name] = "drops";
    }
  }
  for (const auto& [sn, s] : ctx.desired.schemas) {
    for (const auto& [tn, t] : s.tables) {
      if (t.renamed_from) going[{sn, *t.renamed_from}] = "renames to " + t.name.display();
    }
  }
  if (going.empty()) return;
  for (const auto& [sn, s] : ctx.desired.schemas) {
    for (const auto& [key, f] : s.functions) {
      for (const auto& ref : schema::routine_relations(f)) {
        auto parts = util::split(ref, '.');
        schema::QualifiedName qn = parts.size() == 2 ? schema::QualifiedName{parts[0], parts[1]} : schema::QualifiedName{"public", ref};
        auto it = going.find(qn);
        if (it == going.end()) continue;
        ctx.notes.push_back(fmt::format("{} {}.{} reads {}, which this plan {}: it fails when called after that step; update "
                                        "its body in the schema",
                                        f.procedure ? "procedure" : "function", sn, key, qn.display(), it->second));
      }
    }
  }
}

}  // namespace

void plan_functions(PlanContext& ctx) {
  note_stale_bodies(ctx);
  for (const auto& [sn, des_schema] : ctx.desired.schemas) {
    const schema::Schema* cur_schema = ctx.current.schemas.count(sn) ? &ctx.current.schemas.at(sn) : nullptr;
    for (const auto& [key, f] : des_schema.functions) {
      const schema::Function* cur = cur_schema && cur_schema->functions.count(key) ? &cur_schema->functions.at(key) : nullptr;
      std::string obj = (f.procedure ? "procedure " : "function ") + sn + "." + key;
      schema::Function f_nc = f;
      f_nc.comment.reset();
      f_nc.grants.clear();
      if (!cur) {
        auto& ps = ctx.add(Phase::add, prio::function,
                           make_step("create_function:" + sn + "." + key, '+', obj, "creates the routine",
                                     ddl::create_function(f), ddl::drop_function(f), "none"));
        ps.creates.insert(key_function(f));
        add_type_uses(ps, f, ctx.desired);
        ps.uses.merge(body_uses(f, ctx.desired));
      } else {
        schema::Function c_nc = *cur;
        c_nc.comment.reset();
        c_nc.grants.clear();
        if (!(c_nc == f_nc)) {
          bool replace = can_replace(*cur, f);
          // Dropped and created anew, the routine gets the current grants and comment back; the
          // grant and comment passes then change them from there.
          std::string fwd = replace ? ddl::create_function(f, true)
                                    : ddl::drop_function(*cur) + ";\n" + ddl::create_function(f) +
                                          restore_grants_and_comment(with_extras(f, *cur), ctx.desired);
          std::string rev = replace ? ddl::create_function(*cur, true)
                                    : ddl::drop_function(f) + ";\n" + ddl::create_function(*cur) +
                                          restore_grants_and_comment(*cur, ctx.desired);
          auto& ps = ctx.add(Phase::add, prio::function,
                             make_step("replace_function:" + sn + "." + key, '~', obj,
                                       replace ? "replaces the body in place (CREATE OR REPLACE)"
                                               : "drops and recreates the routine in one transaction (its result or arguments changed)",
                                       fwd, rev, "none"));
          ps.creates.insert(key_function(f));
          add_type_uses(ps, f, ctx.desired);
          ps.uses.merge(body_uses(f, ctx.desired));
        }
      }
      plan_comment(ctx, routine_sql(f), "function." + sn + "." + key, obj, cur ? cur->comment : std::nullopt, f.comment,
                   key_function(f));
    }
  }
  for (const auto& [sn, cur_schema] : ctx.current.schemas) {
    const schema::Schema* des_schema = ctx.desired.schemas.count(sn) ? &ctx.desired.schemas.at(sn) : nullptr;
    for (const auto& [key, f] : cur_schema.functions) {
      if (des_schema && des_schema->functions.count(key)) continue;
      auto& ps = ctx.add(Phase::drop, prio::drop_function,
                         make_step("drop_function:" + sn + "." + key, '-', (f.procedure ? "procedure " : "function ") + sn + "." + key,
                                   "drops the routine", ddl::drop_function(f),
                                   ddl::create_function(f) + restore_grants_and_comment(f, ctx.desired), "none"));
      ps.drops.insert(key_function(f));
      ps.uses.insert(keys::schema(sn));
      ps.uses.merge(body_uses(f, ctx.current));
      ps.step.hazards.push_back(hazards::backward_incompatible("old code calling " + sn + "." + key + " fails"));
    }
  }
}

}  // namespace pgshift::planner
