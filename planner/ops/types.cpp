// This file implements enums (create, drop, add value, rename value, remove value by rebuilding the
// type), domains and composite types.
#include <algorithm>
#include <fmt/format.h>

#include "planner/naming.hpp"
#include "schema/expr.hpp"
#include "planner/ops/common.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {

using namespace ops;
using schema::qualified;
using pgshift::Error;
using schema::quote_literal;

namespace {

PlannedStep& type_step(PlanContext& ctx, Phase phase, int priority, Step step, const schema::QualifiedName& name, bool create) {
  auto& ps = ctx.add(phase, priority, std::move(step));
  (create ? ps.creates : ps.drops).insert(keys::type(name));
  ps.uses.insert(keys::schema(name.schema));
  return ps;
}

std::vector<std::string> labels(const schema::Enum& e) {
  std::vector<std::string> out;
  for (const auto& v : e.values) out.push_back(v.name);
  return out;
}

// Columns (in the current database) whose type is this enum or an array of it.
// With `survivors`, only columns that keep this type there (tables and columns dropped by the plan are left out).
std::vector<std::pair<const schema::Table*, const schema::Column*>> enum_users(const schema::Database& db,
                                                                              const schema::QualifiedName& type,
                                                                              const schema::Database* survivors = nullptr) {
  std::vector<std::pair<const schema::Table*, const schema::Column*>> out;
  for (const auto& [sn, s] : db.schemas) {
    for (const auto& [tn, t] : s.tables) {
      if (t.partition_of) continue;
      for (const auto& c : t.columns) {
        if (key_for_type_name(c.type, db) != keys::type(type)) continue;
        if (survivors) {
          const schema::Table* st = survivors->find_table(t.name);
          const schema::Column* sc = st ? st->find_column(c.name) : nullptr;
          if (!sc || key_for_type_name(sc->type, *survivors) != keys::type(type)) continue;
        }
        out.push_back({&t, &c});
      }
    }
  }
  return out;
}

std::string convert_columns_sql(const std::vector<std::pair<const schema::Table*, const schema::Column*>>& users,
                                const schema::QualifiedName& to) {
  std::vector<std::string> sql;
  for (auto [t, c] : users) {
    std::string col = schema::quote_ident(c->name);
    bool array = c->type.size() > 2 && c->type.substr(c->type.size() - 2) == "[]";
    std::string target = qualified(to) + (array ? "[]" : "");
    std::string conv = col + (array ? "::text[]" : "::text");
    if (c->default_value) sql.push_back(fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT", qualified(t->name), col));
    sql.push_back(fmt::format("ALTER TABLE {} ALTER COLUMN {} TYPE {} USING ({})::{}", qualified(t->name), col, target, conv, target));
    if (c->default_value) {
      sql.push_back(fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", qualified(t->name), col, schema::default_sql(*c->default_value)));
    }
  }
  return util::join(sql, ";\n");
}

// Rebuilds an enum with another label list: old type renamed aside, new type created, every using column
// converted through text (renamed labels mapped), old type dropped. One transaction.
std::string rebuild_enum_sql(const schema::Database& db, const schema::Enum& from, const schema::Enum& to,
                             const std::map<std::string, std::string>& label_map) {
  std::string aside = "_pgshift_old_" + from.name.name;
  schema::QualifiedName aside_name{from.name.schema, aside.substr(0, 63)};
  std::vector<std::string> sql;
  sql.push_back(fmt::format("ALTER TYPE {} RENAME TO {}", qualified(from.name), schema::quote_ident(aside_name.name)));
  sql.push_back(ddl::create_enum(to));
  for (auto [t, c] : enum_users(db, from.name)) {
    std::string col = schema::quote_ident(c->name);
    std::string conv = col + "::text";
    if (!label_map.empty()) {
      std::string cases;
      for (const auto& [old_label, new_label] : label_map) {
        cases += fmt::format(" WHEN {} THEN {}", quote_literal(old_label), quote_literal(new_label));
      }
      conv = fmt::format("CASE {}::text{} ELSE {}::text END", col, cases, col);
    }
    bool array = c->type.size() > 2 && c->type.substr(c->type.size() - 2) == "[]";
    std::string target = qualified(to.name) + (array ? "[]" : "");
    if (array) conv = col + "::text[]";
    if (c->default_value) sql.push_back(fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT", qualified(t->name), col));
    sql.push_back(fmt::format("ALTER TABLE {} ALTER COLUMN {} TYPE {} USING ({})::{}", qualified(t->name), col, target,
                              conv, target));
    if (c->default_value) {
      sql.push_back(fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", qualified(t->name), col,
                                schema::default_sql(*c->default_value)));
    }
  }
  sql.push_back("DROP TYPE " + qualified(aside_name));
  return util::join(sql, ";\n");
}

// Renamed labels first (catalog only); returns the current labels after the renames.
std::vector<std::string> rename_labels(PlanContext& ctx, const schema::Enum& cur, const schema::Enum& des) {
  std::vector<std::string> have = labels(cur);
  std::string obj = "enum " + des.name.display();
  for (const auto& v : des.values) {
    if (!v.renamed_from) continue;
    auto it = std::find(have.begin(), have.end(), *v.renamed_from);
    if (it == have.end() || std::find(have.begin(), have.end(), v.name) != have.end()) continue;
    auto& ps = type_step(ctx, Phase::add, prio::type,
                         make_step(fmt::format("rename_enum_value:{}.{}", des.name.display(), v.name), '~', obj,
                                   fmt::format("renames label '{}' to '{}' (catalog only)", *v.renamed_from, v.name),
                                   fmt::format("ALTER TYPE {} RENAME VALUE {} TO {}", qualified(des.name),
                                               quote_literal(*v.renamed_from), quote_literal(v.name)),
                                   fmt::format("ALTER TYPE {} RENAME VALUE {} TO {}", qualified(des.name),
                                               quote_literal(v.name), quote_literal(*v.renamed_from)),
                                   "ACCESS EXCLUSIVE on the type (brief)"),
                         des.name, true);
    ps.step.hazards.push_back(hazards::backward_incompatible("old code writing label '" + *v.renamed_from + "' fails"));
    *it = v.name;
  }
  return have;
}

// Removed labels or a changed order of existing labels: the type is rebuilt and every column using it
// converted, in one step.
void rebuild_enum(PlanContext& ctx, const schema::Enum& cur, const schema::Enum& des, const std::vector<std::string>& have) {
  std::string obj = "enum " + des.name.display();
  schema::Enum from = cur;
  from.values.clear();
  for (const auto& l : have) from.values.push_back({l, std::nullopt});
  auto all_users = enum_users(ctx.current, cur.name);
  auto users = enum_users(ctx.current, cur.name, &ctx.desired);
  schema::QualifiedName aside{des.name.schema, naming::fit("_pgshift_old_" + des.name.name)};
  std::string rename_aside = fmt::format("ALTER TYPE {} RENAME TO {}", qualified(des.name), schema::quote_ident(aside.name));
  std::string rename_back = fmt::format("ALTER TYPE {} RENAME TO {}", qualified(aside), schema::quote_ident(des.name.name));
  bool split = users.size() != all_users.size();  // dropped tables still use the old type until the drop phase
  std::vector<std::string> fwd{rename_aside, ddl::create_enum(des)};
  if (des.comment) fwd.push_back(ddl::comment_on("TYPE " + qualified(des.name), des.comment));
  std::string conv = convert_columns_sql(users, des.name);
  if (!conv.empty()) fwd.push_back(conv);
  if (!split) fwd.push_back("DROP TYPE " + qualified(aside));
  std::vector<std::string> rev;
  if (!split) rev.push_back(ddl::create_enum([&] { schema::Enum e = from; e.name = aside; return e; }()));
  std::string back = convert_columns_sql(users, aside);
  if (!back.empty()) rev.push_back(back);
  rev.push_back("DROP TYPE " + qualified(des.name));
  rev.push_back(rename_back);
  auto& ps = type_step(ctx, Phase::add, prio::type,
                       make_step("rebuild_enum:" + des.name.display(), '~', obj,
                                 "rebuilds the enum with the new labels and converts every column that keeps it",
                                 util::join(fwd, ";\n"), util::join(rev, ";\n"),
                                 "ACCESS EXCLUSIVE on every table using the type"),
                       des.name, true);
  for (auto [t, c] : users) {
    ps.step.hazards.push_back(hazards::table_rewrite(t->name.display(), ctx.size_note(t->name)));
    ps.uses.insert(keys::table(t->name));
  }
  if (split) {
    auto& d = type_step(ctx, Phase::drop, prio::drop_type,
                        make_step("drop_old_enum:" + des.name.display(), '-', obj,
                                  "drops the old enum once no dropped table uses it", "DROP TYPE " + qualified(aside),
                                  ddl::create_enum([&] { schema::Enum e = from; e.name = aside; return e; }()), "none"),
                        des.name, false);
    (void)d;
  }
  ps.step.hazards.push_back(hazards::backward_incompatible("removes labels of " + des.name.display() +
                                                           "; rows holding them make the step fail"));
}

// Additions: ADD VALUE next to a neighbour that already exists, one committed step per label, in the
// desired order (so that each step's reverse knows exactly which labels exist when it runs).
void add_labels(PlanContext& ctx, const schema::Enum& des, std::vector<std::string> have, const std::vector<std::string>& want) {
  std::string obj = "enum " + des.name.display();
  std::string previous_new;
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::find(have.begin(), have.end(), want[i]) != have.end()) continue;
    std::string position, neighbour;
    for (size_t j = i + 1; j < want.size(); ++j) {
      if (std::find(have.begin(), have.end(), want[j]) != have.end()) {
        position = " BEFORE " + quote_literal(want[j]);
        neighbour = want[j];
        break;
      }
    }
    if (position.empty() && i > 0) {
      position = " AFTER " + quote_literal(want[i - 1]);
      neighbour = want[i - 1];
    }
    // Labels present before and after this step, in enum order.
    schema::Enum before = des, after = des;
    before.values.clear();
    after.values.clear();
    for (size_t j = 0; j < want.size(); ++j) {
      bool present = std::find(have.begin(), have.end(), want[j]) != have.end();
      if (present) before.values.push_back({want[j], std::nullopt});
      if (present || j == i) after.values.push_back({want[j], std::nullopt});
    }
    Step s = make_step(fmt::format("add_enum_value:{}.{}", des.name.display(), want[i]), '~', obj,
                       fmt::format("adds label '{}', committed before anything uses it", want[i]),
                       fmt::format("ALTER TYPE {} ADD VALUE IF NOT EXISTS {}{}", qualified(des.name), quote_literal(want[i]),
                                   position),
                       rebuild_enum_sql(ctx.current, after, before, {}), "none (catalog only)");
    s.in_transaction = false;
    s.done_check_sql = fmt::format(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_enum WHERE enumtypid = {}::regtype AND enumlabel = {})",
        quote_literal(qualified(des.name)), quote_literal(want[i]));
    auto& ps = type_step(ctx, Phase::add, prio::enum_value, std::move(s), des.name, true);
    ps.creates.insert(keys::enum_label(des.name, want[i]));
    if (!neighbour.empty()) ps.uses.insert(keys::enum_label(des.name, neighbour));
    if (!previous_new.empty()) ps.uses.insert(keys::enum_label(des.name, previous_new));
    previous_new = want[i];
    have.push_back(want[i]);
  }
}

