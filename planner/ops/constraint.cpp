// This file implements table constraints on existing tables: primary keys and unique constraints from a
// concurrently built unique index (ADD CONSTRAINT ... USING INDEX), checks and foreign keys added NOT VALID
// then validated, exclusion constraints, and their drops. New tables get them inline (create_table) except
// foreign keys, which are added once every referenced table exists.
#include <fmt/format.h>

#include "planner/naming.hpp"
#include "planner/ops/table_ops.hpp"
#include "planner/recipes/concurrent_index.hpp"
#include "util/strings.hpp"

namespace pgshift::planner::ops {

using schema::qualified;
using schema::quote_ident;
using pgshift::Error;

namespace {

std::string cname(const schema::QualifiedName& t, const std::string& n) { return t.display() + "." + n; }

PlannedStep& constraint_step(PlanContext& ctx, Phase phase, int priority, Step step, const schema::QualifiedName& t,
                             const std::vector<std::string>& columns) {
  auto& ps = ctx.add(phase, priority, std::move(step));
  ps.uses.insert(keys::table(t));
  for (const auto& c : columns) ps.uses.insert(keys::column(t, c));
  return ps;
}

// A unique key on an existing table: the unique index is built concurrently (no write block) under
// `index_name`, then turned into the constraint in a brief catalog-only step (which renames the index to
// the constraint's name). `replaces` is the SQL dropping the key it replaces in the same transaction.
struct KeySpec {
  std::string name, index_name, clause_prefix, clause_suffix;
  std::vector<std::string> columns;
  bool nulls_not_distinct = false;
  Phase attach_phase = Phase::add;
  std::string replaces, replaces_reverse;
};

void add_key(PlanContext& ctx, const schema::Table& t, const KeySpec& k) {
  std::string id = cname(t.name, k.name);
  schema::Index idx;
  idx.name = k.index_name;
  idx.unique = true;
  idx.nulls_not_distinct = k.nulls_not_distinct;
  for (const auto& c : k.columns) idx.elems.push_back({c, std::nullopt, std::nullopt, std::nullopt, false, std::nullopt});
  auto& b = recipes::build_index_concurrently(ctx, Phase::add, prio::key_index,
                                              {.table = t.name, .index = idx, .name = k.index_name, .id = "build_key_index:" + id,
                                               .object = "index " + cname(t.name, k.index_name),
                                               .description = "builds the unique index concurrently (no write block)"});
  b.uses.insert(keys::table(t.name));
  for (const auto& c : k.columns) b.uses.insert(keys::column(t.name, c));
  b.creates.insert(keys::index(t.name.schema, k.index_name));
  std::string attach = ddl::add_constraint(t.name, k.name, k.clause_prefix + " USING INDEX " + quote_ident(k.index_name) + k.clause_suffix);
  std::string undo = ddl::drop_constraint(t.name, k.name) + ";\n" + ddl::create_index(t.name, idx, false);
  if (!k.replaces.empty()) {
    attach = k.replaces + ";\n" + attach;
    undo += ";\n" + k.replaces_reverse;
  }
  auto& a = constraint_step(ctx, k.attach_phase, k.attach_phase == Phase::add ? prio::key : prio::switch_key,
                            make_step("add_constraint:" + id, k.replaces.empty() ? '+' : '~', "constraint " + id,
                                      "turns the unique index into the constraint (catalog only)", attach, undo,
                                      "ACCESS EXCLUSIVE (brief)"),
                            t.name, k.columns);
  a.uses.insert(keys::index(t.name.schema, k.index_name));
  a.creates.insert(keys::key(t.name, k.columns));
  for (const auto& c : k.columns) a.uses.insert(keys::not_null(t.name, c));
}

void drop_constraint(PlanContext& ctx, const schema::Table& t, const std::string& name, const std::string& recreate,
                     const std::vector<std::string>& columns, int priority, const std::string& kind) {
  auto& ps = constraint_step(ctx, Phase::drop, priority,
                             make_step("drop_constraint:" + cname(t.name, name), '-', kind + " " + cname(t.name, name),
                                       "drops the constraint", ddl::drop_constraint(t.name, name), recreate,
                                       "ACCESS EXCLUSIVE (brief)"),
                             t.name, columns);
  ps.drops.insert(keys::constraint(t.name, name));
  (void)ps;
}

// Checks and foreign keys: NOT VALID in add (only new rows are checked), VALIDATE in backfill.
void add_validated(PlanContext& ctx, const schema::Table& t, const std::string& name, const std::string& clause,
                   const std::vector<std::string>& columns, const std::optional<std::string>& replaced_clause, int priority,
                   const std::string& kind, PlannedStep** add_out) {
  std::string id = cname(t.name, name);
  std::string fwd = ddl::add_constraint(t.name, name, clause, true);
  std::string rev = ddl::drop_constraint(t.name, name);
  if (replaced_clause) {
    // IF EXISTS: a primary key or unique drop may have dropped a foreign key bound to it (drop_key)
    fwd = fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}, ADD CONSTRAINT {} {} NOT VALID", qualified(t.name), quote_ident(name),
                      quote_ident(name), clause);
    rev = fmt::format("ALTER TABLE {} DROP CONSTRAINT {}, ADD CONSTRAINT {} {} NOT VALID;\nALTER TABLE {} VALIDATE CONSTRAINT {}",
                      qualified(t.name), quote_ident(name), quote_ident(name), *replaced_clause, qualified(t.name), quote_ident(name));
  }
  auto& add = constraint_step(ctx, Phase::add, priority,
                              make_step((replaced_clause ? "replace_constraint:" : "add_constraint:") + id, replaced_clause ? '~' : '+',
                                        kind + " " + id, "adds the constraint NOT VALID: new rows are checked, no scan yet", fwd, rev,
                                        "ACCESS EXCLUSIVE (brief)"),
                              t.name, columns);
  add.creates.insert(keys::constraint(t.name, name));
  size_t add_index = ctx.steps.size() - 1;  // `add` dangles once the next step is appended
  auto& v = constraint_step(ctx, Phase::backfill, prio::validate,
                            make_step("validate_constraint:" + id, '~', kind + " " + id,
                                      "validates existing rows without blocking writes",
                                      "ALTER TABLE " + qualified(t.name) + " VALIDATE CONSTRAINT " + quote_ident(name), "",
                                      "SHARE UPDATE EXCLUSIVE on " + t.name.display()),
                            t.name, columns);
  v.uses.insert(keys::constraint(t.name, name));
  v.step.statement_timeout_ms = 0;
  v.step.hazards.push_back(hazards::full_table_scan(t.name.display(), ctx.size_note(t.name)));
  for (const auto& c : columns) v.uses.insert(keys::filled(t.name, c));
  if (add_out) *add_out = &ctx.steps[add_index];
}

