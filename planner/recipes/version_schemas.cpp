// This file implements version schemas (PlanOptions::version_schemas), pgroll's way of letting two
// application versions run at once: from the add phase to the drop phase, every changed table is also
// a view of its old shape in the old version's schema and of its new shape in the new version's, so
// each application chooses its shape with `search_path = <its schema>, public`. The views are simple
// (automatically updatable) and security_invoker; PostgreSQL binds them to columns by number, so they
// keep working across the renames and the shadow-column swap. With them a column rename is a plain
// RENAME, with no copy: each view keeps its own name for the column.
//   add     CREATE SCHEMA for both versions and a view of each changed table in each;
//   drop    the version schemas and their views go (before the old columns they show).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "planner/naming.hpp"
#include "planner/ddl.hpp"
#include "planner/hazards.hpp"
#include "planner/recipes/version_schemas.hpp"
#include "schema/sql_text.hpp"
#include "util/strings.hpp"

namespace pgshift::planner::recipes {

using schema::qualified;
using schema::quote_ident;

namespace {

bool has_step(const PlanContext& ctx, const std::string& id) {
  return std::any_of(ctx.steps.begin(), ctx.steps.end(), [&](const PlannedStep& ps) { return ps.step.id == id; });
}

// The table without the planner's hints, to tell whether it changes at all.
schema::Table without_hints(schema::Table t) {
  t.renamed_from.reset();
  for (auto& c : t.columns) {
    c.renamed_from.reset();
    c.using_expr.reset();
    c.down_using.reset();
  }
  for (auto& [n, i] : t.indexes) i.renamed_from.reset();
  for (auto& [n, u] : t.uniques) u.renamed_from.reset();
  for (auto& [n, c] : t.checks) c.renamed_from.reset();
  for (auto& [n, f] : t.foreign_keys) f.renamed_from.reset();
  return t;
}

struct Select {
  std::vector<std::string> items;  // "a", "b AS c"
  void add(const std::string& source, const std::string& name) {
    items.push_back(source == name ? quote_ident(name) : quote_ident(source) + " AS " + quote_ident(name));
  }
};

std::string view_sql(const std::string& schema_name, const schema::QualifiedName& table, const Select& s) {
  return fmt::format("CREATE VIEW {} WITH (security_invoker = true) AS SELECT {} FROM {}",
                     qualified({schema_name, table.name}), util::join(s.items, ", "), qualified(table));
}

}  // namespace

// `before`: the current model after table renames, before column renames and shadow columns.
void plan_version_schemas(PlanContext& ctx, const schema::Database& before) {
  if (!ctx.options.version_schemas) return;
  const auto& [old_schema, new_schema] = *ctx.options.version_schemas;
  std::vector<std::string> create = {"CREATE SCHEMA IF NOT EXISTS " + quote_ident(old_schema),
                                     "CREATE SCHEMA IF NOT EXISTS " + quote_ident(new_schema)};
  std::vector<std::string> recreate = create;  // the drop step's reverse: the same views, post-switch names
  std::vector<std::string> tables;
  std::vector<schema::QualifiedName> table_names;
  std::set<std::string> uses, creates;
  for (const auto& [sn, s] : ctx.desired.schemas) {
    for (const auto& [tn, des] : s.tables) {
      const schema::Table* cur = before.find_table(des.name);
      if (!cur || cur->partition_of || without_hints(*cur) == without_hints(des)) continue;
      std::string prefix = des.name.display() + ".";
      Select old_now, new_now, old_later, new_later;
      // The old shape: the current columns. Before the add phase's renames, each is its own name.
      for (const auto& c : cur->columns) {
        old_now.add(c.name, c.name);
        std::string later = c.name;  // its name after the switch
        for (const auto& d : des.columns) {
          bool renamed_here = d.renamed_from && *d.renamed_from == c.name && !des.find_column(c.name);
          if (renamed_here && !has_step(ctx, "add_shadow_column:" + prefix + d.name)) later = d.name;  // plain rename
        }
        if (des.find_column(c.name) && has_step(ctx, "add_shadow_column:" + prefix + c.name)) later = naming::old_column(c.name);
        old_later.add(later, c.name);
      }
      // The new shape: the desired columns, from where their values are when the views are made.
      for (const auto& d : des.columns) {
        std::string source = d.name;
        bool shadow = has_step(ctx, "add_shadow_column:" + prefix + d.name);
        if (shadow && cur->find_column(d.name)) {
          source = naming::new_column(d.name);  // type change: the shadow until the swap
        } else if (!shadow && d.renamed_from && cur->find_column(*d.renamed_from) && !cur->find_column(d.name)) {
          source = *d.renamed_from;  // plain rename, made right after the views
        }
        new_now.add(source, d.name);
        new_later.add(d.name, d.name);
        if (shadow) uses.insert(keys::column(des.name, shadow && cur->find_column(d.name) ? naming::new_column(d.name) : d.name));
      }
      create.push_back(view_sql(old_schema, des.name, old_now));
      create.push_back(view_sql(new_schema, des.name, new_now));
      recreate.push_back(view_sql(old_schema, des.name, old_later));
      recreate.push_back(view_sql(new_schema, des.name, new_later));
      tables.push_back(des.name.display());
      table_names.push_back(des.name);
      uses.insert(keys::table(des.name));
      uses.insert(keys::columns_of(des.name));
      creates.insert(keys::version_views(des.name));
    }
  }
  if (tables.empty()) return;
  std::string drop = fmt::format("DROP SCHEMA IF EXISTS {} CASCADE;\nDROP SCHEMA IF EXISTS {} CASCADE", quote_ident(old_schema),
                                 quote_ident(new_schema));
  auto& add = ctx.add(Phase::add, prio::column + 1,
                      make_step("create_version_schemas:" + old_schema + "," + new_schema, '+',
                                "schemas " + old_schema + ", " + new_schema,
                                fmt::format("views of the old shape in {} and of the new shape in {} for {} (catalog only)", old_schema,
                                            new_schema, util::join(tables, ", ")),
                                util::join(create, ";\n"), drop, "brief locks on the tables (catalog only)"));
  add.uses = uses;
  add.creates = creates;
  auto& gone = ctx.add(Phase::drop, prio::drop_view,
                       make_step("drop_version_schemas:" + old_schema + "," + new_schema, '-',
                                 "schemas " + old_schema + ", " + new_schema,
                                 "drops the version views: applications now use the tables' new shape directly", drop,
                                 util::join(recreate, ";\n"), "brief locks on the tables (catalog only)"));
  gone.step.hazards.push_back(hazards::backward_incompatible(
      fmt::format("an application still using search_path {} or {} then sees the tables themselves", old_schema, new_schema)));
  for (const auto& t : table_names) gone.uses.insert(keys::columns_of(t));  // before any column of them is dropped
}

}  // namespace pgshift::planner::recipes
