// This file implements the shadow column pass: which columns change through a shadow column
// (recipes/shadow_column): renamed columns and type changes that are not binary coercible, and enums
// losing labels. A column the recipe cannot take is renamed in place (recipes/rename) or rewritten
// under an exclusive lock, with a note saying why.
#include <fmt/format.h>

#include "planner/ops/table_ops.hpp"
#include "planner/recipes/shadow_column/shadow_column.hpp"

namespace pgshift::planner {

namespace {

bool coercible_change(const schema::Column& cur, const schema::Column& des) {
  return cur.collation == des.collation && ops::binary_coercible(cur.type, des.type);
}

}  // namespace

void plan_shadow_columns(PlanContext& ctx, schema::Database& current) {
  recipes::enum_shadows(ctx, current);
  for (const auto& [sn, s] : ctx.desired.schemas) {
    for (const auto& [tn, des_t] : s.tables) {
      schema::Table* cur_t = current.find_table(des_t.name);
      if (!cur_t) continue;
      for (const auto& des : des_t.columns) {
        const schema::Column* cur = cur_t->find_column(des.name);
        bool rename = false;
        if (!cur && des.renamed_from) {
          cur = cur_t->find_column(*des.renamed_from);
          rename = cur != nullptr;
        }
        if (!cur) continue;
        bool type_change = cur->type != des.type || cur->collation != des.collation;
        if (!rename && (!type_change || coercible_change(*cur, des))) continue;
        // With version schemas a pure rename is a plain RENAME behind the views: no copy.
        if (rename && !type_change && ctx.options.version_schemas) continue;
        std::string why = recipes::shadow_column_not_possible(current, *cur_t, *cur, des);
        if (!why.empty()) {
          if (rename) continue;  // renamed in place by plan_renames, which says what old code loses
          ctx.notes.push_back(fmt::format("column {}.{}: the type change rewrites the table under an exclusive lock because {}",
                                          des_t.name.display(), des.name, why));
          continue;
        }
        schema::Column cur_copy = *cur;
        recipes::shadow_column(ctx, current, *cur_t, des_t, cur_copy, des);
      }
    }
  }
}

}  // namespace pgshift::planner