std::string fk_recreate(const schema::Table& t, const std::string& n, const schema::ForeignKey& fk) {
  return ddl::add_constraint(t.name, n, ddl::foreign_key_clause(fk), true) + ";\nALTER TABLE " + qualified(t.name) +
         " VALIDATE CONSTRAINT " + quote_ident(n);
}

void plan_foreign_keys(PlanContext& ctx, const schema::Table* cur, const schema::Table& des, bool is_new) {
  for (const auto& [n, fk] : des.foreign_keys) {
    const schema::ForeignKey* old = cur && cur->foreign_keys.count(n) ? &cur->foreign_keys.at(n) : nullptr;
    auto strip = [](schema::ForeignKey f) { f.comment.reset(); f.renamed_from.reset(); return f; };
    if (old && strip(*old) == strip(fk)) continue;
    std::string clause = ddl::foreign_key_clause(fk);
    bool ref_is_new = !ctx.table_exists(fk.ref_table);
    PlannedStep* add = nullptr;
    if ((is_new || ref_is_new) && !old) {
      // Both sides are empty or new: nothing to scan, add it valid at once.
      auto& ps = constraint_step(ctx, Phase::add, prio::foreign_key,
                                 make_step("add_constraint:" + cname(des.name, n), '+', "foreign key " + cname(des.name, n),
                                           "adds the foreign key", ddl::add_constraint(des.name, n, clause),
                                           ddl::drop_constraint(des.name, n), "SHARE ROW EXCLUSIVE on both tables (brief)"),
                                 des.name, fk.columns);
      add = &ps;
    } else {
      add_validated(ctx, des, n, clause, fk.columns, old ? std::optional(ddl::foreign_key_clause(*old)) : std::nullopt,
                    prio::foreign_key, "foreign key", &add);
    }
    add->uses.insert(keys::table(fk.ref_table));
    add->uses.insert(keys::key(fk.ref_table, fk.ref_columns));
    // PostgreSQL binds a new foreign key to the first unique index over the columns: not to one the plan drops
    add->after_drop.insert(keys::key(fk.ref_table, fk.ref_columns));
    for (const auto& c : fk.ref_columns) add->uses.insert(keys::column(fk.ref_table, c));
  }
  if (!cur) return;
  for (const auto& [n, fk] : cur->foreign_keys) {
    if (des.foreign_keys.count(n)) continue;
    auto& ps = constraint_step(ctx, Phase::drop, prio::drop_fk,
                               make_step("drop_constraint:" + cname(des.name, n), '-', "foreign key " + cname(des.name, n),
                                         "drops the foreign key", ddl::drop_constraint(des.name, n), fk_recreate(*cur, n, fk),
                                         "SHARE ROW EXCLUSIVE on both tables (brief)"),
                               des.name, fk.columns);
    ps.drops.insert(keys::constraint(des.name, n));
    ps.uses.insert(keys::table(fk.ref_table));
    ps.uses.insert(keys::key(fk.ref_table, fk.ref_columns));
  }
}