void plan_enum_change(PlanContext& ctx, const schema::Enum& cur, const schema::Enum& des) {
  std::vector<std::string> have = rename_labels(ctx, cur, des);
  std::vector<std::string> want = labels(des);
  std::vector<std::string> kept;
  for (const auto& l : have) {
    if (std::find(want.begin(), want.end(), l) != want.end()) kept.push_back(l);
  }
  std::vector<std::string> want_existing;
  for (const auto& l : want) {
    if (std::find(have.begin(), have.end(), l) != have.end()) want_existing.push_back(l);
  }
  if (kept.size() != have.size() || kept != want_existing) {
    rebuild_enum(ctx, cur, des, have);
    return;
  }
  add_labels(ctx, des, have, want);
}

void plan_enums(PlanContext& ctx, const schema::Schema* cur, const schema::Schema& des) {
  for (const auto& [name, e] : des.enums) {
    const schema::Enum* old = cur ? (cur->enums.count(name) ? &cur->enums.at(name) : nullptr) : nullptr;
    // The shadow-column pass converts the columns of these and replaces the type in the drop phase.
    if (old && ctx.enums_by_shadow.count(e.name)) continue;
    if (!old) {
      type_step(ctx, Phase::add, prio::type,
                make_step("create_enum:" + e.name.display(), '+', "enum " + e.name.display(), "creates the enum type",
                          ddl::create_enum(e), "DROP TYPE " + qualified(e.name), "none"),
                e.name, true);
    } else if (labels(*old) != labels(e)) {
      plan_enum_change(ctx, *old, e);
    }
    plan_comment(ctx, "TYPE " + qualified(e.name), "type." + e.name.display(), "enum " + e.name.display(),
                 old ? old->comment : std::nullopt, e.comment, keys::type(e.name));
  }
}

