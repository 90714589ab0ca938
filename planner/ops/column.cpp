// This file implements column changes on an existing table: add (safe by construction), drop, type,
// default, nullability (through a validated helper check), identity and generated expressions.
#include <fmt/format.h>
#include <algorithm>
#include <regex>
#include <set>

#include "planner/naming.hpp"
#include "planner/ops/table_ops.hpp"
#include "planner/recipes/not_null.hpp"
#include "planner/recipes/soft_drop.hpp"
#include "schema/expr.hpp"
#include "util/strings.hpp"

namespace pgshift::planner::ops {

using schema::qualified;
using schema::quote_ident;
using pgshift::Error;

namespace {

std::string col_display(const schema::QualifiedName& t, const std::string& c) { return t.display() + "." + c; }

}  // namespace

bool binary_coercible(const std::string& from, const std::string& to) {
  static const std::regex varchar_re(R"(^character varying\((\d+)\)$)");
  static const std::regex numeric_re(R"(^numeric\((\d+),(\d+)\)$)");
  std::smatch a, b;
  if (to == "text" && (from == "character varying" || std::regex_match(from, a, varchar_re))) return true;
  if (to == "character varying" && (from == "text" || std::regex_match(from, a, varchar_re))) return true;
  if (std::regex_match(from, a, varchar_re) && std::regex_match(to, b, varchar_re)) {
    return std::stoi(b[1]) >= std::stoi(a[1]);
  }
  if (std::regex_match(from, a, numeric_re) && std::regex_match(to, b, numeric_re)) {
    return a[2] == b[2] && std::stoi(b[1]) >= std::stoi(a[1]);
  }
  if (to == "numeric" && std::regex_match(from, a, numeric_re)) return true;
  if ((from == "timestamp without time zone" && to == "timestamp with time zone")) return false;
  return false;
}

namespace {

// A batched backfill walks the primary key. Without one, a column whose values must be computed per
// row (a volatile default such as a serial's nextval) is added in one statement that fills
// every row, which is fine on an empty or small table: refused when the live statistics say the table
// is larger (with its row count), and checked again at apply time by the step's precheck.
bool fill_in_one_statement(PlanContext& ctx, const schema::Table& t, const schema::Column& c) {
  if (t.primary_key) return false;
  double limit = ctx.options.grading.small_rows;
  auto it = ctx.options.table_stats.find(t.name);
  if (it != ctx.options.table_stats.end() && it->second.rows > limit) {
    throw Error(fmt::format("cannot add column {}: its values must be computed row by row, {} has ~{:.0f} rows and no "
                            "primary key to backfill them in batches by",
                            col_display(t.name, c.name), t.name.display(), it->second.rows),
                std::nullopt, fmt::format("add a primary key first, or give the column a non-volatile default (a plain ADD "
                                          "COLUMN filling every row is planned only up to {:.0f} rows)", limit));
  }
  return true;
}

std::string small_table_precheck(const schema::Table& t, const schema::Column& c, double limit) {
  return schema::do_block(fmt::format(
      " DECLARE _pgshift_n bigint; BEGIN SELECT count(*) INTO _pgshift_n FROM (SELECT 1 FROM {t} LIMIT {lim1}) AS _pgshift_rows; "
      "IF _pgshift_n > {lim} THEN RAISE EXCEPTION '%', format('%s has more than %s rows and no primary key: the new column %s "
      "would be filled by one statement rewriting the table; add a primary key first so it is backfilled in batches', "
      "{tname}, {lim}, {cname}); END IF; END ",
      fmt::arg("t", qualified(t.name)), fmt::arg("lim", static_cast<int64_t>(limit)),
      fmt::arg("lim1", static_cast<int64_t>(limit) + 1), fmt::arg("tname", schema::quote_literal(t.name.display())),
      fmt::arg("cname", schema::quote_literal(c.name))));
}

void plan_add_column(PlanContext& ctx, const schema::Table& t, const schema::Column& c) {
  std::string obj = "column " + col_display(t.name, c.name);
  bool volatile_default = c.default_value && is_volatile(*c.default_value, ctx.desired);
  // (`using` reads other columns, which ADD COLUMN's default cannot: it still needs the backfill.)
  bool one_statement = volatile_default && !c.using_expr && fill_in_one_statement(ctx, t, c);
  if (one_statement) volatile_default = false;  // added with its default, which fills the rows
  bool rewrite = c.identity || c.generated || one_statement;
  schema::Column first = c;
  bool needs_fill = false;
  if (volatile_default || (!c.nullable && !c.default_value && !rewrite) || c.using_expr) {
    // Added without the volatile default or NOT NULL, filled by a batched backfill, then constrained.
    first.nullable = true;
    first.default_value.reset();
    needs_fill = volatile_default || c.using_expr;
  }
  std::string fwd = ddl::add_column(t.name, first);
  if (volatile_default) fwd += ";\n" + ddl::alter_column(t.name, c.name) + " SET DEFAULT " + schema::default_sql(*c.default_value);
  auto& ps = ctx.add(Phase::add, prio::column,
                     make_step("add_column:" + col_display(t.name, c.name), '+', obj,
                               rewrite ? "adds the column (fills every row)" : "adds the column (catalog only, no rewrite)", fwd,
                               ddl::alter_table(t.name) + " DROP COLUMN " + quote_ident(c.name),
                               "ACCESS EXCLUSIVE on " + t.name.display() + (rewrite ? "" : " (brief)")));
  ps.creates.insert(keys::column(t.name, c.name));
  ps.creates.insert(keys::columns_of(t.name));
  ps.uses.insert(keys::table(t.name));
  if (one_statement) ps.step.precheck_sql = small_table_precheck(t, c, ctx.options.grading.small_rows);
  if (!c.nullable && !c.default_value && !c.using_expr && !rewrite) {
    // Nothing can fill it: on a table with rows the NOT NULL check could never be validated. Stop
    // before anything is written rather than halfway through the backfill phase.
    ps.step.precheck_sql = schema::do_block(fmt::format(
        " BEGIN IF EXISTS (SELECT 1 FROM {}) THEN RAISE EXCEPTION '%', format('%s has rows, and the new column %s "
        "is NOT NULL with neither a default nor a using expression to fill them: give it a `default` (or `using`), or "
        "make it nullable', {}, {}); END IF; END ",
        qualified(t.name), schema::quote_literal(t.name.display()), schema::quote_literal(c.name)));
  }
  std::string k = key_for_type_name(c.type, ctx.desired);
  if (!k.empty()) ps.uses.insert(k);
  if (rewrite) ps.step.hazards.push_back(hazards::table_rewrite(t.name.display(), ctx.size_note(t.name)));
  if (needs_fill) {
    Step s = make_step("backfill:" + col_display(t.name, c.name), '~', obj, "fills existing rows in batches", "", "", "ROW EXCLUSIVE per batch");
    Backfill b;
    b.table = t.name;
    if (t.primary_key) b.key = t.primary_key->columns;
    b.columns = {c.name};
    b.expressions = {c.using_expr ? c.using_expr->canonical : c.default_value->canonical};
    b.where = quote_ident(c.name) + " IS NULL";
    b.batch_size = ctx.options.batch_size;
    if (b.key.empty()) {
      throw Error("cannot backfill column " + col_display(t.name, c.name) + ": the table has no primary key", std::nullopt,
                  "add a primary key first, or give the column a non-volatile default");
    }
    s.backfill = b;
    s.hazards.push_back(hazards::long_backfill(t.name.display(), ctx.size_note(t.name)));
    auto& bf = column_step(ctx, Phase::backfill, prio::backfill, std::move(s), t.name, c.name);
    bf.creates.insert(keys::filled(t.name, c.name));
  }
  // A column being filled gets its NOT NULL check only once filled: a NOT VALID check still applies to
  // every row an UPDATE writes, so the application's updates of rows not yet filled would fail.
  if (!c.nullable && first.nullable) recipes::set_not_null(ctx, t, c.name, needs_fill);
}

void plan_drop_column(PlanContext& ctx, const schema::Table& t, const schema::Column& c) {
  if (recipes::soft_drop_column(ctx, t, c)) return;
  schema::Column back = c;
  if (!back.default_value && !back.identity && !back.generated) back.nullable = true;  // refilled rows would be NULL
  auto& ps = ctx.add(Phase::drop, prio::drop_column,
                     make_step("drop_column:" + col_display(t.name, c.name), '-', "column " + col_display(t.name, c.name),
                               "drops the column", ddl::alter_table(t.name) + " DROP COLUMN " + quote_ident(c.name),
                               ddl::add_column(t.name, back), "ACCESS EXCLUSIVE on " + t.name.display() + " (brief)"));
  ps.step.irreversible_reason = "the column's values are lost; rollback recreates it empty";
  ps.step.hazards.push_back(hazards::deletes_data("drops column " + col_display(t.name, c.name) + " and its values" + ctx.size_note(t.name), t.name.display()));
  ps.drops.insert(keys::column(t.name, c.name));
  ps.drops.insert(keys::columns_of(t.name));
  ps.uses.insert(keys::table(t.name));
}

void plan_type_change(PlanContext& ctx, const schema::Table& t, const schema::Column& cur, const schema::Column& des);

void plan_default_change(PlanContext& ctx, const schema::Table& t, const schema::Column& cur, const schema::Column& des) {
  if (cur.default_value == des.default_value || des.identity || cur.identity) return;
  auto set = [&](const std::optional<schema::Expr>& d) {
    return ddl::alter_column(t.name, des.name) + (d ? " SET DEFAULT " + schema::default_sql(*d) : " DROP DEFAULT");
  };
  column_step(ctx, Phase::add, prio::column_alter + 1,
              make_step("set_default:" + col_display(t.name, des.name), '~', "column " + col_display(t.name, des.name),
                        des.default_value ? "sets the default for new rows (catalog only)" : "drops the default (catalog only)",
                        set(des.default_value), set(cur.default_value), "ACCESS EXCLUSIVE (brief, catalog only)"),
              t.name, des.name);
}

void plan_identity_change(PlanContext& ctx, const schema::Table& t, const schema::Column& cur, const schema::Column& des) {
  if (cur.identity == des.identity) return;
  std::string col = ddl::alter_column(t.name, des.name);
  std::vector<std::string> fwd, rev;
  auto add_identity = [&](const schema::Identity& id, std::vector<std::string>& out) {
    out.push_back(col + " ADD " + ddl::identity_clause(id));
    // continue above the existing values
    out.push_back(ddl::restart_identity_above_max(t.name, des.name));
  };
  if (cur.identity && des.identity) {
    fwd.push_back(col + " DROP IDENTITY");
    add_identity(*des.identity, fwd);
    rev.push_back(col + " DROP IDENTITY");
    add_identity(*cur.identity, rev);
  } else if (des.identity) {
    if (cur.default_value) fwd.push_back(col + " DROP DEFAULT");  // serial to identity: the old default goes
    // PostgreSQL adds identity only to a NOT NULL column (SET NOT NULL scans for NULLs under the lock)
    if (cur.nullable) fwd.push_back(col + " SET NOT NULL");
    add_identity(*des.identity, fwd);
    rev.push_back(col + " DROP IDENTITY");
    if (cur.nullable) rev.push_back(col + " DROP NOT NULL");
    if (cur.default_value) rev.push_back(col + " SET DEFAULT " + schema::default_sql(*cur.default_value));
  } else {
    fwd.push_back(col + " DROP IDENTITY");
    if (des.default_value) fwd.push_back(col + " SET DEFAULT " + schema::default_sql(*des.default_value));
    // DROP IDENTITY keeps NOT NULL; the column may become nullable with it (plan_column_change leaves it here)
    if (des.nullable) fwd.push_back(col + " DROP NOT NULL");
    if (des.default_value) rev.push_back(col + " DROP DEFAULT");
    if (des.nullable) rev.push_back(col + " SET NOT NULL");
    add_identity(*cur.identity, rev);
  }
  column_step(ctx, Phase::add, prio::column_alter,
              make_step("set_identity:" + col_display(t.name, des.name), '~', "column " + col_display(t.name, des.name),
                        "changes the identity; the sequence continues above the existing values", util::join(fwd, ";\n"),
                        util::join(rev, ";\n"), "ACCESS EXCLUSIVE (brief)"),
              t.name, des.name);
}

void plan_generated_change(PlanContext& ctx, const schema::Table& t, const schema::Column& cur, const schema::Column& des) {
  if (cur.generated == des.generated) return;
  std::string obj = "column " + col_display(t.name, des.name);
  if (cur.generated && !des.generated) {
    column_step(ctx, Phase::add, prio::column_alter,
                make_step("drop_expression:" + col_display(t.name, des.name), '~', obj,
                          "turns the generated column into a plain one, keeping its values",
                          ddl::alter_column(t.name, des.name) + " DROP EXPRESSION", std::nullopt, "ACCESS EXCLUSIVE (brief)"),
                t.name, des.name)
        .step.irreversible_reason = "PostgreSQL 15 cannot turn a plain column back into a generated one in place";
    return;
  }
  // A new or changed expression: the column is recreated (values are derived, nothing is lost).
  std::string drop = ddl::alter_table(t.name) + " DROP COLUMN " + quote_ident(des.name);
  auto& ps = column_step(ctx, Phase::add, prio::column_alter,
                         make_step("replace_generated:" + col_display(t.name, des.name), '~', obj,
                                   "recreates the generated column with its new expression",
                                   drop + ";\n" + ddl::add_column(t.name, des), drop + ";\n" + ddl::add_column(t.name, cur),
                                   "ACCESS EXCLUSIVE on " + t.name.display()),
                         t.name, des.name);
  ps.step.hazards.push_back(hazards::table_rewrite(t.name.display(), ctx.size_note(t.name)));
  if (!cur.generated) ps.step.hazards.push_back(hazards::deletes_data("replaces the stored values of " + obj));
}

void plan_column_change(PlanContext& ctx, const schema::Table& t, const schema::Column& cur, const schema::Column& des) {
  bool type_changes = cur.type != des.type || cur.collation != des.collation;
  if (type_changes) plan_type_change(ctx, t, cur, des);
  // A rewriting type change drops the old default and sets the new one itself, both ways (a separate
  // step would set the old default back on the new type when rolled back).
  bool rewrites = type_changes && !(cur.collation == des.collation && binary_coercible(cur.type, des.type));
  if (!rewrites) plan_default_change(ctx, t, cur, des);
  plan_identity_change(ctx, t, cur, des);
  plan_generated_change(ctx, t, cur, des);
  if (cur.nullable && !des.nullable && !des.identity) recipes::set_not_null(ctx, t, des.name);
  if (!cur.nullable && des.nullable && !(cur.identity && !des.identity)) {
    auto& ps = column_step(ctx, Phase::add, prio::column_alter,
                           make_step("drop_not_null:" + col_display(t.name, des.name), '~', "column " + col_display(t.name, des.name),
                                     "allows NULL (catalog only)", ddl::alter_column(t.name, des.name) + " DROP NOT NULL",
                                     ddl::alter_column(t.name, des.name) + " SET NOT NULL", "ACCESS EXCLUSIVE (brief, catalog only)"),
                           t.name, des.name);
    // PostgreSQL refuses DROP NOT NULL on a primary key column: after the plan drops that key
    const schema::Table* ct = ctx.current.find_table(t.name);
    if (ct && ct->primary_key &&
        std::find(ct->primary_key->columns.begin(), ct->primary_key->columns.end(), des.name) != ct->primary_key->columns.end()) {
      ps.after_drop.insert(keys::key(t.name, ct->primary_key->columns));
    }
  }
}

}  // namespace

bool is_volatile(const schema::Expr& e, const schema::Database& db) {
  static const std::set<std::string> k_volatile = {"random", "gen_random_uuid", "uuid_generate_v4", "uuid_generate_v1",
                                                   "clock_timestamp", "timeofday", "nextval", "setval", "random_normal",
                                                   "txid_current", "pg_current_xact_id"};
  static const std::regex call_re(R"(([A-Za-z_][A-Za-z0-9_]*)\s*\()");
  const std::string& text = e.canonical.empty() ? e.source : e.canonical;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), call_re); it != std::sregex_iterator(); ++it) {
    std::string fn = util::to_lower((*it)[1].str());
    if (k_volatile.count(fn)) return true;
    for (const auto& [sn, s] : db.schemas) {
      for (const auto& [k, f] : s.functions) {
        if (f.name.name == fn && f.volatility == "volatile") return true;
      }
    }
  }
  return false;
}