// The foreign keys, kept by the desired schema as they are, that PostgreSQL bound to the index of the
// key `name` of `t` over `columns`: DROP CONSTRAINT of the key fails while they exist. From the catalog's
// dependency records when the current model has them; else every foreign key referencing those columns.
struct BoundForeignKey {
  const schema::Table* child;
  std::string name;
  bool changed;  // the plan replaces it by its own step, which runs after the drop (after_drop) and adds it again
};

std::vector<BoundForeignKey> bound_foreign_keys(const PlanContext& ctx, const schema::Table& t,
                                                                            const std::string& name,
                                                                            const std::vector<std::string>& columns) {
  std::set<std::string> wanted(columns.begin(), columns.end());
  std::set<std::string> bound;  // "constraint:..." keys depending on the index
  for (const auto& d : ctx.current.dependencies) {
    if (d.referenced.kind == "index" && d.referenced.schema == t.name.schema && d.referenced.name == name &&
        d.dependent.kind == "constraint") {
      bound.insert(keys::of(d.dependent));
    }
  }
  std::vector<BoundForeignKey> out;
  for (const auto& [sn, s] : ctx.current.schemas) {
    for (const auto& [tn, child] : s.tables) {
      for (const auto& [fn, fk] : child.foreign_keys) {
        if (fk.ref_table != t.name || std::set<std::string>(fk.ref_columns.begin(), fk.ref_columns.end()) != wanted) continue;
        if (!ctx.current.dependencies.empty() && !bound.count(keys::constraint(child.name, fn))) continue;
        const schema::Table* dt = ctx.desired.find_table(child.name);
        if (!dt || !dt->foreign_keys.count(fn)) continue;  // dropped by its own step first
        schema::ForeignKey a = fk, b = dt->foreign_keys.at(fn);
        a.comment.reset();
        b.comment.reset();
        a.renamed_from.reset();
        b.renamed_from.reset();
        out.push_back({&child, fn, !(a == b)});
      }
    }
  }
  return out;
}

