// This file implements the NOT NULL recipe (not_null.hpp), used when an existing column becomes NOT
// NULL and when a new column is filled before it becomes NOT NULL (ops/column).
#include "planner/recipes/not_null.hpp"

#include "planner/ddl.hpp"
#include "planner/hazards.hpp"
#include "planner/naming.hpp"
#include "schema/sql_text.hpp"

namespace pgshift::planner::recipes {

using schema::quote_ident;

void set_not_null(PlanContext& ctx, const schema::Table& t, const std::string& column, bool after_fill) {
  std::string check = naming::not_null_check(t.name.name, column);
  std::string obj = "column " + t.name.display() + "." + column;
  std::string id = t.name.display() + "." + column;
  auto& add = column_step(ctx, after_fill ? Phase::backfill : Phase::add, after_fill ? prio::backfill + 5 : prio::check,
                          make_step("add_not_null_check:" + id, '~', obj,
                                    "adds CHECK (" + column + " IS NOT NULL) NOT VALID: new rows are checked, no scan yet",
                                    ddl::add_constraint(t.name, check, "CHECK (" + quote_ident(column) + " IS NOT NULL)", true),
                                    ddl::drop_constraint(t.name, check), "ACCESS EXCLUSIVE (brief)"),
                          t.name, column);
  if (after_fill) add.uses.insert(keys::filled(t.name, column));
  const schema::Column* col = t.find_column(column);
  if (!col || !col->default_value) {
    add.step.hazards.push_back(hazards::backward_incompatible("old code inserting NULL into " + id + " fails"));
  }
  auto& validate = column_step(ctx, Phase::backfill, prio::validate,
                               make_step("validate_not_null_check:" + id, '~', obj,
                                         "validates the helper check (scans without blocking writes)",
                                         ddl::alter_table(t.name) + " VALIDATE CONSTRAINT " + quote_ident(check), "",
                                         "SHARE UPDATE EXCLUSIVE on " + t.name.display()),
                               t.name, column);
  validate.uses.insert(keys::filled(t.name, column));
  validate.step.statement_timeout_ms = 0;
  validate.step.hazards.push_back(hazards::full_table_scan(t.name.display(), ctx.size_note(t.name)));
  column_step(ctx, Phase::switch_over, prio::set_not_null,
              make_step("set_not_null:" + id, '~', obj, "SET NOT NULL uses the validated check: no scan",
                        ddl::alter_column(t.name, column) + " SET NOT NULL",
                        ddl::alter_column(t.name, column) + " DROP NOT NULL", "ACCESS EXCLUSIVE (brief)"),
              t.name, column)
      .creates.insert(keys::not_null(t.name, column));
  column_step(ctx, Phase::drop, prio::drop_constraint,
              make_step("drop_not_null_check:" + id, '-', obj, "drops the helper check", ddl::drop_constraint(t.name, check),
                        ddl::add_constraint(t.name, check, "CHECK (" + quote_ident(column) + " IS NOT NULL)", true),
                        "ACCESS EXCLUSIVE (brief)"),
              t.name, column);
}

}  // namespace pgshift::planner::recipes
