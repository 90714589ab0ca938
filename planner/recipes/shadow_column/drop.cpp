// This file implements the drop phase of the shadow column (shadow.hpp): the sync trigger, its
// function and the old column go. The reverse brings the old column back and refills it from the new
// one (with its indexes and the trigger), so a rollback keeps every value written under either name.
#include <fmt/format.h>

#include <algorithm>

#include "planner/ddl.hpp"
#include "planner/hazards.hpp"
#include "planner/naming.hpp"
#include "planner/recipes/shadow_column/shadow.hpp"
#include "schema/expr.hpp"
#include "schema/sql_text.hpp"
#include "util/strings.hpp"

namespace pgshift::planner::recipes {

using schema::qualified;
using schema::quote_ident;
using schema::quote_literal;

void emit_drop(PlanContext& ctx, const Shadow& s) {
  const auto& T = s.table();
  std::string id = s.id();
  std::string obj = s.object();
  schema::Column old_col = bare_column(s.old_after, s.cur);
  std::vector<std::string> back = {ddl::add_column(T, old_col),
                                   fmt::format("UPDATE {} SET {} = ({})", qualified(T), quote_ident(s.old_after), s.back)};
  if (!s.cur.nullable) back.push_back(ddl::alter_column(T, s.old_after) + " SET NOT NULL");
  for (const auto& idx : s.cur_indexes) {
    back.push_back(ddl::create_index(T, index_on(idx, s.oc, s.old_after), false, naming::old_index(idx.name)));
  }
  back.push_back(function_sql(s, true));
  back.push_back(trigger_sql(s));
  auto& drop = ctx.add(Phase::drop, prio::drop_column,
                       make_step("drop_old_column:" + id, '-', obj,
                                 "drops the sync trigger and the old column " + s.old_after + " (its values live on in " + s.dc + ")",
                                 drop_helpers_sql(s) + ";\n" + ddl::alter_table(T) + " DROP COLUMN " + quote_ident(s.old_after), util::join(back, ";\n"),
                                 "ACCESS EXCLUSIVE on " + T.display() + " (brief)"));
  drop.uses.insert(keys::table(T));
  drop.drops.insert(keys::columns_of(T));
  if (auto k = key_for_type_name(s.cur.type, ctx.current); !k.empty()) drop.uses.insert(k);
  if (s.rename) {
    drop.step.hazards.push_back(hazards::backward_incompatible(fmt::format("old code using column {} of {} fails", s.oc, T.display())));
  }
}

}  // namespace pgshift::planner::recipes
