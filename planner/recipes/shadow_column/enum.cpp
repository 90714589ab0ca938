// This file implements the enum part of the shadow column recipe (shadow_column.hpp): an enum that
// loses or reorders labels, when every column using it can take a shadow column.
//   add       CREATE TYPE _pgshift_new_<enum> with the new labels;
//   add..drop each column moves to it through a shadow column (old labels map through text, renamed
//             ones through CASE; a precheck names the rows still holding a removed label);
//   drop      DROP TYPE the old enum, and the replacement takes its name.
#include <fmt/format.h>

#include <algorithm>

#include "planner/ddl.hpp"
#include "planner/naming.hpp"
#include "planner/recipes/shadow_column/shadow.hpp"
#include "planner/recipes/shadow_column/shadow_column.hpp"
#include "schema/sql_text.hpp"
#include "util/strings.hpp"

namespace pgshift::planner::recipes {

using schema::qualified;
using schema::quote_ident;
using schema::quote_literal;

namespace {

// The enum columns of `current` typed `type` (arrays are reported in `arrays`).
std::vector<std::pair<schema::Table*, std::string>> enum_columns(schema::Database& current, const schema::QualifiedName& type,
                                                                 const schema::Database& db, bool& arrays) {
  std::vector<std::pair<schema::Table*, std::string>> out;
  for (auto& [sn, sch] : current.schemas) {
    for (auto& [tn, t] : sch.tables) {
      for (const auto& c : t.columns) {
        if (key_for_type_name(c.type, db) != keys::type(type)) continue;
        if (c.type.size() > 2 && c.type.compare(c.type.size() - 2, 2, "[]") == 0) {
          arrays = true;
        } else {
          out.push_back({&t, c.name});
        }
      }
    }
  }
  return out;
}

// Why an enum's label removal cannot go column by column ("" when it can).
std::string enum_not_possible(const schema::Database& current, const schema::Database& desired, const schema::Enum& e,
                              const std::vector<std::pair<schema::Table*, std::string>>& users, bool arrays) {
  if (arrays) return "an array column uses it";
  if (users.empty()) return "no column uses it";
  for (const auto& [sn, sch] : current.schemas) {
    for (const auto& [k, f] : sch.functions) {
      std::string type = e.name.schema == "public" ? e.name.name : e.name.display();
      if (f.arguments.find(type) != std::string::npos || f.returns.find(type) != std::string::npos) {
        return "function " + f.name.display() + " uses it";
      }
    }
    for (const auto& [k, d] : sch.domains) {
      if (key_for_type_name(d.type, current) == keys::type(e.name)) return "domain " + d.name.display() + " uses it";
    }
    for (const auto& [k, c] : sch.types) {
      for (const auto& a : c.attributes) {
        if (key_for_type_name(a.type, current) == keys::type(e.name)) return "composite type " + c.name.display() + " uses it";
      }
    }
  }
  for (const auto& [t, col] : users) {
    const schema::Table* dt = desired.find_table(t->name);
    const schema::Column* dc = dt ? dt->find_column(col) : nullptr;
    if (!dc || dc->type != t->find_column(col)->type) return "column " + t->name.display() + "." + col + " changes too";
    std::string why = shadow_column_not_possible(current, *t, *t->find_column(col), *dc);
    if (!why.empty()) return "for column " + t->name.display() + "." + col + ", " + why;
  }
  return "";
}

// Old labels map to new ones through text (renamed labels through CASE), and back.
struct LabelMap {
  std::vector<std::string> labels;  // the new labels, quoted
  std::vector<std::string> removed;
};

LabelMap label_map(const schema::Enum& cur_e, const schema::Enum& des_e) {
  LabelMap m;
  auto& labels = m.labels;
  auto& removed = m.removed;
  for (const auto& v : des_e.values) labels.push_back(quote_literal(v.name));
  for (const auto& v : cur_e.values) {
    bool kept = std::any_of(des_e.values.begin(), des_e.values.end(),
                            [&](const auto& d) { return d.name == v.name || d.renamed_from == v.name; });
    if (!kept) removed.push_back(v.name);
  }
  return m;
}

// Add phase: the enum with the new labels under a temporary name.
schema::Enum create_replacement(PlanContext& ctx, const std::string& sn, const schema::Enum& des_e) {
  schema::Enum replacement = des_e;
  replacement.name.name = naming::fit("_pgshift_new_" + des_e.name.name);
  replacement.comment.reset();
  std::string new_type = qualified(replacement.name);
  auto& create = ctx.add(Phase::add, prio::type,
                         make_step("create_replacement_enum:" + des_e.name.display(), '+', "enum " + des_e.name.display(),
                                   "creates the enum with the new labels as " + replacement.name.name +
                                       "; columns move to it one by one",
                                   ddl::create_enum(replacement), "DROP TYPE IF EXISTS " + new_type, "none"));
  create.uses.insert(keys::schema(sn));
  create.creates.insert(keys::type(replacement.name));
  return replacement;
}

// One column of the enum moves to the replacement through a shadow column, with a precheck naming
// the rows that still hold a removed label.
void move_column(PlanContext& ctx, schema::Database& current, const schema::Enum& des_e, const std::string& new_type,
                 const LabelMap& map, schema::Table* t, const std::string& col) {
  const auto& labels = map.labels;
  const auto& removed = map.removed;
  const schema::Table& des_t = *ctx.desired.find_table(t->name);
  const schema::Column& final_col = *des_t.find_column(col);
  schema::Column cur_col = *t->find_column(col);
  std::string text = quote_ident(col) + "::text";
  std::string mapped = text;
  std::string cases;
  for (const auto& v : des_e.values) {
    if (v.renamed_from) cases += fmt::format(" WHEN {} THEN {}", quote_literal(*v.renamed_from), quote_literal(v.name));
  }
  if (!cases.empty()) mapped = fmt::format("CASE {}{} ELSE {} END", text, cases, text);
  std::string back_cases;
  for (const auto& v : des_e.values) {
    if (v.renamed_from) back_cases += fmt::format(" WHEN {} THEN {}", quote_literal(v.name), quote_literal(*v.renamed_from));
  }
  std::string back = back_cases.empty() ? text : fmt::format("CASE {}{} ELSE {} END", text, back_cases, text);
  schema::Column step_col = final_col;
  step_col.type = new_type;
  step_col.using_expr = schema::Expr{"", "(" + mapped + ")::" + new_type};
  step_col.down_using = schema::Expr{"", "(" + back + ")::" + schema::type_sql(cur_col.type)};
  std::string precheck = schema::do_block(fmt::format(
      "\nDECLARE\n  _pgshift_n bigint;\nBEGIN\n"
      "  SELECT count(*) INTO _pgshift_n FROM {t} WHERE ({mapped}) <> ALL (ARRAY[{labels}]::text[]);\n"
      "  IF _pgshift_n > 0 THEN\n"
      "    RAISE EXCEPTION '%', format('%s rows of %s still hold labels that enum %s no longer has (%s): change them first', "
      "_pgshift_n, {tname}, {ename}, {removed});\n"
      "  END IF;\nEND\n",
      fmt::arg("t", qualified(t->name)), fmt::arg("mapped", mapped), fmt::arg("labels", util::join(labels, ", ")),
      fmt::arg("tname", quote_literal(t->name.display() + "." + col)), fmt::arg("ename", quote_literal(des_e.name.display())),
      fmt::arg("removed", quote_literal(util::join(removed, ", ")))));
  plan_shadow(ctx, current, *t, des_t, cur_col, step_col, &final_col, precheck);
  // The column's last step (its drop) also uses the old type, which the replace step drops after it.
  ctx.steps.back().uses.insert(keys::type(des_e.name));
}

// Drop phase: the old type goes and the replacement takes its name.
void replace_enum(PlanContext& ctx, const schema::Enum& cur_e, const schema::Enum& des_e, const schema::Enum& replacement) {
  std::string new_type = qualified(replacement.name);
  std::vector<std::string> fwd = {"DROP TYPE " + qualified(des_e.name),
                                  fmt::format("ALTER TYPE {} RENAME TO {}", new_type, quote_ident(des_e.name.name))};
  if (des_e.comment) fwd.push_back(ddl::comment_on("TYPE " + qualified(des_e.name), des_e.comment));
  std::vector<std::string> rev = {fmt::format("ALTER TYPE {} RENAME TO {}", qualified(des_e.name), quote_ident(replacement.name.name)),
                                  ddl::create_enum(cur_e)};
  if (cur_e.comment) rev.push_back(ddl::comment_on("TYPE " + qualified(cur_e.name), cur_e.comment));
  auto& replace = ctx.add(Phase::drop, prio::drop_type,
                          make_step("replace_enum:" + des_e.name.display(), '~', "enum " + des_e.name.display(),
                                    "drops the old enum (no column uses it any more) and gives the replacement its name",
                                    util::join(fwd, ";\n"), util::join(rev, ";\n"), "none (catalog only)"));
  replace.uses.insert(keys::type(replacement.name));
  replace.drops.insert(keys::type(des_e.name));  // after the old columns that use it
}

}  // namespace

void enum_shadows(PlanContext& ctx, schema::Database& current) {
  for (const auto& [sn, des_s] : ctx.desired.schemas) {
    for (const auto& [en, des_e] : des_s.enums) {
      auto cs = current.schemas.find(sn);
      if (cs == current.schemas.end() || !cs->second.enums.count(en)) continue;
      const schema::Enum cur_e = cs->second.enums.at(en);
      if (!enum_needs_rebuild(cur_e, des_e)) continue;
      bool arrays = false;
      auto users = enum_columns(current, des_e.name, current, arrays);
      if (std::string why = enum_not_possible(current, ctx.desired, des_e, users, arrays); !why.empty()) {
        ctx.notes.push_back(fmt::format("enum {}: labels are removed by rebuilding the type in one transaction, rewriting "
                                        "every table that uses it, because {}",
                                        des_e.name.display(), why));
        continue;
      }
      ctx.enums_by_shadow.insert(des_e.name);
      schema::Enum replacement = create_replacement(ctx, sn, des_e);
      LabelMap map = label_map(cur_e, des_e);
      for (const auto& [t, col] : users) move_column(ctx, current, des_e, qualified(replacement.name), map, t, col);
      replace_enum(ctx, cur_e, des_e, replacement);
    }
  }
}

}  // namespace pgshift::planner::recipes
