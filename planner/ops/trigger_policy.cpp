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

}  // namespace

void plan_triggers(PlanContext& ctx, const schema::Table* cur, const schema::Table& des) {
  for (const auto& [n, tr] : des.triggers) {
    const schema::Trigger* old = cur && cur->triggers.count(n) ? &cur->triggers.at(n) : nullptr;
    std::string id = des.name.display() + "." + n;
    auto strip = [](schema::Trigger t) { t.comment.reset(); return t; };
    if (!old || !(strip(*old) == strip(tr))) {
      auto& ps = ctx.add(Phase::add, prio::trigger,
                         make_step((old ? "replace_trigger:" : "create_trigger:") + id, old ? '~' : '+', "trigger " + id,
                                   old ? "replaces the trigger in place" : "creates the trigger",
                                   ddl::create_trigger(des.name, tr, old != nullptr),
                                   old ? ddl::create_trigger(des.name, *old, true) : ddl::drop_trigger(des.name, n),
                                   "SHARE ROW EXCLUSIVE on " + des.name.display() + " (brief)"));
      ps.uses.insert(keys::table(des.name));
      ps.uses.insert(keys::columns_of(des.name));
      ps.uses.insert(key_trigger_function(tr));
      ps.creates.insert(keys::trigger(des.name, n));
    }
    plan_comment(ctx, "TRIGGER " + quote_ident(n) + " ON " + qualified(des.name), "trigger." + id, "trigger " + id,
                 old ? old->comment : std::nullopt, tr.comment, keys::trigger(des.name, n));
  }
  if (!cur) return;
  for (const auto& [n, tr] : cur->triggers) {
    if (des.triggers.count(n)) continue;
    std::string id = des.name.display() + "." + n;
    auto& ps = ctx.add(Phase::drop, prio::drop_trigger,
                       make_step("drop_trigger:" + id, '-', "trigger " + id, "drops the trigger", ddl::drop_trigger(des.name, n),
                                 ddl::create_trigger(des.name, tr), "SHARE ROW EXCLUSIVE on " + des.name.display() + " (brief)"));
    ps.drops.insert(keys::trigger(des.name, n));
    ps.uses.insert(keys::table(des.name));
    ps.uses.insert(key_trigger_function(tr));
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
