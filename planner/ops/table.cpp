// This file implements tables: create (with their indexes, keys, triggers and policies), drop (the
// reverse recreates the structure; the data is lost, which the DELETES_DATA hazard says), partitions
// (attach and detach), RLS flags and table comments; and dispatches the per-table diffs.
#include <fmt/format.h>

#include <regex>
#include <set>

#include "planner/ops/table_ops.hpp"
#include "planner/recipes/not_null.hpp"
#include "planner/recipes/soft_drop.hpp"
#include "schema/expr.hpp"
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

// The sequences of `db` owned by a column of `t`, with that column.
std::vector<std::pair<const schema::Sequence*, std::string>> owned_sequences(const schema::Database& db, const schema::Table& t) {
  std::vector<std::pair<const schema::Sequence*, std::string>> out;
  for (const auto& [sn, s] : db.schemas) {
    for (const auto& [qn, seq] : s.sequences) {
      if (!seq.owned_by) continue;
      for (const std::string& prefix : {t.name.name + ".", t.name.display() + "."}) {
        if (util::starts_with(*seq.owned_by, prefix) && (prefix == t.name.display() + "." || seq.name.schema == t.name.schema)) {
          out.push_back({&seq, seq.owned_by->substr(prefix.size())});
          break;
        }
      }
    }
  }
  return out;
}