// Drops a primary key or unique constraint. Foreign keys bound to its index (bound_foreign_keys) are
// dropped first and added again NOT VALID in the same transaction, so PostgreSQL binds them to the key
// that remains (the desired schema's key over the same columns); a later step validates them.
void drop_key(PlanContext& ctx, const schema::Table& cur, const std::string& name, const std::string& clause,
              const std::vector<std::string>& columns, const std::string& kind) {
  auto fks = bound_foreign_keys(ctx, cur, name, columns);
  std::string recreate = ddl::add_constraint(cur.name, name, clause);
  if (fks.empty()) {
    drop_constraint(ctx, cur, name, recreate, columns, prio::drop_constraint, kind);
    ctx.steps.back().drops.insert(keys::key(cur.name, columns));
    ctx.steps.back().drops.insert(keys::index(cur.name.schema, name));
    return;
  }
  std::vector<std::string> fwd, rev, names;
  for (const auto& f : fks) fwd.push_back(ddl::drop_constraint(f.child->name, f.name));
  fwd.push_back(ddl::drop_constraint(cur.name, name));
  for (const auto& f : fks) {
    if (f.changed) continue;
    fwd.push_back(ddl::add_constraint(f.child->name, f.name, ddl::foreign_key_clause(f.child->foreign_keys.at(f.name)), true));
    names.push_back(cname(f.child->name, f.name));
  }
  for (const auto& f : fks) {
    // a changed one exists again only when its own step ran (and was undone first)
    rev.push_back(f.changed ? "ALTER TABLE " + qualified(f.child->name) + " DROP CONSTRAINT IF EXISTS " + quote_ident(f.name)
                            : ddl::drop_constraint(f.child->name, f.name));
  }
  rev.push_back(recreate);
  for (const auto& f : fks) rev.push_back(fk_recreate(*f.child, f.name, f.child->foreign_keys.at(f.name)));
  std::string description = "drops the constraint";
  if (!names.empty()) {
    description += "; the foreign keys bound to its index (" + util::join(names, ", ") +
                   ") are added again NOT VALID in the same transaction, bound to the key that remains";
  }
  auto& ps = constraint_step(ctx, Phase::drop, prio::drop_constraint,
                             make_step("drop_constraint:" + cname(cur.name, name), '-', kind + " " + cname(cur.name, name),
                                       description, util::join(fwd, ";\n"), util::join(rev, ";\n"),
                                       "ACCESS EXCLUSIVE (brief) on the table and the referencing tables"),
                             cur.name, columns);
  ps.drops.insert(keys::constraint(cur.name, name));
  ps.drops.insert(keys::key(cur.name, columns));
  ps.drops.insert(keys::index(cur.name.schema, name));
  for (const auto& f : fks) {
    ps.uses.insert(keys::table(f.child->name));
    if (f.changed) continue;
    const auto& fk = f.child->foreign_keys.at(f.name);
    auto& v = constraint_step(ctx, Phase::drop, prio::drop_constraint + 1,
                              make_step("validate_constraint:" + cname(f.child->name, f.name), '~', "foreign key " + cname(f.child->name, f.name),
                                        "validates the foreign key added again NOT VALID (scans without blocking writes)",
                                        "ALTER TABLE " + qualified(f.child->name) + " VALIDATE CONSTRAINT " + quote_ident(f.name), "",
                                        "SHARE UPDATE EXCLUSIVE on " + f.child->name.display()),
                              f.child->name, fk.columns);
    v.after_drop.insert(keys::index(cur.name.schema, name));
    v.step.statement_timeout_ms = 0;
    v.step.hazards.push_back(hazards::full_table_scan(f.child->name.display(), ctx.size_note(f.child->name)));
  }
}