void plan_domains(PlanContext& ctx, const schema::Schema* cur, const schema::Schema& des) {
  for (const auto& [name, d] : des.domains) {
    const schema::Domain* old = cur && cur->domains.count(name) ? &cur->domains.at(name) : nullptr;
    schema::Domain d_nc = d, old_nc = old ? *old : d;
    d_nc.comment.reset();
    old_nc.comment.reset();
    d_nc.grants.clear();  // planner/ops/grant.cpp
    old_nc.grants.clear();
    if (!old) {
      auto& ps = type_step(ctx, Phase::add, prio::type,
                           make_step("create_domain:" + d.name.display(), '+', "domain " + d.name.display(), "creates the domain",
                                     ddl::create_domain(d), "DROP DOMAIN " + qualified(d.name), "none"),
                           d.name, true);
      if (auto k = key_for_type_name(d.type, ctx.desired); !k.empty()) ps.uses.insert(k);
    } else if (!(d_nc == old_nc)) {
      std::vector<std::string> fwd, rev;
      auto dom = "ALTER DOMAIN " + qualified(d.name);
      if (old->default_value != d.default_value) {
        fwd.push_back(dom + (d.default_value ? " SET DEFAULT " + schema::default_sql(*d.default_value) : " DROP DEFAULT"));
        rev.push_back(dom + (old->default_value ? " SET DEFAULT " + schema::default_sql(*old->default_value) : " DROP DEFAULT"));
      }
      if (old->nullable != d.nullable) {
        fwd.push_back(dom + (d.nullable ? " DROP NOT NULL" : " SET NOT NULL"));
        rev.push_back(dom + (old->nullable ? " DROP NOT NULL" : " SET NOT NULL"));
      }
      for (const auto& [cn, c] : old->checks) {
        if (d.checks.count(cn) && d.checks.at(cn) == c) continue;
        fwd.push_back(dom + " DROP CONSTRAINT " + schema::quote_ident(cn));
        rev.push_back(dom + " ADD CONSTRAINT " + schema::quote_ident(cn) + " CHECK (" + c.expression.canonical + ")");
      }
      for (const auto& [cn, c] : d.checks) {
        if (old->checks.count(cn) && old->checks.at(cn) == c) continue;
        fwd.push_back(dom + " ADD CONSTRAINT " + schema::quote_ident(cn) + " CHECK (" + c.expression.canonical + ")");
        rev.push_back(dom + " DROP CONSTRAINT " + schema::quote_ident(cn));
      }
      if (old->type != d.type || old->collation != d.collation) {
        throw Error("changing the base type of domain " + d.name.display() + " is not supported", std::nullopt,
                    "create a new domain and move the columns to it");
      }
      std::reverse(rev.begin(), rev.end());
      auto& ps = type_step(ctx, Phase::add, prio::type,
                           make_step("alter_domain:" + d.name.display(), '~', "domain " + d.name.display(),
                                     "changes the domain's default, nullability or checks", util::join(fwd, ";\n"),
                                     util::join(rev, ";\n"), "SHARE on tables using the domain while checks validate"),
                           d.name, true);
      ps.step.hazards.push_back(hazards::full_table_scan("columns of domain " + d.name.display(), ""));
    }
    plan_comment(ctx, "DOMAIN " + qualified(d.name), "domain." + d.name.display(), "domain " + d.name.display(),
                 old ? old->comment : std::nullopt, d.comment, keys::type(d.name));
  }
}

