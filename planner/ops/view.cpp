// This file implements views and materialized views: create, CREATE OR REPLACE where the new column
// list extends the old one, else drop and recreate (with the views that depend on it) in one
// transaction; drops; materialized view indexes; comments.
#include <fmt/format.h>

#include "planner/ops/table_ops.hpp"
#include "schema/expr.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {

using namespace ops;
using schema::qualified;

namespace {

std::vector<schema::QualifiedName> references(const schema::View& v) {
  std::vector<schema::QualifiedName> out;
  for (const auto& ref : schema::referenced_relations(v.query.canonical.empty() ? v.query.source : v.query.canonical)) {
    auto parts = util::split(ref, '.');
    out.push_back(parts.size() >= 2 ? schema::QualifiedName{parts[0], parts[1]} : schema::QualifiedName{"public", ref});
  }
  return out;
}

void add_reference_uses(PlannedStep& ps, const schema::View& v, const schema::Database& db, bool drop) {
  for (const auto& r : references(v)) {
    if (db.find_table(r)) {
      ps.uses.insert(keys::table(r));
      ps.uses.insert(keys::columns_of(r));
    } else if (db.find_view(r)) {
      ps.uses.insert(keys::view(r));
    }
  }
  (void)drop;
}

bool replaceable(const schema::View& old, const schema::View& now) {
  if (old.materialized || now.materialized || old.columns.empty() || now.columns.size() < old.columns.size()) return false;
  for (size_t i = 0; i < old.columns.size(); ++i) {
    if (old.columns[i] != now.columns[i]) return false;
  }
  return old.check_option == now.check_option || true;
}

std::string create_with_indexes(const schema::View& v) {
  std::vector<std::string> sql{ddl::create_view(v)};
  for (const auto& [n, idx] : v.indexes) sql.push_back(ddl::create_index(v.name, idx, false));
  return util::join(sql, ";\n");
}

// A reverse that brings back a view the forward dropped or replaced, with its triggers.
std::string restore_view(const schema::View& v) {
  std::vector<std::string> sql{create_with_indexes(v)};
  recreate_view_triggers(sql, v);
  return util::join(sql, ";\n");
}

// A view with everything a DROP VIEW takes with it that the model holds: indexes (materialized), the
// comment and the grants.
std::string create_complete(const schema::View& v) {
  std::vector<std::string> sql{create_with_indexes(v)};
  recreate_view_triggers(sql, v);
  std::string what = (v.materialized ? "MATERIALIZED VIEW " : "VIEW ") + qualified(v.name);
  if (v.comment) sql.push_back(ddl::comment_on(what, v.comment));
  for (const auto& g : v.grants) sql.push_back(ddl::grant(qualified(v.name), g));
  return util::join(sql, ";\n");
}

// Views of `db` that read `view`, directly or transitively, in dependency order.
std::vector<const schema::View*> dependents(const schema::Database& db, const schema::QualifiedName& view) {
  std::vector<const schema::View*> out;
  std::set<schema::QualifiedName> targets{view};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [sn, s] : db.schemas) {
      for (const auto& [vn, v] : s.views) {
        if (targets.count(v.name)) continue;
        for (const auto& r : references(v)) {
          if (targets.count(r)) {
            out.push_back(&v);
            targets.insert(v.name);
            grew = true;
            break;
          }
        }
      }
    }
  }
  return out;
}

// Storage parameters and security_barrier only: ALTER [MATERIALIZED] VIEW SET / RESET (catalog only).
std::vector<std::string> alter_options(const schema::View& from, const schema::View& to) {
  std::string alter = (to.materialized ? "ALTER MATERIALIZED VIEW " : "ALTER VIEW ") + qualified(to.name);
  auto params = [](const schema::View& x) {
    auto p = x.storage_parameters;
    if (x.security_barrier) p["security_barrier"] = "true";
    return p;
  };
  return ddl::alter_storage_parameters(alter, params(from), params(to));
}

