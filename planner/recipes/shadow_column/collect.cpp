// This file implements what the shadow column knows before it plans a step (shadow.hpp): whether it
// can be used at all, its names and conversions, what references the column before and after; then,
// once the phases are planned, the current model rewritten so the other passes see the column done.
#include <algorithm>

#include "planner/ddl.hpp"
#include "planner/recipes/shadow_column/shadow.hpp"
#include "planner/recipes/shadow_column/shadow_column.hpp"
#include "schema/expr.hpp"
#include "schema/sql_text.hpp"
#include "util/strings.hpp"

namespace pgshift::planner::recipes {

using schema::quote_ident;

namespace {

bool stringish(const std::string& t) {
  return t == "text" || util::starts_with(t, "character varying") || util::starts_with(t, "character(") || t == "character";
}

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

bool expr_uses(const std::optional<schema::Expr>& e, const std::string& column) {
  return e && schema::referenced_columns(e->canonical).count(column) > 0;
}

bool index_uses(const schema::Index& idx, const std::string& column) {
  if (contains(idx.include, column) || expr_uses(idx.where, column)) return true;
  return std::any_of(idx.elems.begin(), idx.elems.end(), [&](const schema::IndexElem& e) {
    return (e.column && *e.column == column) || expr_uses(e.expression, column);
  });
}

std::string rename_in(const std::string& expr, const std::string& from, const std::string& to) {
  return from == to ? expr : schema::rewrite_column_refs(expr, {{from, to}});
}

}  // namespace

schema::Index index_on(schema::Index idx, const std::string& from, const std::string& to) {
  for (auto& e : idx.elems) {
    if (e.column && *e.column == from) e.column = to;
    if (e.expression) e.expression->canonical = rename_in(e.expression->canonical, from, to);
  }
  for (auto& c : idx.include) {
    if (c == from) c = to;
  }
  if (idx.where) idx.where->canonical = rename_in(idx.where->canonical, from, to);
  return idx;
}

schema::Column bare_column(const std::string& name, const schema::Column& like) {
  schema::Column c;
  c.name = name;
  c.type = like.type;
  c.collation = like.collation;
  return c;
}

schema::Index key_index(const std::string& name, const std::vector<std::string>& columns, bool nulls_not_distinct) {
  schema::Index idx;
  idx.name = name;
  idx.unique = true;
  idx.nulls_not_distinct = nulls_not_distinct;
  for (const auto& c : columns) idx.elems.push_back(schema::IndexElem{.column = c});
  return idx;
}

// Why the strategy cannot be used for this column ("" when it can).
std::string shadow_column_not_possible(const schema::Database& current, const schema::Table& t, const schema::Column& cur,
                                       const schema::Column& des) {
  if (t.partition_by || t.partition_of) return "the table is partitioned";
  if (!t.primary_key) return "the table has no primary key to backfill by";
  if (cur.generated || des.generated) return "the column is generated";
  for (const auto& c : t.columns) {
    if (c.name != cur.name && expr_uses(c.generated, cur.name)) return "generated column " + c.name + " uses it";
  }
  if (!t.exclusions.empty()) return "the table has exclusion constraints";
  for (const auto& [n, p] : t.policies) {
    if (expr_uses(p.using_expr, cur.name) || expr_uses(p.with_check, cur.name)) return "policy " + n + " uses it";
  }
  for (const auto& [n, tr] : t.triggers) {
    if (contains(tr.update_of, cur.name) || expr_uses(tr.when, cur.name)) return "trigger " + n + " names it";
  }
  for (const auto& g : t.grants) {
    if (contains(g.columns, cur.name)) return "it has column-level grants";
  }
  return "";
}

namespace {

// The shadow column's names (shadow, old_after, trigger, function) and conversions both ways.
void name_and_convert(const PlanContext& ctx, Shadow& s, const schema::Table& des_t, const schema::Column& cur,
                      const schema::Column& des) {
  s.oc = cur.name;
  s.dc = des.name;
  s.rename = s.oc != s.dc;
  s.shadow = s.rename ? s.dc : naming::new_column(s.oc);
  s.old_after = s.rename ? s.oc : naming::old_column(s.oc);
  // Between string types the assignment (no cast) is used: it fails on a value that does not fit, where
  // an explicit cast would cut it short without a word.
  bool plain = (cur.type == des.type && cur.collation == des.collation) || (stringish(cur.type) && stringish(des.type));
  s.fwd = des.using_expr ? des.using_expr->canonical
                         : (plain ? quote_ident(s.oc) : ddl::cast_sql(quote_ident(s.oc), cur.type, des.type, {&ctx.current, &ctx.desired}));
  s.back = des.down_using ? des.down_using->canonical
                          : (plain ? quote_ident(s.dc) : ddl::cast_sql(quote_ident(s.dc), des.type, cur.type, {&ctx.current, &ctx.desired}));
  s.assignment_only = !des.using_expr && plain && cur.type != des.type;
  s.trigger = naming::fit("_pgshift_sync_" + s.oc);
  s.function = naming::fit("sync_" + des_t.name.schema + "_" + des_t.name.name + "_" + s.oc);
}

// What references the column, before (oc) and after (dc): indexes, keys, checks, foreign keys (also
// of other tables), owned sequences and the views over the table.
void collect_references(const PlanContext& ctx, schema::Database& current, const schema::Table& cur_t,
                        const schema::Table& des_t, Shadow& s) {
  for (const auto& [n, idx] : cur_t.indexes) {
    if (index_uses(idx, s.oc)) s.cur_indexes.push_back(idx);
  }
  for (const auto& [n, idx] : des_t.indexes) {
    if (index_uses(idx, s.dc)) s.des_indexes.push_back(idx);
  }
  s.cur_pk = cur_t.primary_key && contains(cur_t.primary_key->columns, s.oc);
  s.des_pk = des_t.primary_key && contains(des_t.primary_key->columns, s.dc);
  for (const auto& [n, u] : cur_t.uniques) {
    if (contains(u.columns, s.oc)) s.cur_uniques.push_back(u);
  }
  for (const auto& [n, u] : des_t.uniques) {
    if (contains(u.columns, s.dc)) s.des_uniques.push_back(u);
  }
  for (const auto& [n, c] : cur_t.checks) {
    if (expr_uses(c.expression, s.oc)) s.cur_checks.push_back(c);
  }
  for (const auto& [n, c] : des_t.checks) {
    if (expr_uses(c.expression, s.dc)) s.des_checks.push_back(c);
  }
  for (const auto& [n, fk] : cur_t.foreign_keys) {
    if (contains(fk.columns, s.oc)) s.cur_fks.push_back(fk);
  }
  for (const auto& [n, fk] : des_t.foreign_keys) {
    if (contains(fk.columns, s.dc)) s.des_fks.push_back(fk);
  }
  for (auto& [sn, sch] : current.schemas) {
    for (auto& [tn, t] : sch.tables) {
      for (const auto& [n, fk] : t.foreign_keys) {
        if (fk.ref_table == des_t.name && contains(fk.ref_columns, s.oc) && t.name != des_t.name) s.cur_incoming.push_back({t.name, fk});
      }
    }
    for (const auto& [qn, seq] : sch.sequences) {
      if (!seq.owned_by) continue;
      std::string o = *seq.owned_by;
      if (o == des_t.name.name + "." + s.oc || o == des_t.name.display() + "." + s.oc) s.owned.push_back(&seq);
    }
  }
  for (const auto& [sn, sch] : ctx.desired.schemas) {
    for (const auto& [tn, t] : sch.tables) {
      if (t.name == des_t.name || !current.find_table(t.name)) continue;
      for (const auto& [n, fk] : t.foreign_keys) {
        if (fk.ref_table == des_t.name && contains(fk.ref_columns, s.dc)) s.des_incoming.push_back({t.name, fk});
      }
    }
  }
  s.views = dependent_views(current, des_t.name);
}

// The ordinary diff must find this column, and what references it, already as desired.
void mark_done(schema::Database& current, schema::Table& cur_t, const schema::Table& des_t, const Shadow& s,
               const schema::Column& done) {
  for (auto& c : cur_t.columns) {
    if (c.name == s.oc) c = done;
  }
  for (const auto& idx : s.cur_indexes) cur_t.indexes.erase(idx.name);
  for (const auto& idx : s.des_indexes) cur_t.indexes[idx.name] = idx;
  if (s.cur_pk || s.des_pk) cur_t.primary_key = des_t.primary_key;
  for (const auto& u : s.cur_uniques) cur_t.uniques.erase(u.name);
  for (const auto& u : s.des_uniques) cur_t.uniques[u.name] = u;
  for (const auto& c : s.cur_checks) cur_t.checks.erase(c.name);
  for (const auto& c : s.des_checks) cur_t.checks[c.name] = c;
  for (const auto& fk : s.cur_fks) cur_t.foreign_keys.erase(fk.name);
  for (const auto& fk : s.des_fks) cur_t.foreign_keys[fk.name] = fk;
  for (const auto& [t, fk] : s.cur_incoming) current.find_table(t)->foreign_keys.erase(fk.name);
  for (const auto& [t, fk] : s.des_incoming) current.find_table(t)->foreign_keys[fk.name] = fk;
  for (const auto* seq : s.owned) {
    auto& mseq = current.schemas[seq->name.schema].sequences[seq->name.name];
    mseq.owned_by = des_t.name.schema == seq->name.schema ? des_t.name.name + "." + s.dc : des_t.name.display() + "." + s.dc;
  }
}

}  // namespace

void plan_shadow(PlanContext& ctx, schema::Database& current, schema::Table& cur_t, const schema::Table& des_t,
                 const schema::Column& cur, const schema::Column& des, const schema::Column* final_des,
                 const std::string& precheck) {
  Shadow s;
  s.precheck = precheck;
  s.cur_t = cur_t;
  s.des_t = &des_t;
  s.cur = cur;
  s.des = des;
  name_and_convert(ctx, s, des_t, cur, des);
  collect_references(ctx, current, cur_t, des_t, s);
  emit_add(ctx, s);
  emit_backfill(ctx, s);
  emit_switch(ctx, s);
  emit_drop(ctx, s);
  mark_done(current, cur_t, des_t, s, final_des ? *final_des : des);
}

void shadow_column(PlanContext& ctx, schema::Database& current, schema::Table& cur_t, const schema::Table& des_t,
                   const schema::Column& cur, const schema::Column& des) {
  plan_shadow(ctx, current, cur_t, des_t, cur, des, nullptr, "");
}

}  // namespace pgshift::planner::recipes
