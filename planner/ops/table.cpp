// This file implements tables: create (with their indexes, keys, triggers and policies), drop (the
// reverse recreates the structure; the data is lost, which the DELETES_DATA hazard says), partitions
// (attach and detach), RLS flags and table comments; and dispatches the per-table diffs.
#include <fmt/format.h>

#include <regex>
#include <set>

#include "planner/ops/table_ops.hpp"
#include "planner/recipes/soft_drop.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {

using namespace ops;
using schema::qualified;
using pgshift::Error;

namespace ops {

namespace {

void add_column_type_uses(PlannedStep& ps, const schema::Table& t, const schema::Database& db) {
  for (const auto& c : t.columns) {
    std::string k = key_for_type_name(c.type, db);
    if (!k.empty()) ps.uses.insert(k);
  }
}

std::string rls_sql(const schema::Table& t) {
  std::vector<std::string> out;
  std::string tbl = "ALTER TABLE " + qualified(t.name);
  out.push_back(tbl + (t.rls_enabled ? " ENABLE" : " DISABLE") + " ROW LEVEL SECURITY");
  out.push_back(tbl + (t.rls_forced ? " FORCE" : " NO FORCE") + " ROW LEVEL SECURITY");
  return util::join(out, ";\n");
}

}  // namespace

std::string recreate_table_sql(const schema::Table& t) {
  std::vector<std::string> sql{ddl::create_table(t)};
  for (const auto& [n, idx] : t.indexes) sql.push_back(ddl::create_index(t.name, idx, false));
  for (const auto& [n, fk] : t.foreign_keys) sql.push_back(ddl::add_constraint(t.name, n, ddl::foreign_key_clause(fk)));
  for (const auto& [n, tr] : t.triggers) sql.push_back(ddl::create_trigger(t.name, tr));
  for (const auto& [n, p] : t.policies) sql.push_back(ddl::create_policy(t.name, p));
  if (t.rls_enabled || t.rls_forced) sql.push_back(rls_sql(t));
  return util::join(sql, ";\n");
}

void create_table(PlanContext& ctx, const schema::Table& t) {
  auto& ps = ctx.add(Phase::add, prio::table,
                     make_step("create_table:" + t.name.display(), '+', "table " + t.name.display(),
                               t.partition_of ? "creates the partition of " + t.partition_of->display() : "creates the table",
                               ddl::create_table(t), "DROP TABLE " + qualified(t.name), "none (new table)"));
  ps.creates.insert(keys::table(t.name));
  ps.creates.insert(keys::columns_of(t.name));
  for (const auto& c : t.columns) ps.creates.insert(keys::column(t.name, c.name));
  if (t.primary_key) ps.creates.insert(keys::key(t.name, t.primary_key->columns));
  for (const auto& [n, u] : t.uniques) ps.creates.insert(keys::key(t.name, u.columns));
  ps.uses.insert(keys::schema(t.name.schema));
  if (t.partition_of) ps.uses.insert(keys::table(*t.partition_of));
  add_column_type_uses(ps, t, ctx.desired);
  if (t.rls_enabled || t.rls_forced) {
    auto& rls = ctx.add(Phase::add, prio::policy,
                        make_step("set_rls:" + t.name.display(), '~', "table " + t.name.display(),
                                  "sets row-level security", rls_sql(t), "", "ACCESS EXCLUSIVE (new table)"));
    rls.uses.insert(keys::table(t.name));
  }
}

namespace {

// ";\nALTER SEQUENCE s OWNED BY t.c" for each sequence of `db` owned by a column of `t`.
std::string owned_sequences_sql(const schema::Database& db, const schema::Table& t) {
  std::string out;
  for (const auto& [sn, s] : db.schemas) {
    for (const auto& [qn, seq] : s.sequences) {
      if (!seq.owned_by) continue;
      for (const std::string& prefix : {t.name.name + ".", t.name.display() + "."}) {
        if (util::starts_with(*seq.owned_by, prefix) && (prefix == t.name.display() + "." || seq.name.schema == t.name.schema)) {
          out += fmt::format(";\nALTER SEQUENCE {} OWNED BY {}.{}", qualified(seq.name), qualified(t.name),
                             schema::quote_ident(seq.owned_by->substr(prefix.size())));
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace

void drop_table(PlanContext& ctx, const schema::Table& t) {
  if (recipes::soft_drop_table(ctx, t)) return;
  auto& ps = ctx.add(Phase::drop, prio::drop_table,
                     make_step("drop_table:" + t.name.display(), '-', "table " + t.name.display(), "drops the table",
                               "DROP TABLE " + qualified(t.name), recreate_table_sql(t) + owned_sequences_sql(ctx.current, t),
                               "ACCESS EXCLUSIVE on " + t.name.display()));
  ps.step.irreversible_reason = "the table's rows are lost; rollback recreates it empty";
  ps.step.hazards.push_back(hazards::deletes_data("drops table " + t.name.display() + ctx.size_note(t.name) + " and all its rows", t.name.display()));
  ps.drops.insert(keys::table(t.name));
  ps.drops.insert(keys::columns_of(t.name));
  for (const auto& c : t.columns) ps.drops.insert(keys::column(t.name, c.name));
  ps.uses.insert(keys::schema(t.name.schema));
  // Referencing tables that are dropped too go first; their FKs are part of them.
  for (const auto& [n, fk] : t.foreign_keys) ps.uses.insert(keys::table(fk.ref_table));
  if (t.partition_of) ps.uses.insert(keys::table(*t.partition_of));
  for (const auto& c : t.columns) {
    std::string k = key_for_type_name(c.type, ctx.current);
    if (!k.empty()) ps.uses.insert(k);
  }
  for (const auto& [n, tr] : t.triggers) ps.uses.insert(keys::function(tr.function.schema, tr.function.name + "()"));
  // Sequences its columns own or take defaults from go after it (DROP SEQUENCE would fail first).
  for (const auto& k : sequences_used(ctx.current, t)) ps.uses.insert(k);
}


}  // namespace ops

namespace {

void plan_partition(PlanContext& ctx, const schema::Table& cur, const schema::Table& des) {
  if (cur.partition_of == des.partition_of && cur.partition_bound == des.partition_bound) return;
  std::vector<std::string> fwd, rev;
  if (cur.partition_of) {
    fwd.push_back(fmt::format("ALTER TABLE {} DETACH PARTITION {}", qualified(*cur.partition_of), qualified(cur.name)));
    rev.push_back(fmt::format("ALTER TABLE {} ATTACH PARTITION {} {}", qualified(*cur.partition_of), qualified(cur.name),
                              cur.partition_bound.value_or("DEFAULT")));
  }
  if (des.partition_of) {
    fwd.push_back(fmt::format("ALTER TABLE {} ATTACH PARTITION {} {}", qualified(*des.partition_of), qualified(des.name),
                              des.partition_bound.value_or("DEFAULT")));
    rev.insert(rev.begin(), fmt::format("ALTER TABLE {} DETACH PARTITION {}", qualified(*des.partition_of), qualified(des.name)));
  }
  auto& ps = ctx.add(Phase::add, prio::table + 1,
                     make_step("attach_partition:" + des.name.display(), '~', "table " + des.name.display(),
                               "moves the partition (attach scans it to check the bound)", util::join(fwd, ";\n"),
                               util::join(rev, ";\n"), "SHARE UPDATE EXCLUSIVE on the parent, ACCESS EXCLUSIVE on the partition"));
  ps.uses.insert(keys::table(des.name));
  if (des.partition_of) ps.uses.insert(keys::table(*des.partition_of));
  ps.step.hazards.push_back(hazards::full_table_scan(des.name.display(), ctx.size_note(des.name)));
}

void plan_table_change(PlanContext& ctx, const schema::Table& cur, const schema::Table& des) {
  if (!des.partition_of && !cur.partition_of) plan_columns(ctx, cur, des);
  plan_partition(ctx, cur, des);
  plan_constraints(ctx, &cur, des);
  plan_indexes(ctx, des.name, &cur.indexes, des.indexes, false, des.partition_by.has_value());
  plan_triggers(ctx, &cur, des);
  plan_policies(ctx, &cur, des);
  if (cur.rls_enabled != des.rls_enabled || cur.rls_forced != des.rls_forced) {
    auto& ps = ctx.add(Phase::add, prio::policy,
                       make_step("set_rls:" + des.name.display(), '~', "table " + des.name.display(),
                                 "changes row-level security", rls_sql(des), rls_sql(cur), "ACCESS EXCLUSIVE (brief)"));
    ps.uses.insert(keys::table(des.name));
    if (des.rls_enabled && !cur.rls_enabled) {
      ps.step.hazards.push_back(hazards::backward_incompatible("roles without a policy stop seeing rows of " + des.name.display()));
    }
  }
  if (cur.partition_by != des.partition_by) {
    throw Error("changing how " + des.name.display() + " is partitioned is not supported", std::nullopt,
                "create a new partitioned table and move the data");
  }
  if (cur.unlogged != des.unlogged) {
    auto& ps = ctx.add(Phase::add, prio::table + 1,
                       make_step("set_logged:" + des.name.display(), '~', "table " + des.name.display(),
                                 des.unlogged ? "makes the table unlogged" : "makes the table logged",
                                 "ALTER TABLE " + qualified(des.name) + (des.unlogged ? " SET UNLOGGED" : " SET LOGGED"),
                                 "ALTER TABLE " + qualified(des.name) + (cur.unlogged ? " SET UNLOGGED" : " SET LOGGED"),
                                 "ACCESS EXCLUSIVE on " + des.name.display()));
    ps.step.hazards.push_back(hazards::table_rewrite(des.name.display(), ctx.size_note(des.name)));
    ps.uses.insert(keys::table(des.name));
  }
}

}  // namespace

void plan_tables(PlanContext& ctx) {
  for (const auto& [sn, s] : ctx.desired.schemas) {
    for (const auto& [tn, t] : s.tables) {
      const schema::Table* cur = ctx.current.find_table(t.name);
      if (cur && *cur == t) continue;  // most tables of a large schema: nothing to compare field by field
      if (!cur) {
        create_table(ctx, t);
        plan_constraints(ctx, nullptr, t);
        plan_indexes(ctx, t.name, nullptr, t.indexes, true, t.partition_by.has_value());
        plan_triggers(ctx, nullptr, t);
        plan_policies(ctx, nullptr, t);
      } else {
        plan_table_change(ctx, *cur, t);
      }
      plan_comment(ctx, "TABLE " + qualified(t.name), "table." + t.name.display(), "table " + t.name.display(),
                   cur ? cur->comment : std::nullopt, t.comment, keys::table(t.name));
      for (const auto& c : t.columns) {
        const schema::Column* cc = cur ? cur->find_column(c.name) : nullptr;
        plan_comment(ctx, "COLUMN " + qualified(t.name) + "." + schema::quote_ident(c.name),
                     "column." + t.name.display() + "." + c.name, "column " + t.name.display() + "." + c.name,
                     cc ? cc->comment : std::nullopt, c.comment, keys::column(t.name, c.name));
      }
    }
  }
  for (const auto& [sn, s] : ctx.current.schemas) {
    for (const auto& [tn, t] : s.tables) {
      if (!ctx.desired.find_table(t.name)) drop_table(ctx, t);
    }
  }
}

}  // namespace pgshift::planner