void plan_composites(PlanContext& ctx, const schema::Schema* cur, const schema::Schema& des) {
  for (const auto& [name, c] : des.types) {
    const schema::CompositeType* old = cur && cur->types.count(name) ? &cur->types.at(name) : nullptr;
    if (!old || old->attributes != c.attributes) {
      std::string fwd = ddl::create_composite(c);
      std::string rev = "DROP TYPE " + qualified(c.name);
      if (old) {
        fwd = "DROP TYPE " + qualified(c.name) + ";\n" + fwd;
        rev = rev + ";\n" + ddl::create_composite(*old);
      }
      auto& ps = type_step(ctx, Phase::add, prio::type,
                           make_step((old ? "replace_type:" : "create_type:") + c.name.display(), old ? '~' : '+',
                                     "type " + c.name.display(), old ? "recreates the composite type" : "creates the composite type",
                                     fwd, rev, "none"),
                           c.name, true);
      for (const auto& a : c.attributes) {
        if (auto k = key_for_type_name(a.type, ctx.desired); !k.empty() && k != keys::type(c.name)) ps.uses.insert(k);
      }
    }
    plan_comment(ctx, "TYPE " + qualified(c.name), "type." + c.name.display(), "type " + c.name.display(),
                 old ? old->comment : std::nullopt, c.comment, keys::type(c.name));
  }
}