void plan_view_change(PlanContext& ctx, const schema::View& old, const schema::View& v) {
  std::string id = v.name.display();
  std::string kind = v.materialized ? "materialized view " : "view ";
  schema::View old_options = old;
  old_options.storage_parameters = v.storage_parameters;
  old_options.security_barrier = v.security_barrier;
  old_options.comment = v.comment;
  old_options.grants = v.grants;
  old_options.indexes = v.indexes;
  if (v.columns.empty()) old_options.columns.clear();
  if (old_options == v) {
    auto& ps = ctx.add(Phase::add, prio::view,
                       make_step("set_view_options:" + id, '~', kind + id, "changes the view's options (catalog only)",
                                 util::join(alter_options(old, v), ";\n"), util::join(alter_options(v, old), ";\n"),
                                 "ACCESS EXCLUSIVE on the view (brief)"));
    ps.uses.insert(keys::view(v.name));
    return;
  }
  if (replaceable(old, v)) {
    // The undo cannot shorten the column list in place: it drops the view and the views over it (as they
    // are again by then: later steps are undone first) and creates them back.
    auto deps = dependents(ctx.current, old.name);
    std::vector<std::string> rev;
    for (auto it = deps.rbegin(); it != deps.rend(); ++it) rev.push_back(ddl::drop_view(**it));
    rev.push_back(ddl::drop_view(v));
    rev.push_back(restore_view(old));
    for (const auto* d : deps) rev.push_back(create_complete(*d));
    auto& ps = ctx.add(Phase::add, prio::view,
                       make_step("replace_view:" + id, '~', kind + id, "replaces the query in place (CREATE OR REPLACE)",
                                 ddl::create_view(v, true), util::join(rev, ";\n"), "ACCESS EXCLUSIVE on the view (brief)"));
    ps.creates.insert(keys::view(v.name));
    add_reference_uses(ps, v, ctx.desired, false);
    return;
  }
  // Drop and recreate, together with the views that read this one, in one transaction.
  auto deps = dependents(ctx.current, old.name);
  std::vector<std::string> fwd, rev_drop, rev_create;
  for (auto it = deps.rbegin(); it != deps.rend(); ++it) fwd.push_back(ddl::drop_view(**it));
  fwd.push_back(ddl::drop_view(old));
  fwd.push_back(create_with_indexes(v));
  recreate_view_triggers(fwd, old);
  rev_drop.push_back(ddl::drop_view(v));
  rev_create.push_back(create_with_indexes(old));
  recreate_view_triggers(rev_create, old);
  for (const auto* d : deps) {
    rev_create.push_back(create_with_indexes(*d));
    recreate_view_triggers(rev_create, *d);
    if (const auto* nd = ctx.desired.find_view(d->name)) {
      fwd.push_back(create_with_indexes(*nd));
      recreate_view_triggers(fwd, *d);
      rev_drop.insert(rev_drop.begin(), ddl::drop_view(*nd));
      ctx.views_handled.insert(d->name);
    }
  }
  for (auto& s : rev_create) rev_drop.push_back(s);
  auto& ps = ctx.add(Phase::add, prio::view,
                     make_step("recreate_view:" + id, '~', kind + id,
                               v.materialized ? "drops and recreates the materialized view (repopulates it)"
                                              : "drops and recreates the view in one transaction (its columns changed)",
                               util::join(fwd, ";\n"), util::join(rev_drop, ";\n"), "ACCESS EXCLUSIVE on the view (brief)"));
  ps.creates.insert(keys::view(v.name));
  add_reference_uses(ps, v, ctx.desired, false);
  if (v.materialized) ps.step.statement_timeout_ms = 0;
}

}  // namespace