void plan_columns(PlanContext& ctx, const schema::Table& cur, const schema::Table& des) {
  std::vector<std::string> added, dropped;
  for (const auto& c : des.columns) {
    const schema::Column* old = cur.find_column(c.name);
    if (!old) {
      plan_add_column(ctx, des, c);
      added.push_back(c.name);
    } else {
      plan_column_change(ctx, des, *old, c);
    }
  }
  for (const auto& c : cur.columns) {
    if (!des.find_column(c.name)) {
      plan_drop_column(ctx, cur, c);
      dropped.push_back(c.name);
    }
  }
  for (const auto& d : dropped) {
    for (const auto& a : added) {
      if (cur.find_column(d)->type == des.find_column(a)->type) {
        ctx.notes.push_back(fmt::format("column {}.{} is dropped and {}.{} of the same type is added: if this is a rename, "
                                        "add `renamed_from: {}` to column {} to keep the data",
                                        des.name.display(), d, des.name.display(), a, d, a));
      }
    }
  }
}

namespace {

void plan_type_change(PlanContext& ctx, const schema::Table& t, const schema::Column& cur, const schema::Column& des) {
  std::string id = col_display(t.name, des.name);
  std::string obj = "column " + id;
  bool coercible = cur.collation == des.collation && binary_coercible(cur.type, des.type);
  auto alter_type = [&](const schema::Column& to, const schema::Column& from, const std::optional<schema::Expr>& using_expr) {
    std::vector<std::string> sql;
    if (from.default_value && !coercible) sql.push_back(ddl::alter_column(t.name, to.name) + " DROP DEFAULT");
    std::string s = ddl::alter_column(t.name, to.name) + " TYPE " + schema::type_sql(to.type);
    if (to.collation) s += " COLLATE " + ddl::collation_sql(*to.collation);
    // Between string types the assignment cast (no USING) fails on a value that does not fit, where an
    // explicit cast would silently truncate it: never lose data without saying so.
    auto stringish = [](const std::string& t) {
      return t == "text" || util::starts_with(t, "character varying") || util::starts_with(t, "character(") ||
             t == "character";
    };
    if (!coercible && (using_expr || !(stringish(from.type) && stringish(to.type)))) {
      s += " USING " + (using_expr ? "(" + using_expr->canonical + ")"
                                   : ddl::cast_sql(quote_ident(to.name), from.type, to.type, {&ctx.current, &ctx.desired}));
    }
    sql.push_back(s);
    if (to.default_value && !coercible) sql.push_back(ddl::alter_column(t.name, to.name) + " SET DEFAULT " + schema::default_sql(*to.default_value));
    return sql;
  };
  std::vector<std::string> fwd, rev;
  // Views that read the table block ALTER TYPE: drop them and recreate them in the same transaction.
  auto views = dependent_views(ctx.current, t.name);
  for (auto it = views.rbegin(); it != views.rend(); ++it) {
    fwd.push_back(ddl::drop_view(**it));
  }
  for (auto& s : alter_type(des, cur, des.using_expr)) fwd.push_back(s);
  std::vector<std::string> rev_drops, rev_creates;
  for (const auto* v : views) {
    const schema::View* dv = ctx.desired.find_view(v->name);
    if (dv) {
      fwd.push_back(ddl::create_view(*dv));
      rev_drops.insert(rev_drops.begin(), ddl::drop_view(*dv));
      ctx.views_handled.insert(v->name);
    }
    rev_creates.push_back(ddl::create_view(*v));
  }
  rev = rev_drops;
  for (auto& s : alter_type(cur, des, des.down_using)) rev.push_back(s);
  for (auto& s : rev_creates) rev.push_back(s);
  auto& ps = column_step(ctx, Phase::add, prio::column_alter,
                         make_step("alter_column_type:" + id, '~', obj,
                                   coercible ? "changes the type (binary coercible: catalog only, no rewrite)"
                                             : "changes the type from " + cur.type + " to " + des.type + " (rewrites the table)",
                                   util::join(fwd, ";\n"), util::join(rev, ";\n"),
                                   "ACCESS EXCLUSIVE on " + t.name.display() + (coercible ? " (brief)" : "")),
                         t.name, des.name);
  if (!coercible) {
    ps.step.hazards.push_back(hazards::table_rewrite(t.name.display(), ctx.size_note(t.name)));
    ps.step.hazards.push_back(hazards::access_exclusive(t.name.display(), "for the whole rewrite: reads and writes wait"));
  }
  std::string k = key_for_type_name(des.type, ctx.desired);
  if (!k.empty()) ps.uses.insert(k);
  for (const auto* v : views) ps.uses.insert(keys::view(v->name));
}

}  // namespace

}  // namespace pgshift::planner::ops