void plan_keys(PlanContext& ctx, const schema::Table& cur, const schema::Table& des) {
  auto needs_dance = [&](const std::vector<std::string>& cols) {
    for (const auto& c : cols) {
      const auto* oc = cur.find_column(c);
      const auto* dc = des.find_column(c);
      if (!oc || (oc->nullable && dc && !dc->nullable)) return true;
    }
    return false;
  };
  // primary key
  auto pk_equal = [](const std::optional<schema::PrimaryKey>& a, const std::optional<schema::PrimaryKey>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || (a->name == b->name && a->columns == b->columns && a->deferrable == b->deferrable &&
                  a->initially_deferred == b->initially_deferred);
  };
  if (!pk_equal(cur.primary_key, des.primary_key)) {
    if (des.primary_key) {
      KeySpec k;
      k.name = des.primary_key->name;
      k.columns = des.primary_key->columns;
      k.clause_prefix = "PRIMARY KEY";
      if (des.primary_key->deferrable) {
        k.clause_suffix = des.primary_key->initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
      }
      k.index_name = cur.primary_key ? naming::new_index(k.name) : k.name;
      k.attach_phase = needs_dance(k.columns) || cur.primary_key ? Phase::switch_over : Phase::add;
      if (cur.primary_key) {
        // Two primary keys cannot coexist: the old one goes in the same transaction.
        k.replaces = ddl::drop_constraint(cur.name, cur.primary_key->name);
        k.replaces_reverse = ddl::add_constraint(cur.name, cur.primary_key->name, ddl::primary_key_clause(*cur.primary_key));
      }
      add_key(ctx, des, k);
      if (cur.primary_key) ctx.steps.back().step.hazards.push_back(hazards::backward_incompatible("replaces the primary key of " + des.name.display()));
    } else {
      drop_key(ctx, cur, cur.primary_key->name, ddl::primary_key_clause(*cur.primary_key), cur.primary_key->columns,
               "primary key");
    }
  }
  // unique constraints
  for (const auto& [n, u] : des.uniques) {
    const schema::UniqueConstraint* old = cur.uniques.count(n) ? &cur.uniques.at(n) : nullptr;
    auto strip = [](schema::UniqueConstraint x) { x.comment.reset(); x.renamed_from.reset(); return x; };
    if (old && strip(*old) == strip(u)) continue;
    KeySpec k;
    k.name = n;
    k.index_name = n;
    if (old) {
      // The new definition is built concurrently under a temporary name; the switch replaces the old
      // constraint by it in one brief transaction (USING INDEX renames the index to the constraint's name).
      k.index_name = naming::new_index(n);
      k.attach_phase = Phase::switch_over;
      k.replaces = ddl::drop_constraint(cur.name, n);
      k.replaces_reverse = ddl::add_constraint(cur.name, n, ddl::unique_clause(*old));
    }
    k.columns = u.columns;
    k.clause_prefix = "UNIQUE";
    k.nulls_not_distinct = u.nulls_not_distinct;
    if (u.deferrable) k.clause_suffix = u.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
    add_key(ctx, des, k);
  }
  for (const auto& [n, u] : cur.uniques) {
    if (des.uniques.count(n)) continue;
    drop_key(ctx, cur, n, ddl::unique_clause(u), u.columns, "unique constraint");
  }
}