// ";\nALTER SEQUENCE s OWNED BY t.c" for each sequence of `db` owned by a column of `t`.
std::string owned_sequences_sql(const schema::Database& db, const schema::Table& t) {
  std::string out;
  for (const auto& [seq, column] : owned_sequences(db, t)) {
    out += fmt::format(";\nALTER SEQUENCE {} OWNED BY {}.{}", qualified(seq->name), qualified(t.name), schema::quote_ident(column));
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

// The whole table as `t` and `db` define it after CREATE TABLE: recreate_table_sql, then its comments,
// the grants of managed roles, and its owned sequences re-owned.
std::string rebuild_sql(const schema::Database& db, const schema::Table& t) {
  std::vector<std::string> sql{recreate_table_sql(t) + owned_sequences_sql(db, t)};
  if (t.comment) sql.push_back(ddl::comment_on("TABLE " + qualified(t.name), t.comment));
  for (const auto& c : t.columns) {
    if (c.comment) sql.push_back(ddl::comment_on("COLUMN " + qualified(t.name) + "." + schema::quote_ident(c.name), c.comment));
  }
  std::set<std::string> managed(db.managed_roles.begin(), db.managed_roles.end());
  for (const auto& g : t.grants) {
    if (managed.count(g.role)) sql.push_back(ddl::grant("TABLE " + qualified(t.name), g));
  }
  return util::join(sql, ";\n");
}

// DROP TABLE for a rebuild: sequences owned by its columns are disowned first, so they outlive it.
std::string drop_for_rebuild_sql(const schema::Database& db, const schema::Table& t) {
  std::string out;
  for (const auto& [seq, column] : owned_sequences(db, t)) out += "ALTER SEQUENCE " + qualified(seq->name) + " OWNED BY NONE;\n";
  return out + "DROP TABLE " + qualified(t.name);
}

// PostgreSQL cannot change how a table is partitioned in place (regular <-> partitioned, or another
// key). An empty table is dropped and created again as desired, in one transaction, together with the
// views reading it and the foreign keys pointing at it; a table with rows is refused, with its count,
// at plan time by the live statistics and at apply time by the step's precheck.
void rebuild_for_partitioning(PlanContext& ctx, const schema::Table& cur, const schema::Table& des) {
  std::string id = des.name.display();
  auto it = ctx.options.table_stats.find(cur.name);
  if (it != ctx.options.table_stats.end() && it->second.rows > 0) {
    throw Error(fmt::format("changing how {} is partitioned needs the table rebuilt, and it has ~{:.0f} rows", id, it->second.rows),
                std::nullopt, "create a new partitioned table and move the data; pgshift rebuilds only an empty table");
  }
  for (const auto& [sn, sc] : ctx.current.schemas) {
    for (const auto& [tn, p] : sc.tables) {
      if (p.partition_of && *p.partition_of == cur.name) {
        throw Error("changing how " + id + " is partitioned: it still has partition " + p.name.display(), std::nullopt,
                    "detach or drop its partitions first");
      }
    }
  }
  std::vector<std::string> fwd, rev;
  auto views = dependent_views(ctx.current, cur.name);
  for (auto v = views.rbegin(); v != views.rend(); ++v) fwd.push_back(ddl::drop_view(**v));
  std::vector<std::pair<const schema::Table*, const std::string*>> fks;
  for (const auto& [sn, sc] : ctx.current.schemas) {
    for (const auto& [tn, t] : sc.tables) {
      if (t.name == cur.name) continue;
      for (const auto& [fn, fk] : t.foreign_keys) {
        if (fk.ref_table != cur.name) continue;
        fks.push_back({&t, &fn});
        fwd.push_back(ddl::drop_constraint(t.name, fn));
      }
    }
  }
  fwd.push_back(drop_for_rebuild_sql(ctx.current, cur));
  fwd.push_back(rebuild_sql(ctx.desired, des));
  rev.push_back(drop_for_rebuild_sql(ctx.desired, des));
  rev.push_back(rebuild_sql(ctx.current, cur));
  for (const auto& [t, fn] : fks) {
    const schema::Table* dt = ctx.desired.find_table(t->name);
    if (dt && dt->foreign_keys.count(*fn)) fwd.push_back(ddl::add_constraint(t->name, *fn, ddl::foreign_key_clause(dt->foreign_keys.at(*fn))));
    rev.push_back(ddl::add_constraint(t->name, *fn, ddl::foreign_key_clause(t->foreign_keys.at(*fn))));
  }
  for (const auto* v : views) {
    if (const schema::View* dv = ctx.desired.find_view(v->name)) {
      fwd.push_back(ddl::create_view(*dv));
      ctx.views_handled.insert(v->name);
    }
    rev.push_back(ddl::create_view(*v));
  }
  auto& ps = ctx.add(Phase::add, prio::table,
                     make_step("rebuild_table:" + id, '~', "table " + id,
                               des.partition_by ? "recreates the empty table as a partitioned table (" + *des.partition_by + ")"
                                                : "recreates the empty partitioned table as a regular table",
                               util::join(fwd, ";\n"), util::join(rev, ";\n"), "ACCESS EXCLUSIVE on " + id));
  ps.step.precheck_sql = schema::do_block(fmt::format(
      " DECLARE _pgshift_n bigint; BEGIN SELECT count(*) INTO _pgshift_n FROM {}; IF _pgshift_n > 0 THEN RAISE EXCEPTION '%', "
      "format('changing how %s is partitioned needs the table rebuilt, and it has %s rows: create a new partitioned table "
      "and move the data', {}, _pgshift_n); END IF; END ",
      qualified(cur.name), schema::quote_literal(id)));
  ps.creates.insert(keys::table(des.name));
  ps.creates.insert(keys::columns_of(des.name));
  for (const auto& c : des.columns) ps.creates.insert(keys::column(des.name, c.name));
  ps.uses.insert(keys::schema(des.name.schema));
  add_column_type_uses(ps, des, ctx.desired);
  for (const auto* v : views) ps.uses.insert(keys::view(v->name));
  for (const auto& k : sequences_used(ctx.desired, des)) ps.uses.insert(k);
}

// A partition column as it is: the partition's override (its own NOT NULL or DEFAULT), else its parent's.
const schema::Column* partition_column(const schema::Database& db, const schema::Table& p, const std::string& name) {
  if (const schema::Column* c = p.find_column(name)) return c;
  const schema::Table* parent = p.partition_of ? db.find_table(*p.partition_of) : nullptr;
  return parent ? parent->find_column(name) : nullptr;
}

// The NOT NULL and DEFAULT a partition has of its own (schema::normalize): changed on the partition
// alone. Changes of the parent's columns reach the partitions through the parent.
void plan_partition_columns(PlanContext& ctx, const schema::Table& cur, const schema::Table& des) {
  std::set<std::string> names;
  for (const auto& c : cur.columns) names.insert(c.name);
  for (const auto& c : des.columns) names.insert(c.name);
  for (const auto& n : names) {
    const schema::Column* was = partition_column(ctx.current, cur, n);
    const schema::Column* now = partition_column(ctx.desired, des, n);
    if (!was || !now) continue;  // the parent's column is added or dropped: the parent's steps do it
    std::string id = des.name.display() + "." + n;
    if (!(was->default_value == now->default_value)) {
      auto set = [&](const std::optional<schema::Expr>& d) {
        return ddl::alter_column(des.name, n) + (d ? " SET DEFAULT " + schema::default_sql(*d) : " DROP DEFAULT");
      };
      column_step(ctx, Phase::add, prio::column_alter + 1,
                  make_step("set_default:" + id, '~', "column " + id, "sets the partition's own default (catalog only)",
                            set(now->default_value), set(was->default_value), "ACCESS EXCLUSIVE (brief, catalog only)"),
                  des.name, n);
    }
    if (was->nullable && !now->nullable) {
      recipes::set_not_null(ctx, des, n);
    } else if (!was->nullable && now->nullable) {
      column_step(ctx, Phase::add, prio::column_alter,
                  make_step("drop_not_null:" + id, '~', "column " + id, "allows NULL in the partition (catalog only)",
                            ddl::alter_column(des.name, n) + " DROP NOT NULL", ddl::alter_column(des.name, n) + " SET NOT NULL",
                            "ACCESS EXCLUSIVE (brief, catalog only)"),
                  des.name, n);
    }
  }
}

void plan_table_change(PlanContext& ctx, const schema::Table& cur, const schema::Table& des) {
  if (cur.partition_by != des.partition_by && !cur.partition_of && !des.partition_of) {
    rebuild_for_partitioning(ctx, cur, des);
    return;
  }
  if (!des.partition_of && !cur.partition_of) plan_columns(ctx, cur, des);
  if (des.partition_of && cur.partition_of == des.partition_of) plan_partition_columns(ctx, cur, des);
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
    throw Error("changing how " + des.name.display() + " is partitioned is not supported for a partition", std::nullopt,
                "detach it first, or create a new partitioned table and move the data");
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
