// This file implements the switch phase of the shadow column (shadow.hpp): one short transaction under
// ACCESS EXCLUSIVE moves defaults, identity, NOT NULL, keys, checks, foreign keys (also those of other
// tables pointing here), dependent views and sequence ownership to the new column; for a type change
// the two columns swap names. Moved checks and foreign keys come back NOT VALID and are validated right
// after, without blocking writes. The reverse undoes each of these in the same transaction.
#include <fmt/format.h>

#include <algorithm>

#include "planner/ddl.hpp"
#include "planner/hazards.hpp"
#include "planner/naming.hpp"
#include "planner/ops/common.hpp"
#include "planner/recipes/shadow_column/shadow.hpp"
#include "schema/expr.hpp"
#include "schema/sql_text.hpp"
#include "util/strings.hpp"

namespace pgshift::planner::recipes {

using schema::qualified;
using schema::quote_ident;

namespace {

// The switch's SQL, forward (sw) and reverse (un), in order, and what it leaves to validate.
struct SwitchSql {
  std::vector<std::string> sw, un;
  std::vector<std::pair<schema::QualifiedName, std::string>> validate;  // constraints added NOT VALID
  std::vector<const schema::View*> des_views;                          // the views over the table, desired
};

std::vector<std::string> identity_sql(const Shadow& s, const std::string& column, const schema::Identity& id) {
  std::string col = ddl::alter_column(s.table(), column);
  return {col + " ADD " + ddl::identity_clause(id), ddl::restart_identity_above_max(s.table(), column)};
}

void add_all(std::vector<std::string>& out, const std::vector<std::string>& more) { out.insert(out.end(), more.begin(), more.end()); }

// Views go first and come back last.
void views_go(PlanContext& ctx, const Shadow& s, SwitchSql& q) {
  for (auto it = s.views.rbegin(); it != s.views.rend(); ++it) q.sw.push_back(ddl::drop_view(**it));
  for (const auto* v : s.views) {
    if (const auto* dv = ctx.desired.find_view(v->name)) q.des_views.push_back(dv);
    ctx.views_handled.insert(v->name);
  }
  for (auto it = q.des_views.rbegin(); it != q.des_views.rend(); ++it) q.un.push_back(ddl::drop_view(**it));
}

// Constraints on (or pointing at) the old column go; in the reverse, those on the new one.
void constraints_go(const Shadow& s, SwitchSql& q) {
  const auto& T = s.table();
  for (const auto& [t, fk] : s.cur_incoming) q.sw.push_back(ddl::drop_constraint(t, fk.name));
  for (const auto& fk : s.cur_fks) q.sw.push_back(ddl::drop_constraint(T, fk.name));
  for (const auto& c : s.cur_checks) q.sw.push_back(ddl::drop_constraint(T, c.name));
  for (const auto& u : s.cur_uniques) q.sw.push_back(ddl::drop_constraint(T, u.name));
  if (s.cur_pk) q.sw.push_back(ddl::drop_constraint(T, s.cur_t.primary_key->name));
  for (const auto& [t, fk] : s.des_incoming) q.un.push_back(ddl::drop_constraint(t, fk.name));
  for (const auto& fk : s.des_fks) q.un.push_back(ddl::drop_constraint(T, fk.name));
  for (const auto& c : s.des_checks) q.un.push_back(ddl::drop_constraint(T, c.name));
  for (const auto& u : s.des_uniques) q.un.push_back(ddl::drop_constraint(T, u.name));
  if (s.des_pk) q.un.push_back(ddl::drop_constraint(T, s.des_t->primary_key->name));
}

// The old column's default and identity; the new column's come back in the reverse.
void defaults_go(const Shadow& s, SwitchSql& q) {
  const auto& T = s.table();
  if (s.cur.default_value && !s.cur.identity) q.sw.push_back(ddl::alter_column(T, s.oc) + " DROP DEFAULT");
  if (s.cur.identity) q.sw.push_back(ddl::alter_column(T, s.oc) + " DROP IDENTITY");
  if (s.des.default_value && !s.des.identity) q.un.push_back(ddl::alter_column(T, s.dc) + " DROP DEFAULT");
  if (s.des.identity) q.un.push_back(ddl::alter_column(T, s.dc) + " DROP IDENTITY");
  if (!s.des.nullable) {
    q.un.push_back(ddl::alter_column(T, s.dc) + " DROP NOT NULL");
    q.un.push_back(ddl::add_constraint(T, s.not_null_check(), "CHECK (" + quote_ident(s.dc) + " IS NOT NULL)", false));
  }
}

// Index names: the old ones step aside, the shadow ones take their names. The unique indexes of
// moved keys are rebuilt in the reverse for a later apply (the constraints took them).
void indexes_swap(const Shadow& s, SwitchSql& q) {
  const auto& T = s.table();
  std::vector<std::string> sw_idx, un_idx;
  for (const auto& idx : s.cur_indexes) {
    sw_idx.push_back(fmt::format("ALTER INDEX {} RENAME TO {}", qualified({T.schema, idx.name}), quote_ident(naming::old_index(idx.name))));
    un_idx.push_back(fmt::format("ALTER INDEX {} RENAME TO {}", qualified({T.schema, naming::old_index(idx.name)}), quote_ident(idx.name)));
  }
  for (const auto& idx : s.des_indexes) {
    sw_idx.push_back(fmt::format("ALTER INDEX {} RENAME TO {}", qualified({T.schema, naming::new_index(idx.name)}), quote_ident(idx.name)));
    un_idx.insert(un_idx.begin(), fmt::format("ALTER INDEX {} RENAME TO {}", qualified({T.schema, idx.name}),
                                              quote_ident(naming::new_index(idx.name))));
  }
  add_all(q.sw, sw_idx);
  add_all(q.un, un_idx);
  // The unique indexes of moved keys, rebuilt for a later apply (the constraints took them).
  if (s.des_pk) {
    q.un.push_back(ddl::create_index(T, index_on(key_index(s.des_t->primary_key->name, s.des_t->primary_key->columns, false), s.dc, s.dc), false,
                                   naming::new_index(s.des_t->primary_key->name)));
  }
  for (const auto& u : s.des_uniques) {
    q.un.push_back(ddl::create_index(T, key_index(u.name, u.columns, u.nulls_not_distinct), false, naming::new_index(u.name)));
  }
}

// For a type change the two columns swap names; the sync trigger turns to after-switch mode.
void columns_swap(const Shadow& s, SwitchSql& q) {
  const auto& T = s.table();
  if (!s.rename) {
    q.sw.push_back(fmt::format("{} RENAME COLUMN {} TO {}", ddl::alter_table(T), quote_ident(s.oc), quote_ident(s.old_after)));
    q.sw.push_back(fmt::format("{} RENAME COLUMN {} TO {}", ddl::alter_table(T), quote_ident(s.shadow), quote_ident(s.dc)));
    q.un.push_back(fmt::format("{} RENAME COLUMN {} TO {}", ddl::alter_table(T), quote_ident(s.dc), quote_ident(s.shadow)));
    q.un.push_back(fmt::format("{} RENAME COLUMN {} TO {}", ddl::alter_table(T), quote_ident(s.old_after), quote_ident(s.oc)));
  }
  q.sw.push_back(function_sql(s, true));
  q.un.push_back(function_sql(s, false));
}

// The new column's default, identity and NOT NULL (the validated helper check spares the scan).
void defaults_come(const Shadow& s, SwitchSql& q) {
  const auto& T = s.table();
  if (s.des.default_value && !s.des.identity) q.sw.push_back(ddl::alter_column(T, s.dc) + " SET DEFAULT " + schema::default_sql(*s.des.default_value));
  if (!s.des.nullable) {
    q.sw.push_back(ddl::alter_column(T, s.dc) + " SET NOT NULL");
    q.sw.push_back(ddl::drop_constraint(T, s.not_null_check()));
  }
  if (s.des.identity) add_all(q.sw, identity_sql(s, s.dc, *s.des.identity));  // needs NOT NULL first
  if (s.cur.default_value && !s.cur.identity) q.un.push_back(ddl::alter_column(T, s.oc) + " SET DEFAULT " + schema::default_sql(*s.cur.default_value));
  if (s.cur.identity) add_all(q.un, identity_sql(s, s.oc, *s.cur.identity));
}

// Keys from the shadow unique indexes; checks and foreign keys NOT VALID, validated next. The reverse
// puts the old keys back as they were (built under the lock: a rollback after the switch of a key
// column rebuilds its index).
void constraints_come(const Shadow& s, SwitchSql& q) {
  const auto& T = s.table();
  if (s.des_pk) {
    q.sw.push_back(fmt::format("{} ADD CONSTRAINT {} PRIMARY KEY USING INDEX {}", ddl::alter_table(T), quote_ident(s.des_t->primary_key->name),
                             quote_ident(naming::new_index(s.des_t->primary_key->name))));
  }
  for (const auto& u : s.des_uniques) {
    std::string clause = fmt::format("UNIQUE USING INDEX {}", quote_ident(naming::new_index(u.name)));
    if (u.deferrable) clause += u.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
    q.sw.push_back(ddl::add_constraint(T, u.name, clause));
  }
  for (const auto& c : s.des_checks) {
    q.sw.push_back(ddl::add_constraint(T, c.name, ddl::check_clause(c), true));
    q.validate.push_back({T, c.name});
  }
  for (const auto& fk : s.des_fks) {
    q.sw.push_back(ddl::add_constraint(T, fk.name, ddl::foreign_key_clause(fk), true));
    q.validate.push_back({T, fk.name});
  }
  for (const auto& [t, fk] : s.des_incoming) {
    q.sw.push_back(ddl::add_constraint(t, fk.name, ddl::foreign_key_clause(fk), true));
    q.validate.push_back({t, fk.name});
  }
  if (s.cur_pk) q.un.push_back(ddl::add_constraint(T, s.cur_t.primary_key->name, ddl::primary_key_clause(*s.cur_t.primary_key)));
  for (const auto& u : s.cur_uniques) q.un.push_back(ddl::add_constraint(T, u.name, ddl::unique_clause(u)));
  for (const auto& c : s.cur_checks) q.un.push_back(ddl::add_constraint(T, c.name, ddl::check_clause(c)));
  for (const auto& fk : s.cur_fks) q.un.push_back(ddl::add_constraint(T, fk.name, ddl::foreign_key_clause(fk)));
  for (const auto& [t, fk] : s.cur_incoming) q.un.push_back(ddl::add_constraint(t, fk.name, ddl::foreign_key_clause(fk)));
}

// Owned sequences and the comment follow the column; views come back, a materialized view
// repopulated and with its indexes again, under the lock.
void the_rest_follows(const Shadow& s, SwitchSql& q) {
  const auto& T = s.table();
  for (const auto* seq : s.owned) {
    q.sw.push_back(fmt::format("ALTER SEQUENCE {} OWNED BY {}.{}", qualified(seq->name), qualified(T), quote_ident(s.dc)));
    q.un.push_back(fmt::format("ALTER SEQUENCE {} OWNED BY {}.{}", qualified(seq->name), qualified(T), quote_ident(s.oc)));
  }
  if (s.des.comment) q.sw.push_back(ddl::comment_on("COLUMN " + qualified(T) + "." + quote_ident(s.dc), s.des.comment));
  if (s.cur.comment) q.un.push_back(ddl::comment_on("COLUMN " + qualified(T) + "." + quote_ident(s.oc), s.cur.comment));
  auto recreate = [&](std::vector<std::string>& out, const schema::View& v) {
    out.push_back(ddl::create_view(v));
    for (const auto& [n, idx] : v.indexes) out.push_back(ddl::create_index(v.name, idx, false));
  };
  for (const auto* v : q.des_views) recreate(q.sw, *v);
  for (const auto* v : s.views) recreate(q.un, *v);
  for (const auto* v : s.views) {  // the triggers as the add phase left them; the drop phase comes later
    auto des = std::find_if(q.des_views.begin(), q.des_views.end(), [&](const schema::View* d) { return d->name == v->name; });
    if (des != q.des_views.end()) ops::recreate_view_triggers(q.sw, *v, *des);
    ops::recreate_view_triggers(q.un, *v, des != q.des_views.end() ? *des : nullptr);
  }
}

// The switch step: one short transaction with everything above.
void add_switch_step(PlanContext& ctx, const Shadow& s, const SwitchSql& q) {
  const auto& T = s.table();
  auto& swap = ctx.add(Phase::switch_over, prio::swap,
                       make_step("switch_column:" + s.id(), '~', s.object(),
                                 s.rename ? "moves default, NOT NULL, keys, constraints, indexes and views to " + s.dc +
                                                "; old code keeps writing " + s.oc + " through the trigger"
                                          : "swaps in the converted column with its default, NOT NULL, keys, constraints and indexes "
                                            "(one short transaction)",
                                 util::join(q.sw, ";\n"), util::join(q.un, ";\n"), "ACCESS EXCLUSIVE on " + T.display() + " (brief)"));
  for (const auto* v : q.des_views) {
    if (v->materialized) {
      swap.step.hazards.push_back(hazards::access_exclusive(
          T.display(), "while materialized view " + v->name.display() + " is recreated and repopulated in the switch"));
    }
  }
  swap.uses.insert(keys::table(T));
  swap.uses.insert(keys::shadow_ready(T, s.dc));
  swap.uses.insert(keys::filled(T, s.shadow));
  swap.creates.insert(keys::switched(T, s.dc));
  for (const auto* v : s.views) swap.uses.insert(keys::view(v->name));
  for (const auto& [t, fk] : s.cur_incoming) swap.uses.insert(keys::table(t));
  for (const auto& [t, fk] : s.des_incoming) swap.uses.insert(keys::table(t));
  for (const auto& fk : s.des_fks) swap.uses.insert(keys::table(fk.ref_table));
}

// The moved checks and foreign keys, validated right after the switch without blocking writes.
void validate_moved(PlanContext& ctx, const Shadow& s, const SwitchSql& q) {
  for (const auto& [t, name] : q.validate) {
    auto& vs = ctx.add(Phase::switch_over, prio::swap + 5,
                       make_step("validate_constraint:" + t.display() + "." + name, '~', "constraint " + name + " on " + t.display(),
                                 "validates the moved constraint (scans without blocking writes)",
                                 ddl::alter_table(t) + " VALIDATE CONSTRAINT " + quote_ident(name), "", "SHARE UPDATE EXCLUSIVE on " + t.display()));
    vs.step.statement_timeout_ms = 0;
    vs.uses.insert(keys::switched(s.table(), s.dc));
  }
}

}  // namespace

void emit_switch(PlanContext& ctx, const Shadow& s) {
  SwitchSql q;
  q.sw = {"LOCK TABLE " + qualified(s.table()) + " IN ACCESS EXCLUSIVE MODE"};
  q.un = q.sw;
  views_go(ctx, s, q);
  constraints_go(s, q);
  defaults_go(s, q);
  indexes_swap(s, q);
  columns_swap(s, q);
  defaults_come(s, q);
  constraints_come(s, q);
  the_rest_follows(s, q);
  add_switch_step(ctx, s, q);
  validate_moved(ctx, s, q);
}

}  // namespace pgshift::planner::recipes