void plan_checks_and_exclusions(PlanContext& ctx, const schema::Table& cur, const schema::Table& des) {
  for (const auto& [n, c] : des.checks) {
    const schema::CheckConstraint* old = cur.checks.count(n) ? &cur.checks.at(n) : nullptr;
    if (old && old->expression == c.expression && old->no_inherit == c.no_inherit) continue;
    add_validated(ctx, des, n, ddl::check_clause(c), {}, old ? std::optional(ddl::check_clause(*old)) : std::nullopt,
                  prio::check, "check", nullptr);
    // the new expression may use columns added in this plan
    ctx.steps[ctx.steps.size() - 2].uses.insert(keys::columns_of(des.name));
  }
  for (const auto& [n, c] : cur.checks) {
    if (des.checks.count(n)) continue;
    drop_constraint(ctx, cur, n,
                    ddl::add_constraint(cur.name, n, ddl::check_clause(c), true) + ";\nALTER TABLE " + qualified(cur.name) +
                        " VALIDATE CONSTRAINT " + quote_ident(n),
                    {}, prio::drop_constraint, "check");
  }
  for (const auto& [n, x] : des.exclusions) {
    const schema::ExclusionConstraint* old = cur.exclusions.count(n) ? &cur.exclusions.at(n) : nullptr;
    if (old && old->definition == x.definition) continue;
    std::string fwd = ddl::add_constraint(des.name, n, x.definition.canonical);
    std::string rev = ddl::drop_constraint(des.name, n);
    if (old) {
      fwd = ddl::drop_constraint(des.name, n) + ";\n" + fwd;
      rev += ";\n" + ddl::add_constraint(des.name, n, old->definition.canonical);
    }
    auto& ps = constraint_step(ctx, Phase::add, prio::check,
                               make_step("add_constraint:" + cname(des.name, n), old ? '~' : '+', "exclusion " + cname(des.name, n),
                                         "adds the exclusion constraint (builds its index under a lock)", fwd, rev,
                                         "ACCESS EXCLUSIVE on " + des.name.display()),
                               des.name, {});
    ps.uses.insert(keys::columns_of(des.name));
    ps.step.hazards.push_back(hazards::access_exclusive(des.name.display(), "while the exclusion index builds"));
  }
  for (const auto& [n, x] : cur.exclusions) {
    if (des.exclusions.count(n)) continue;
    drop_constraint(ctx, cur, n, ddl::add_constraint(cur.name, n, x.definition.canonical), {}, prio::drop_constraint,
                    "exclusion");
  }
}

void plan_constraint_comments(PlanContext& ctx, const schema::Table* cur, const schema::Table& des) {
  auto comment = [&](const std::string& n, const std::optional<std::string>& old, const std::optional<std::string>& now) {
    plan_comment(ctx, "CONSTRAINT " + quote_ident(n) + " ON " + qualified(des.name), "constraint." + cname(des.name, n),
                 "constraint " + cname(des.name, n), old, now, keys::constraint(des.name, n));
  };
  if (des.primary_key) {
    comment(des.primary_key->name,
            cur && cur->primary_key && cur->primary_key->name == des.primary_key->name ? cur->primary_key->comment : std::nullopt,
            des.primary_key->comment);
  }
  for (const auto& [n, u] : des.uniques) comment(n, cur && cur->uniques.count(n) ? cur->uniques.at(n).comment : std::nullopt, u.comment);
  for (const auto& [n, c] : des.checks) comment(n, cur && cur->checks.count(n) ? cur->checks.at(n).comment : std::nullopt, c.comment);
  for (const auto& [n, f] : des.foreign_keys) {
    comment(n, cur && cur->foreign_keys.count(n) ? cur->foreign_keys.at(n).comment : std::nullopt, f.comment);
  }
  for (const auto& [n, x] : des.exclusions) {
    comment(n, cur && cur->exclusions.count(n) ? cur->exclusions.at(n).comment : std::nullopt, x.comment);
  }
}

}  // namespace

void plan_constraints(PlanContext& ctx, const schema::Table* cur, const schema::Table& des) {
  if (cur) {
    plan_keys(ctx, *cur, des);
    plan_checks_and_exclusions(ctx, *cur, des);
  }
  plan_foreign_keys(ctx, cur, des, cur == nullptr);
  plan_constraint_comments(ctx, cur, des);
}

}  // namespace pgshift::planner::ops
