// This file implements triggers (CREATE OR REPLACE TRIGGER for changes) and row-level security policies.
#include <fmt/format.h>

#include "planner/ops/table_ops.hpp"

namespace pgshift::planner::ops {

using schema::qualified;
using schema::quote_ident;

namespace {

std::string key_trigger_function(const schema::Trigger& tr) {
  return keys::function(tr.function.schema, tr.function.name + "()");
}

// The relation a set of triggers belongs to: a table, or a view (whose triggers are INSTEAD OF or
// statement level, and die with the view when it is dropped or recreated).
struct Owner {
  const schema::QualifiedName& name;
  bool view = false;
  std::string lock() const { return "SHARE ROW EXCLUSIVE on " + name.display() + " (brief)"; }
};

void use_owner(PlannedStep& ps, const Owner& o, const schema::Trigger& tr) {
  if (o.view) {
    ps.uses.insert(keys::view(o.name));
  } else {
    ps.uses.insert(keys::table(o.name));
    ps.uses.insert(keys::columns_of(o.name));
  }
  ps.uses.insert(key_trigger_function(tr));
  if (tr.from) ps.uses.insert(keys::table(*tr.from));
}

// CREATE OR REPLACE TRIGGER cannot touch a constraint trigger: those are dropped and created again,
// in the same transaction, with the comment (the DROP takes it away).
std::string replace_sql(const Owner& o, const schema::Trigger& from, const schema::Trigger& to) {
  if (!from.constraint && !to.constraint) return ddl::create_trigger(o.name, to, true);
  std::string sql = ddl::drop_trigger(o.name, from.name) + ";\n" + ddl::create_trigger(o.name, to);
  return to.comment ? sql + ";\n" + trigger_comment_sql(o.name, to) : sql;
}

void plan_trigger_change(PlanContext& ctx, const Owner& o, const schema::Trigger* old, const schema::Trigger& tr) {
  const std::string id = o.name.display() + "." + tr.name;
  auto definition = [](schema::Trigger t) {
    t.comment.reset();
    t.enabled = "origin";
    return t;
  };
  if (!old || !(definition(*old) == definition(tr))) {
    auto& ps = ctx.add(Phase::add, prio::trigger,
                       make_step((old ? "replace_trigger:" : "create_trigger:") + id, old ? '~' : '+', "trigger " + id,
                                 old ? "replaces the trigger in place" : "creates the trigger",
                                 old ? replace_sql(o, *old, tr) : ddl::create_trigger(o.name, tr),
                                 old ? replace_sql(o, tr, *old) : ddl::drop_trigger(o.name, tr.name), o.lock()));
    use_owner(ps, o, tr);
    ps.creates.insert(keys::trigger(o.name, tr.name));
  } else if (old->enabled != tr.enabled) {
    auto& ps = ctx.add(Phase::add, prio::trigger,
                       make_step((tr.enabled == "disabled" ? "disable_trigger:" : "enable_trigger:") + id, '~', "trigger " + id,
                                 "sets when the trigger fires (catalog only)", ddl::enable_trigger(o.name, tr.name, tr.enabled),
                                 ddl::enable_trigger(o.name, tr.name, old->enabled), o.lock()));
    use_owner(ps, o, tr);
  }
  plan_comment(ctx, "TRIGGER " + quote_ident(tr.name) + " ON " + qualified(o.name), "trigger." + id, "trigger " + id,
               old ? old->comment : std::nullopt, tr.comment, keys::trigger(o.name, tr.name));
}

void plan_trigger_set(PlanContext& ctx, const Owner& o, const std::map<std::string, schema::Trigger>* cur,
                      const std::map<std::string, schema::Trigger>& des) {
  for (const auto& [n, tr] : des) {
    plan_trigger_change(ctx, o, cur && cur->count(n) ? &cur->at(n) : nullptr, tr);
  }
  if (!cur) return;
  for (const auto& [n, tr] : *cur) {
    if (des.count(n)) continue;
    std::string id = o.name.display() + "." + n;
    auto& ps = ctx.add(Phase::drop, prio::drop_trigger,
                       make_step("drop_trigger:" + id, '-', "trigger " + id, "drops the trigger", ddl::drop_trigger(o.name, n),
                                 ddl::create_trigger(o.name, tr) + (tr.comment ? ";\n" + trigger_comment_sql(o.name, tr) : ""),
                                 o.lock()));
    ps.drops.insert(keys::trigger(o.name, n));
    ps.uses.insert(o.view ? keys::view(o.name) : keys::table(o.name));
    ps.uses.insert(key_trigger_function(tr));
  }
}

}  // namespace

std::string trigger_comment_sql(const schema::QualifiedName& rel, const schema::Trigger& tr) {
  return ddl::comment_on("TRIGGER " + quote_ident(tr.name) + " ON " + qualified(rel), tr.comment);
}

void plan_triggers(PlanContext& ctx, const schema::Table* cur, const schema::Table& des) {
  plan_trigger_set(ctx, Owner{des.name, false}, cur ? &cur->triggers : nullptr, des.triggers);
}

void plan_view_triggers(PlanContext& ctx, const schema::View* cur, const schema::View& des) {
  plan_trigger_set(ctx, Owner{des.name, true}, cur ? &cur->triggers : nullptr, des.triggers);
}

void recreate_view_triggers(std::vector<std::string>& sql, const schema::View& cur, const schema::View* des) {
  std::map<std::string, schema::Trigger> triggers = cur.triggers;
  if (des) {
    for (const auto& [n, tr] : des->triggers) triggers[n] = tr;
  }
  for (const auto& [n, tr] : triggers) {
    sql.push_back(ddl::create_trigger(cur.name, tr));
    if (tr.comment) sql.push_back(trigger_comment_sql(cur.name, tr));
  }
}

void plan_policies(PlanContext& ctx, const schema::Table* cur, const schema::Table& des) {
  for (const auto& [n, p] : des.policies) {
    const schema::Policy* old = cur && cur->policies.count(n) ? &cur->policies.at(n) : nullptr;
    std::string id = des.name.display() + "." + n;
    auto strip = [](schema::Policy x) { x.comment.reset(); return x; };
    if (!old || !(strip(*old) == strip(p))) {
      std::string fwd = ddl::create_policy(des.name, p), rev = ddl::drop_policy(des.name, n);
      if (old) {
        fwd = ddl::drop_policy(des.name, n) + ";\n" + fwd;
        rev += ";\n" + ddl::create_policy(des.name, *old);
      }
      auto& ps = ctx.add(Phase::add, prio::policy,
                         make_step((old ? "replace_policy:" : "create_policy:") + id, old ? '~' : '+', "policy " + id,
                                   old ? "replaces the policy in one transaction" : "creates the policy", fwd, rev,
                                   "ACCESS EXCLUSIVE on " + des.name.display() + " (brief)"));
      ps.uses.insert(keys::table(des.name));
      ps.uses.insert(keys::columns_of(des.name));
      ps.creates.insert(keys::policy(des.name, n));
    }
    plan_comment(ctx, "POLICY " + quote_ident(n) + " ON " + qualified(des.name), "policy." + id, "policy " + id,
                 old ? old->comment : std::nullopt, p.comment, keys::policy(des.name, n));
  }
  if (!cur) return;
  for (const auto& [n, p] : cur->policies) {
    if (des.policies.count(n)) continue;
    std::string id = des.name.display() + "." + n;
    auto& ps = ctx.add(Phase::drop, prio::drop_policy,
                       make_step("drop_policy:" + id, '-', "policy " + id, "drops the policy", ddl::drop_policy(des.name, n),
                                 ddl::create_policy(des.name, p), "ACCESS EXCLUSIVE on " + des.name.display() + " (brief)"));
    ps.drops.insert(keys::policy(des.name, n));
    ps.uses.insert(keys::table(des.name));
  }
}

}  // namespace pgshift::planner::ops