void plan_dropped_types(PlanContext& ctx, const schema::Schema& cur, const schema::Schema* des) {
  auto drop = [&](const schema::QualifiedName& name, const std::string& kind, const std::string& sql_kind,
                  const std::string& recreate) {
    type_step(ctx, Phase::drop, prio::drop_type,
              make_step("drop_" + kind + ":" + name.display(), '-', kind + " " + name.display(), "drops the unused type",
                        "DROP " + sql_kind + " " + qualified(name), recreate, "none"),
              name, false);
  };
  for (const auto& [n, e] : cur.enums) {
    if (!des || !des->enums.count(n)) drop(e.name, "enum", "TYPE", ddl::create_enum(e));
  }
  for (const auto& [n, d] : cur.domains) {
    if (!des || !des->domains.count(n)) drop(d.name, "domain", "DOMAIN", ddl::create_domain(d));
  }
  for (const auto& [n, c] : cur.types) {
    if (!des || !des->types.count(n)) drop(c.name, "type", "TYPE", ddl::create_composite(c));
  }
}

}  // namespace

bool enum_needs_rebuild(const schema::Enum& cur, const schema::Enum& des) {
  std::vector<std::string> have = labels(cur);
  for (const auto& v : des.values) {
    if (!v.renamed_from) continue;
    auto it = std::find(have.begin(), have.end(), *v.renamed_from);
    if (it != have.end() && std::find(have.begin(), have.end(), v.name) == have.end()) *it = v.name;
  }
  std::vector<std::string> want = labels(des), kept, want_existing;
  for (const auto& l : have) {
    if (std::find(want.begin(), want.end(), l) != want.end()) kept.push_back(l);
  }
  for (const auto& l : want) {
    if (std::find(have.begin(), have.end(), l) != have.end()) want_existing.push_back(l);
  }
  return kept.size() != have.size() || kept != want_existing;
}

void plan_types(PlanContext& ctx) {
  for (const auto& [sn, des] : ctx.desired.schemas) {
    auto it = ctx.current.schemas.find(sn);
    const schema::Schema* cur = it == ctx.current.schemas.end() ? nullptr : &it->second;
    plan_enums(ctx, cur, des);
    plan_domains(ctx, cur, des);
    plan_composites(ctx, cur, des);
  }
  for (const auto& [sn, cur] : ctx.current.schemas) {
    auto it = ctx.desired.schemas.find(sn);
    plan_dropped_types(ctx, cur, it == ctx.desired.schemas.end() ? nullptr : &it->second);
  }
}

}  // namespace pgshift::planner
