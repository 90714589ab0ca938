// This file implements the rename recipe, for `renamed_from` hints that rename in place: tables (with
// a compatibility view under the old name until the drop phase), columns, indexes and constraints.
// Renames are applied to the current model first, so the rest of the planner diffs the renamed tables.
//   add     RENAME (catalog only); a renamed table also gets a view under its old name;
//   drop    the old name's view goes.
// A column whose rename can keep both names working goes through the shadow column instead
// (recipes/shadow_column); with version schemas, a renamed column keeps its old name in the old
// version's view.
#include <fmt/format.h>

#include "planner/ddl.hpp"
#include "planner/hazards.hpp"
#include "planner/recipes/rename.hpp"
#include "schema/sql_text.hpp"
#include "schema/expr.hpp"

namespace pgshift::planner::recipes {

using schema::qualified;
using schema::quote_ident;

void rename_table(PlanContext& ctx, schema::Database& cur, const schema::Table& des) {
  schema::QualifiedName old_name{des.name.schema, *des.renamed_from};
  schema::Table* old = cur.find_table(old_name);
  if (!old || cur.find_table(des.name)) return;
  std::string fwd = fmt::format("ALTER TABLE {} RENAME TO {}", qualified(old_name), quote_ident(des.name.name));
  std::string rev = fmt::format("ALTER TABLE {} RENAME TO {}", qualified(des.name), quote_ident(old_name.name));
  bool plain = !old->partition_by && !old->partition_of;
  if (plain) {
    // Old code keeps working through a simple (automatically updatable) view under the old name.
    fwd += fmt::format(";\nCREATE VIEW {} AS SELECT * FROM {}", qualified(old_name), qualified(des.name));
    rev = fmt::format("DROP VIEW IF EXISTS {};\n", qualified(old_name)) + rev;
  }
  auto& ps = ctx.add(Phase::add, prio::table - 1,
                     make_step("rename_table:" + old_name.display(), '~', "table " + old_name.display(),
                               "renames to " + des.name.display() + (plain ? "; a view under the old name keeps old code working" : ""),
                               fwd, rev, "ACCESS EXCLUSIVE on " + old_name.display() + " (brief, catalog only)"));
  ps.creates.insert(keys::table(des.name));
  ps.uses.insert(keys::schema(des.name.schema));
  if (plain) {
    auto& drop = ctx.add(Phase::drop, prio::drop_view,
                         make_step("drop_compat_view:" + old_name.display(), '-', "view " + old_name.display(),
                                   "drops the compatibility view of the renamed table",
                                   "DROP VIEW IF EXISTS " + qualified(old_name),
                                   fmt::format("CREATE VIEW {} AS SELECT * FROM {}", qualified(old_name), qualified(des.name)),
                                   "ACCESS EXCLUSIVE on the view (brief)"));
    drop.step.hazards.push_back(hazards::backward_incompatible("old code using " + old_name.display() + " fails"));
  } else {
    ps.step.hazards.push_back(hazards::backward_incompatible("old code using " + old_name.display() + " fails"));
  }
  schema::Table moved = *old;
  moved.name = des.name;
  auto& tables = cur.schemas[des.name.schema].tables;
  tables.erase(old_name.name);
  tables[des.name.name] = std::move(moved);
}

namespace {


std::string renamed_ref(const std::string& expr, const std::string& from, const std::string& to) {
  try {
    return schema::rewrite_column_refs(expr, {{from, to}});
  } catch (const std::exception&) {
    return expr;
  }
}

// PostgreSQL follows a renamed column everywhere (by attribute number): so does the model, so that
// indexes, keys, checks and foreign keys naming it are not seen as changed.
void rename_references(schema::Database& db, schema::Table& t, const std::string& from, const std::string& to) {
  auto cols = [&](std::vector<std::string>& v) {
    for (auto& c : v) {
      if (c == from) c = to;
    }
  };
  for (auto& [n, idx] : t.indexes) {
    for (auto& e : idx.elems) {
      if (e.column && *e.column == from) e.column = to;
      if (e.expression) e.expression->canonical = renamed_ref(e.expression->canonical, from, to);
    }
    cols(idx.include);
    if (idx.where) idx.where->canonical = renamed_ref(idx.where->canonical, from, to);
  }
  if (t.primary_key) cols(t.primary_key->columns);
  for (auto& [n, u] : t.uniques) cols(u.columns);
  for (auto& [n, c] : t.checks) c.expression.canonical = renamed_ref(c.expression.canonical, from, to);
  for (auto& [n, fk] : t.foreign_keys) cols(fk.columns);
  for (auto& [sn, s] : db.schemas) {
    for (auto& [tn, other] : s.tables) {
      for (auto& [n, fk] : other.foreign_keys) {
        if (fk.ref_table == t.name) cols(fk.ref_columns);
      }
    }
  }
}

}  // namespace


void rename_columns(PlanContext& ctx, schema::Database& db, schema::Table& cur, const schema::Table& des) {
  for (const auto& c : des.columns) {
    if (!c.renamed_from || cur.find_column(c.name)) continue;
    for (auto& old : cur.columns) {
      if (old.name != *c.renamed_from) continue;
      auto& ps = ctx.add(Phase::add, prio::column - 1,
                         make_step(fmt::format("rename_column:{}.{}", des.name.display(), old.name), '~',
                                   fmt::format("column {}.{}", des.name.display(), old.name), "renames to " + c.name + " (catalog only)",
                                   fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", qualified(des.name), quote_ident(old.name), quote_ident(c.name)),
                                   fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", qualified(des.name), quote_ident(c.name), quote_ident(old.name)),
                                   "ACCESS EXCLUSIVE on " + des.name.display() + " (brief, catalog only)"));
      if (ctx.options.version_schemas) {
        // Old code reads and writes the old name through the old version schema's view.
        ps.step.description += "; the view in " + ctx.options.version_schemas->first + " keeps the old name";
        ps.uses.insert(keys::version_views(des.name));
      } else {
        ps.step.hazards.push_back(
            hazards::backward_incompatible(fmt::format("old code using column {} of {} fails", old.name, des.name.display())));
      }
      ps.creates.insert(keys::column(des.name, c.name));
      ps.uses.insert(keys::table(des.name));
      std::string from = old.name;
      old.name = c.name;
      rename_references(db, cur, from, c.name);
      break;
    }
  }
}

namespace {

template <typename Map>
void rename_named(PlanContext& ctx, const schema::Table& des, Map& cur_map, const Map& des_map, bool index) {
  for (const auto& [name, obj] : des_map) {
    if (!obj.renamed_from || cur_map.count(name) || !cur_map.count(*obj.renamed_from)) continue;
    const std::string& old = *obj.renamed_from;
    std::string fwd = index ? fmt::format("ALTER INDEX {} RENAME TO {}", qualified({des.name.schema, old}), quote_ident(name))
                            : fmt::format("ALTER TABLE {} RENAME CONSTRAINT {} TO {}", qualified(des.name), quote_ident(old), quote_ident(name));
    std::string rev = index ? fmt::format("ALTER INDEX {} RENAME TO {}", qualified({des.name.schema, name}), quote_ident(old))
                            : fmt::format("ALTER TABLE {} RENAME CONSTRAINT {} TO {}", qualified(des.name), quote_ident(name), quote_ident(old));
    auto& ps = ctx.add(Phase::add, prio::column - 1,
                       make_step(fmt::format("rename_{}:{}.{}", index ? "index" : "constraint", des.name.display(), old), '~',
                                 fmt::format("{} {} on {}", index ? "index" : "constraint", old, des.name.display()),
                                 "renames to " + name + " (catalog only)", fwd, rev, "brief lock, catalog only"));
    ps.uses.insert(keys::table(des.name));
    auto node = cur_map.extract(old);
    node.key() = name;
    node.mapped().name = name;
    cur_map.insert(std::move(node));
  }
}

}  // namespace

void rename_indexes_and_constraints(PlanContext& ctx, schema::Table& cur, const schema::Table& des) {
  rename_named(ctx, des, cur.indexes, des.indexes, true);
  rename_named(ctx, des, cur.uniques, des.uniques, false);
  rename_named(ctx, des, cur.checks, des.checks, false);
  rename_named(ctx, des, cur.foreign_keys, des.foreign_keys, false);
}

}  // namespace pgshift::planner::recipes