// Views the plan keeps, untouched, over an object a step of the plan drops (a table replaced by a view of
// its name, a dropped column a view still reads through `*`): PostgreSQL refuses the drop while they
// exist. Each such view (and the kept views over it) is dropped before that step and created again,
// as the desired schema has it, once what it reads exists; between the two it does not exist, and the
// step says so. Found from the catalog's dependency records of the current database.
void plan_dependent_view_rebuilds(PlanContext& ctx) {
  if (ctx.current.dependencies.empty()) return;
  std::map<std::string, std::string> dropped_by;  // key -> id of the pure drop step that drops it
  std::set<std::string> touched;                  // view keys some step creates or drops
  for (const auto& ps : ctx.steps) {
    bool pure_drop = !ps.drops.empty() && ps.creates.empty();
    for (const auto& k : ps.drops) {
      if (pure_drop) dropped_by.emplace(k, ps.step.id);
      touched.insert(k);
    }
    for (const auto& k : ps.creates) touched.insert(k);
  }
  if (dropped_by.empty()) return;
  std::map<std::string, std::set<std::string>> reads;  // view key -> keys it depends on
  std::map<std::string, const schema::View*> views;
  for (const auto& [sn, s] : ctx.current.schemas) {
    for (const auto& [vn, v] : s.views) views[keys::view(v.name)] = &v;
  }
  for (const auto& d : ctx.current.dependencies) {
    if (d.dependent.kind == "view") reads[keys::of(d.dependent)].insert(keys::of(d.referenced));
  }
  // views to rebuild, with the drop steps they must precede; grown through views over rebuilt views
  std::map<std::string, std::set<std::string>> rebuild;
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [vk, deps] : reads) {
      auto vit = views.find(vk);
      if (vit == views.end() || touched.count(vk) || rebuild.count(vk) || ctx.views_handled.count(vit->second->name)) continue;
      if (!ctx.desired.find_view(vit->second->name)) continue;
      std::set<std::string> because;
      for (const auto& k : deps) {
        if (dropped_by.count(k) || rebuild.count(k)) because.insert(k);
      }
      if (because.empty()) continue;
      rebuild[vk] = because;
      grew = true;
    }
  }
  for (const auto& [vk, because] : rebuild) {
    const schema::View& old = *views.at(vk);
    const schema::View& now = *ctx.desired.find_view(old.name);
    std::string id = old.name.display();
    std::string kind = old.materialized ? "materialized view " : "view ";
    std::vector<std::string> why;
    for (const auto& k : because) why.push_back(dropped_by.count(k) ? dropped_by.at(k) : k);
    auto& off = ctx.add(Phase::drop, prio::drop_view,
                        make_step("detach_view:" + id, '~', kind + id,
                                  "drops the view until it is created again (it reads what " + util::join(why, ", ") + " drops)",
                                  ddl::drop_view(old), create_complete(old), "ACCESS EXCLUSIVE on the view (brief)"));
    off.drops.insert(vk);
    off.uses.insert(because.begin(), because.end());
    off.step.hazards.push_back(
        hazards::backward_incompatible(id + " does not exist between this step and restore_view:" + id));
    auto& on = ctx.add(Phase::drop, prio::view,
                       make_step("restore_view:" + id, '~', kind + id, "creates the view again, as the desired schema has it",
                                 create_complete(now), ddl::drop_view(now), "none (new view)"));
    on.creates.insert(vk);
    on.after_drop.insert(vk);
    for (const auto& k : because) on.after_drop.insert(k);
    add_reference_uses(on, now, ctx.desired, false);
    if (now.materialized) on.step.statement_timeout_ms = 0;
  }
}

void plan_views(PlanContext& ctx) {
  for (const auto& [sn, s] : ctx.desired.schemas) {
    for (const auto& [vn, v] : s.views) {
      const schema::View* old = ctx.current.find_view(v.name);
      std::string id = v.name.display();
      std::string kind = v.materialized ? "materialized view " : "view ";
      if (!old) {
        auto& ps = ctx.add(Phase::add, prio::view,
                           make_step("create_view:" + id, '+', kind + id, "creates the view", ddl::create_view(v),
                                     ddl::drop_view(v), "none (new view)"));
        ps.creates.insert(keys::view(v.name));
        ps.uses.insert(keys::schema(sn));
        add_reference_uses(ps, v, ctx.desired, false);
        plan_indexes(ctx, v.name, nullptr, v.indexes, true, false);
      } else {
        auto strip = [](schema::View x) {
          x.comment.reset();
          x.grants.clear();
          x.indexes.clear();
          if (x.columns.empty()) x.columns.clear();
          return x;
        };
        schema::View a = strip(*old), b = strip(v);
        if (b.columns.empty()) a.columns.clear();  // YAML may omit the column list
        if (!(a == b) && !ctx.views_handled.count(v.name)) plan_view_change(ctx, *old, v);
        if (!ctx.views_handled.count(v.name)) plan_indexes(ctx, v.name, &old->indexes, v.indexes, false, false);
      }
      plan_comment(ctx, (v.materialized ? "MATERIALIZED VIEW " : "VIEW ") + qualified(v.name), "view." + id, kind + id,
                   old ? old->comment : std::nullopt, v.comment, keys::view(v.name));
      plan_view_triggers(ctx, old, v);
    }
  }
  for (const auto& [sn, s] : ctx.current.schemas) {
    for (const auto& [vn, v] : s.views) {
      if (ctx.desired.find_view(v.name)) continue;
      auto& ps = ctx.add(Phase::drop, prio::drop_view,
                         make_step("drop_view:" + v.name.display(), '-', (v.materialized ? "materialized view " : "view ") + v.name.display(),
                                   "drops the view", ddl::drop_view(v), restore_view(v), "ACCESS EXCLUSIVE on the view (brief)"));
      ps.drops.insert(keys::view(v.name));
      ps.uses.insert(keys::schema(sn));
      add_reference_uses(ps, v, ctx.current, true);
      ps.step.hazards.push_back(hazards::backward_incompatible("old code reading " + v.name.display() + " fails"));
    }
  }
}

}  // namespace pgshift::planner
