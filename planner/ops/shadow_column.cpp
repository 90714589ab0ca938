// This file implements the expand/contract strategy for a column whose values must be rewritten or
// whose name changes while old and new application code both run: a type change that is not binary
// coercible, and a column rename (`renamed_from`).
//
//   add       a shadow column (the new name for a rename, _pgshift_new_<col> for a type change) and a
//             trigger that keeps old and new in step on every INSERT and UPDATE, both ways;
//   backfill  the shadow filled in keyset batches (each batch touches its rows: the trigger converts),
//             its indexes and unique keys built CONCURRENTLY, its helper NOT NULL check validated;
//   switch    one short transaction: defaults, identity, NOT NULL, keys, checks, foreign keys (also
//             those of other tables pointing here), dependent views and sequence ownership move to the
//             new column; for a type change the two columns swap names. Moved checks and foreign keys
//             come back NOT VALID and are validated right after, without blocking writes;
//   drop      the trigger, its function and the old column go.
// Every step has its reverse; the reverse of the drop refills the old column from the new one, so a
// rollback from any phase keeps every value, including rows written in the meantime under either name.
// Before the first step, a read-only precheck proves the conversion on the live rows and names the
// first row that would not convert.
#include <fmt/format.h>

#include <algorithm>

#include "planner/naming.hpp"
#include "planner/ops/table_ops.hpp"
#include "schema/expr.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {

using namespace ops;
using schema::qualified;
using schema::quote_ident;
using schema::quote_literal;

namespace {

// Everything the steps of one shadow column need, computed once.
struct Shadow {
  schema::Table cur_t;  // the current table, before this pass changed it
  const schema::Table* des_t = nullptr;
  schema::Column cur, des;
  bool rename = false;  // the column changes its name (then the shadow column is the new column itself)
  std::string oc;       // the old column's name
  std::string dc;       // the desired name
  std::string shadow;   // where the new values live until the switch
  std::string old_after;  // where the old values live after the switch
  std::string fwd, back;  // conversions: old -> new in terms of the old row, new -> old in terms of dc
  bool assignment_only = false;  // fwd is the bare old column, converted by assignment (string types)
  std::string trigger, function;  // names (the function lives in the pgshift schema)
  std::string precheck;           // replaces the generic conversion precheck when set
  // Objects that reference the column, current (oc) and desired (dc).
  std::vector<schema::Index> cur_indexes, des_indexes;
  std::vector<schema::UniqueConstraint> cur_uniques, des_uniques;
  std::vector<schema::CheckConstraint> cur_checks, des_checks;
  std::vector<schema::ForeignKey> cur_fks, des_fks;
  // Foreign keys of other tables referencing the column: (table, fk).
  std::vector<std::pair<schema::QualifiedName, schema::ForeignKey>> cur_incoming, des_incoming;
  bool cur_pk = false, des_pk = false;
  std::vector<const schema::View*> views;      // current views over the table, dependents last
  std::vector<const schema::Sequence*> owned;  // sequences owned by the old column
  std::string id() const { return des_t->name.display() + "." + dc; }
  const schema::QualifiedName& table() const { return des_t->name; }
};

bool stringish(const std::string& t) {
  return t == "text" || util::starts_with(t, "character varying") || util::starts_with(t, "character(") || t == "character";
}

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

bool expr_uses(const std::optional<schema::Expr>& e, const std::string& column) {
  return e && schema::referenced_columns(e->canonical).count(column) > 0;
}

bool index_uses(const schema::Index& idx, const std::string& column) {
  if (contains(idx.include, column) || expr_uses(idx.where, column)) return true;
  return std::any_of(idx.elems.begin(), idx.elems.end(), [&](const schema::IndexElem& e) {
    return (e.column && *e.column == column) || expr_uses(e.expression, column);
  });
}

std::string rename_in(const std::string& expr, const std::string& from, const std::string& to) {
  return from == to ? expr : schema::rewrite_column_refs(expr, {{from, to}});
}

// The index with every reference to `from` renamed to `to`.
schema::Index index_on(schema::Index idx, const std::string& from, const std::string& to) {
  for (auto& e : idx.elems) {
    if (e.column && *e.column == from) e.column = to;
    if (e.expression) e.expression->canonical = rename_in(e.expression->canonical, from, to);
  }
  for (auto& c : idx.include) {
    if (c == from) c = to;
  }
  if (idx.where) idx.where->canonical = rename_in(idx.where->canonical, from, to);
  return idx;
}

// Why the strategy cannot be used for this column ("" when it can).
std::string not_possible(const schema::Database& current, const schema::Table& t, const schema::Column& cur,
                         const schema::Column& des) {
  if (t.partition_by || t.partition_of) return "the table is partitioned";
  if (!t.primary_key) return "the table has no primary key to backfill by";
  if (cur.generated || des.generated) return "the column is generated";
  for (const auto& c : t.columns) {
    if (c.name != cur.name && expr_uses(c.generated, cur.name)) return "generated column " + c.name + " uses it";
  }
  if (!t.exclusions.empty()) return "the table has exclusion constraints";
  for (const auto& [n, p] : t.policies) {
    if (expr_uses(p.using_expr, cur.name) || expr_uses(p.with_check, cur.name)) return "policy " + n + " uses it";
  }
  for (const auto& [n, tr] : t.triggers) {
    if (contains(tr.update_of, cur.name) || expr_uses(tr.when, cur.name)) return "trigger " + n + " names it";
  }
  for (const auto& g : t.grants) {
    if (contains(g.columns, cur.name)) return "it has column-level grants";
  }
  return "";
}

std::string plpgsql_body(const Shadow& s, bool after_switch) {
  auto col = [](const std::string& c) { return "NEW." + quote_ident(c); };
  auto oldc = [](const std::string& c) { return "OLD." + quote_ident(c); };
  // Conversions in terms of NEW: forward reads the old row; back reads the new value.
  std::string fwd = schema::rewrite_column_refs(s.fwd, {}, "new");
  if (!s.rename && after_switch) {
    // After the swap the new values are `dc`, the old ones `old_after`: only old <- new is kept up.
    std::string back = schema::rewrite_column_refs(s.back, {}, "new");
    return fmt::format("BEGIN\n  {} := ({});\n  RETURN NEW;\nEND", col(s.old_after), back);
  }
  std::string back = schema::rewrite_column_refs(s.back, {{s.dc, s.shadow}}, "new");
  std::string o = col(s.oc), n = col(s.shadow);
  // On INSERT the column written is the one not filled by its default: before the switch only the old
  // column has a default; after it (a rename) only the new one has.
  std::string insert = after_switch
                           ? fmt::format("IF {} IS NOT NULL THEN {} := ({}); ELSE {} := ({}); END IF;", o, n, fwd, o, back)
                           : fmt::format("IF {} IS NOT NULL THEN {} := ({}); ELSE {} := ({}); END IF;", n, o, back, n, fwd);
  return fmt::format(
      "BEGIN\n"
      "  IF TG_OP = 'INSERT' THEN\n"
      "    {}\n"
      "  ELSIF {} IS DISTINCT FROM {} AND {} IS NOT DISTINCT FROM {} THEN\n"
      "    {} := ({});\n"
      "  ELSE\n"
      "    {} := ({});\n"
      "  END IF;\n"
      "  RETURN NEW;\n"
      "END",
      insert, n, oldc(s.shadow), o, oldc(s.oc), o, back, n, fwd);
}

std::string function_sql(const Shadow& s, bool after_switch) {
  return fmt::format("CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS {}", qualified({"pgshift", s.function}),
                     schema::dollar_quote(plpgsql_body(s, after_switch)));
}

std::string trigger_sql(const Shadow& s) {
  return fmt::format("CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON {} FOR EACH ROW EXECUTE FUNCTION {}()", quote_ident(s.trigger),
                     qualified(s.table()), qualified({"pgshift", s.function}));
}

std::string drop_helpers_sql(const Shadow& s) {
  return fmt::format("DROP TRIGGER IF EXISTS {} ON {};\nDROP FUNCTION IF EXISTS {}()", quote_ident(s.trigger), qualified(s.table()),
                     qualified({"pgshift", s.function}));
}

std::string alter(const schema::QualifiedName& t) { return "ALTER TABLE " + qualified(t); }
std::string alter_col(const schema::QualifiedName& t, const std::string& c) { return alter(t) + " ALTER COLUMN " + quote_ident(c); }

// A read-only DO block: fast path converts every row in one scan; when that fails, it finds and names
// the first row that does not convert. Also counts the rows that would be NULL in a NOT NULL column.
std::string precheck_sql(const Shadow& s) {
  const auto& key = s.cur_t.primary_key->columns;
  std::vector<std::string> key_cols, key_match;
  for (const auto& k : key) {
    key_cols.push_back(quote_ident(k));
    key_match.push_back("_pgshift_row." + quote_ident(k));
  }
  std::string t = qualified(s.table());
  std::string key_list = util::join(key_cols, ", ");
  std::string not_null;
  if (!s.des.nullable) {
    not_null = fmt::format(
        "  SELECT count(*) INTO _pgshift_n FROM {t} WHERE ({fwd}) IS NULL;\n"
        "  IF _pgshift_n > 0 THEN\n"
        "    RAISE EXCEPTION '%', format('%s rows of %s would have no value in column %s, which is NOT NULL: give it a "
        "`default` or a `using` expression, or fix the data', _pgshift_n, {tname}, {cname});\n"
        "  END IF;\n",
        fmt::arg("t", t), fmt::arg("fwd", s.fwd), fmt::arg("tname", quote_literal(s.table().display())),
        fmt::arg("cname", quote_literal(s.dc)));
  }
  // Assignment to a string type fails on a value too long; the fast path looks for one with the cast.
  std::string fits = s.assignment_only ? fmt::format(
      "    IF EXISTS (SELECT 1 FROM {} WHERE ({})::{} IS DISTINCT FROM ({})) THEN\n"
      "      RAISE EXCEPTION 'a value does not fit';\n"
      "    END IF;\n", t, s.fwd, schema::type_sql(s.des.type), s.fwd) : "";
  return fmt::format(
      "DO $pgshift$\n"
      "DECLARE\n"
      "  _pgshift_row record;\n"
      "  _pgshift_n bigint;\n"
      "  _pgshift_v {vtype};\n"
      "BEGIN\n"
      "  BEGIN\n"
      "    PERFORM count(({fwd})) FROM {t};\n"
      "{fits}"
      "  EXCEPTION WHEN others THEN\n"
      "    FOR _pgshift_row IN SELECT {keys}, ROW({keys})::text AS _pgshift_key, {oc}::text AS _pgshift_value FROM {t} ORDER BY {keys} LOOP\n"
      "      BEGIN\n"
      "        SELECT ({fwd}) INTO _pgshift_v FROM {t} WHERE ({keys}) = ({match});\n"
      "      EXCEPTION WHEN others THEN\n"
      "        RAISE EXCEPTION '%', format('the row of %s with (%s) = %s has %s = %L, which does not convert to %s: %s', "
      "{tname}, {knames}, _pgshift_row._pgshift_key, {ocname}, _pgshift_row._pgshift_value, {type}, SQLERRM);\n"
      "      END;\n"
      "    END LOOP;\n"
      "    RAISE;\n"
      "  END;\n"
      "{not_null}"
      "END\n"
      "$pgshift$",
      fmt::arg("fwd", s.fwd), fmt::arg("t", t), fmt::arg("keys", key_list), fmt::arg("oc", quote_ident(s.oc)),
      fmt::arg("match", util::join(key_match, ", ")), fmt::arg("tname", quote_literal(s.table().display())),
      fmt::arg("knames", quote_literal(util::join(key, ", "))), fmt::arg("ocname", quote_literal(s.oc)),
      fmt::arg("type", quote_literal(s.des.type)), fmt::arg("not_null", not_null),
      fmt::arg("vtype", schema::type_sql(s.des.type)), fmt::arg("fits", fits));
}

std::vector<std::string> identity_sql(const Shadow& s, const std::string& column, const schema::Identity& id) {
  std::string col = alter_col(s.table(), column);
  return {col + " ADD " + ddl::identity_clause(id), ddl::restart_identity_above_max(s.table(), column)};
}

void add_all(std::vector<std::string>& out, const std::vector<std::string>& more) { out.insert(out.end(), more.begin(), more.end()); }

// Builds the add, backfill, switch and drop steps of one shadow column.
void emit(PlanContext& ctx, const Shadow& s) {
  const auto& T = s.table();
  std::string id = s.id();
  std::string obj = "column " + id;
  std::string what = s.rename ? (s.cur.type == s.des.type ? "rename of " + s.oc + " to " + s.dc
                                                           : "rename of " + s.oc + " to " + s.dc + " as " + s.des.type)
                              : "type change from " + s.cur.type + " to " + s.des.type;
  std::string nn_check = naming::not_null_check(T.name, s.shadow);

  // ---- add: the shadow column, its helper NOT NULL check, the sync trigger.
  schema::Column shadow_col;
  shadow_col.name = s.shadow;
  shadow_col.type = s.des.type;
  shadow_col.collation = s.des.collation;
  std::vector<std::string> fwd = {"CREATE SCHEMA IF NOT EXISTS pgshift", ddl::add_column(T, shadow_col)};
  if (!s.des.nullable) {
    fwd.push_back(ddl::add_constraint(T, nn_check, "CHECK (" + quote_ident(s.shadow) + " IS NOT NULL)", true));
  }
  fwd.push_back(function_sql(s, false));
  fwd.push_back(trigger_sql(s));
  auto& add = ctx.add(Phase::add, prio::column,
                      make_step("add_shadow_column:" + id, '+', obj,
                                fmt::format("{}: adds {} and a trigger keeping it and {} in step both ways (catalog only)", what,
                                            s.shadow, s.oc),
                                util::join(fwd, ";\n"),
                                drop_helpers_sql(s) + ";\n" + alter(T) + " DROP COLUMN IF EXISTS " + quote_ident(s.shadow),
                                "ACCESS EXCLUSIVE on " + T.display() + " (brief, catalog only)"));
  add.step.precheck_sql = s.precheck.empty() ? precheck_sql(s) : s.precheck;
  add.uses.insert(keys::table(T));
  add.uses.insert(keys::column(T, s.oc));
  add.creates.insert(keys::column(T, s.shadow));
  add.creates.insert(keys::column(T, s.dc));
  add.creates.insert(keys::columns_of(T));
  if (auto k = key_for_type_name(s.des.type, ctx.desired); !k.empty()) add.uses.insert(k);

  // ---- backfill: touch every row whose shadow is empty; the trigger converts.
  Step bf = make_step("backfill:" + id, '~', obj, "fills " + s.shadow + " from " + s.oc + " in batches through the trigger", "", "",
                      "ROW EXCLUSIVE per batch");
  Backfill b;
  b.table = T;
  b.key = s.cur_t.primary_key->columns;
  b.columns = {s.shadow};
  b.expressions = {"NULL"};  // unchanged shadow: the trigger computes it from the old column
  b.where = quote_ident(s.shadow) + " IS NULL AND " + quote_ident(s.oc) + " IS NOT NULL";
  b.batch_size = ctx.options.batch_size;
  bf.backfill = b;
  bf.hazards.push_back(hazards::long_backfill(T.display(), ctx.size_note(T)));
  auto& bfs = ctx.add(Phase::backfill, prio::backfill, std::move(bf));
  bfs.uses.insert(keys::column(T, s.shadow));
  bfs.creates.insert(keys::filled(T, s.shadow));

  if (!s.des.nullable) {
    auto& v = ctx.add(Phase::backfill, prio::validate,
                      make_step("validate_not_null_check:" + id, '~', obj, "validates CHECK (" + s.shadow + " IS NOT NULL) without blocking writes",
                                alter(T) + " VALIDATE CONSTRAINT " + quote_ident(nn_check), "", "SHARE UPDATE EXCLUSIVE on " + T.display()));
    v.step.statement_timeout_ms = 0;
    v.uses.insert(keys::filled(T, s.shadow));
    v.creates.insert(keys::shadow_ready(T, s.dc));
  }

  // Indexes and unique keys on the shadow column, built concurrently under temporary names.
  auto build = [&](const schema::Index& idx, const std::string& final_name) {
    std::string tmp = naming::new_index(final_name);
    schema::Index on_shadow = index_on(idx, s.dc, s.shadow);
    std::string exists = fmt::format(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = {} AND c.relname = {} AND i.indisvalid)",
        quote_literal(T.schema), quote_literal(tmp));
    std::string drop = "DROP INDEX CONCURRENTLY IF EXISTS " + qualified({T.schema, tmp});
    Step st = make_step("build_shadow_index:" + T.schema + "." + final_name, '+', "index " + T.schema + "." + final_name,
                        "builds the index on " + s.shadow + " concurrently as " + tmp, ddl::create_index(T, on_shadow, true, tmp), drop,
                        "SHARE UPDATE EXCLUSIVE on " + T.display());
    st.in_transaction = false;
    st.statement_timeout_ms = 0;
    st.done_check_sql = exists;
    st.cleanup_sql = drop;
    st.hazards.push_back(hazards::index_build(tmp, T.display(), ctx.size_note(T)));
    auto& ps = ctx.add(Phase::backfill, prio::validate + 1, std::move(st));
    ps.uses.insert(keys::filled(T, s.shadow));
    ps.creates.insert(keys::shadow_ready(T, s.dc));
  };
  for (const auto& idx : s.des_indexes) build(idx, idx.name);
  auto key_index = [&](const std::string& name, const std::vector<std::string>& cols, bool nnd) {
    schema::Index idx;
    idx.name = name;
    idx.unique = true;
    idx.nulls_not_distinct = nnd;
    for (const auto& c : cols) idx.elems.push_back(schema::IndexElem{.column = c});
    return idx;
  };
  if (s.des_pk) build(key_index(s.des_t->primary_key->name, s.des_t->primary_key->columns, false), s.des_t->primary_key->name);
  for (const auto& u : s.des_uniques) build(key_index(u.name, u.columns, u.nulls_not_distinct), u.name);

  // ---- switch: one short transaction moves everything to the new column.
  std::vector<std::string> sw = {"LOCK TABLE " + qualified(T) + " IN ACCESS EXCLUSIVE MODE"};
  std::vector<std::string> un = sw;
  std::vector<std::string> validate;  // constraints added NOT VALID: "table\tname"
  // Views go first and come back last.
  for (auto it = s.views.rbegin(); it != s.views.rend(); ++it) sw.push_back(ddl::drop_view(**it));
  std::vector<const schema::View*> des_views;
  for (const auto* v : s.views) {
    if (const auto* dv = ctx.desired.find_view(v->name)) des_views.push_back(dv);
    ctx.views_handled.insert(v->name);
  }
  for (auto it = des_views.rbegin(); it != des_views.rend(); ++it) un.push_back(ddl::drop_view(**it));
  // Constraints on (or pointing at) the old column go.
  for (const auto& [t, fk] : s.cur_incoming) sw.push_back(ddl::drop_constraint(t, fk.name));
  for (const auto& fk : s.cur_fks) sw.push_back(ddl::drop_constraint(T, fk.name));
  for (const auto& c : s.cur_checks) sw.push_back(ddl::drop_constraint(T, c.name));
  for (const auto& u : s.cur_uniques) sw.push_back(ddl::drop_constraint(T, u.name));
  if (s.cur_pk) sw.push_back(ddl::drop_constraint(T, s.cur_t.primary_key->name));
  for (const auto& [t, fk] : s.des_incoming) un.push_back(ddl::drop_constraint(t, fk.name));
  for (const auto& fk : s.des_fks) un.push_back(ddl::drop_constraint(T, fk.name));
  for (const auto& c : s.des_checks) un.push_back(ddl::drop_constraint(T, c.name));
  for (const auto& u : s.des_uniques) un.push_back(ddl::drop_constraint(T, u.name));
  if (s.des_pk) un.push_back(ddl::drop_constraint(T, s.des_t->primary_key->name));
  // The old column's default and identity; the new column's come back in the reverse.
  if (s.cur.default_value && !s.cur.identity) sw.push_back(alter_col(T, s.oc) + " DROP DEFAULT");
  if (s.cur.identity) sw.push_back(alter_col(T, s.oc) + " DROP IDENTITY");
  if (s.des.default_value && !s.des.identity) un.push_back(alter_col(T, s.dc) + " DROP DEFAULT");
  if (s.des.identity) un.push_back(alter_col(T, s.dc) + " DROP IDENTITY");
  if (!s.des.nullable) {
    un.push_back(alter_col(T, s.dc) + " DROP NOT NULL");
    un.push_back(ddl::add_constraint(T, nn_check, "CHECK (" + quote_ident(s.dc) + " IS NOT NULL)", false));
  }
  // Index names: the old ones step aside, the shadow ones take their names.
  std::vector<std::string> sw_idx, un_idx;
  for (const auto& idx : s.cur_indexes) {
    sw_idx.push_back(fmt::format("ALTER INDEX {} RENAME TO {}", qualified({T.schema, idx.name}), quote_ident(naming::old_index(idx.name))));
    un_idx.push_back(fmt::format("ALTER INDEX {} RENAME TO {}", qualified({T.schema, naming::old_index(idx.name)}), quote_ident(idx.name)));
  }
  for (const auto& idx : s.des_indexes) {
    sw_idx.push_back(fmt::format("ALTER INDEX {} RENAME TO {}", qualified({T.schema, naming::new_index(idx.name)}), quote_ident(idx.name)));
    un_idx.insert(un_idx.begin(), fmt::format("ALTER INDEX {} RENAME TO {}", qualified({T.schema, idx.name}),
                                              quote_ident(naming::new_index(idx.name))));
  }
  add_all(sw, sw_idx);
  add_all(un, un_idx);
  // The unique indexes of moved keys, rebuilt for a later apply (the constraints took them).
  if (s.des_pk) {
    un.push_back(ddl::create_index(T, index_on(key_index(s.des_t->primary_key->name, s.des_t->primary_key->columns, false), s.dc, s.dc), false,
                                   naming::new_index(s.des_t->primary_key->name)));
  }
  for (const auto& u : s.des_uniques) {
    un.push_back(ddl::create_index(T, key_index(u.name, u.columns, u.nulls_not_distinct), false, naming::new_index(u.name)));
  }
  if (!s.rename) {
    sw.push_back(fmt::format("{} RENAME COLUMN {} TO {}", alter(T), quote_ident(s.oc), quote_ident(s.old_after)));
    sw.push_back(fmt::format("{} RENAME COLUMN {} TO {}", alter(T), quote_ident(s.shadow), quote_ident(s.dc)));
    un.push_back(fmt::format("{} RENAME COLUMN {} TO {}", alter(T), quote_ident(s.dc), quote_ident(s.shadow)));
    un.push_back(fmt::format("{} RENAME COLUMN {} TO {}", alter(T), quote_ident(s.old_after), quote_ident(s.oc)));
  }
  sw.push_back(function_sql(s, true));
  un.push_back(function_sql(s, false));
  // The new column's default, identity and NOT NULL (the validated helper check spares the scan).
  if (s.des.default_value && !s.des.identity) sw.push_back(alter_col(T, s.dc) + " SET DEFAULT " + s.des.default_value->canonical);
  if (!s.des.nullable) {
    sw.push_back(alter_col(T, s.dc) + " SET NOT NULL");
    sw.push_back(ddl::drop_constraint(T, nn_check));
  }
  if (s.des.identity) add_all(sw, identity_sql(s, s.dc, *s.des.identity));  // needs NOT NULL first
  if (s.cur.default_value && !s.cur.identity) un.push_back(alter_col(T, s.oc) + " SET DEFAULT " + s.cur.default_value->canonical);
  if (s.cur.identity) add_all(un, identity_sql(s, s.oc, *s.cur.identity));
  // Keys from the shadow unique indexes; checks and foreign keys NOT VALID, validated next.
  if (s.des_pk) {
    sw.push_back(fmt::format("{} ADD CONSTRAINT {} PRIMARY KEY USING INDEX {}", alter(T), quote_ident(s.des_t->primary_key->name),
                             quote_ident(naming::new_index(s.des_t->primary_key->name))));
  }
  for (const auto& u : s.des_uniques) {
    std::string clause = fmt::format("UNIQUE USING INDEX {}", quote_ident(naming::new_index(u.name)));
    if (u.deferrable) clause += u.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
    sw.push_back(ddl::add_constraint(T, u.name, clause));
  }
  for (const auto& c : s.des_checks) {
    sw.push_back(ddl::add_constraint(T, c.name, ddl::check_clause(c), true));
    validate.push_back(T.display() + "\t" + c.name);
  }
  for (const auto& fk : s.des_fks) {
    sw.push_back(ddl::add_constraint(T, fk.name, ddl::foreign_key_clause(fk), true));
    validate.push_back(T.display() + "\t" + fk.name);
  }
  for (const auto& [t, fk] : s.des_incoming) {
    sw.push_back(ddl::add_constraint(t, fk.name, ddl::foreign_key_clause(fk), true));
    validate.push_back(t.display() + "\t" + fk.name);
  }
  // The reverse puts the old keys back as they were (built under the lock: a rollback after the switch
  // of a key column rebuilds its index).
  if (s.cur_pk) un.push_back(ddl::add_constraint(T, s.cur_t.primary_key->name, ddl::primary_key_clause(*s.cur_t.primary_key)));
  for (const auto& u : s.cur_uniques) un.push_back(ddl::add_constraint(T, u.name, ddl::unique_clause(u)));
  for (const auto& c : s.cur_checks) un.push_back(ddl::add_constraint(T, c.name, ddl::check_clause(c)));
  for (const auto& fk : s.cur_fks) un.push_back(ddl::add_constraint(T, fk.name, ddl::foreign_key_clause(fk)));
  for (const auto& [t, fk] : s.cur_incoming) un.push_back(ddl::add_constraint(t, fk.name, ddl::foreign_key_clause(fk)));
  for (const auto* seq : s.owned) {
    sw.push_back(fmt::format("ALTER SEQUENCE {} OWNED BY {}.{}", qualified(seq->name), qualified(T), quote_ident(s.dc)));
    un.push_back(fmt::format("ALTER SEQUENCE {} OWNED BY {}.{}", qualified(seq->name), qualified(T), quote_ident(s.oc)));
  }
  if (s.des.comment) sw.push_back(ddl::comment_on("COLUMN " + qualified(T) + "." + quote_ident(s.dc), s.des.comment));
  if (s.cur.comment) un.push_back(ddl::comment_on("COLUMN " + qualified(T) + "." + quote_ident(s.oc), s.cur.comment));
  // Views come back; a materialized view is repopulated and gets its indexes again, under the lock.
  auto recreate = [&](std::vector<std::string>& out, const schema::View& v) {
    out.push_back(ddl::create_view(v));
    for (const auto& [n, idx] : v.indexes) out.push_back(ddl::create_index(v.name, idx, false));
  };
  for (const auto* v : des_views) recreate(sw, *v);
  for (const auto* v : s.views) recreate(un, *v);

  auto& swap = ctx.add(Phase::switch_over, prio::swap,
                       make_step("switch_column:" + id, '~', obj,
                                 s.rename ? "moves default, NOT NULL, keys, constraints, indexes and views to " + s.dc +
                                                "; old code keeps writing " + s.oc + " through the trigger"
                                          : "swaps in the converted column with its default, NOT NULL, keys, constraints and indexes "
                                            "(one short transaction)",
                                 util::join(sw, ";\n"), util::join(un, ";\n"), "ACCESS EXCLUSIVE on " + T.display() + " (brief)"));
  for (const auto* v : des_views) {
    if (v->materialized) {
      swap.step.hazards.push_back(hazards::access_exclusive(
          T.display(), "while materialized view " + v->name.display() + " is recreated and repopulated in the switch"));
    }
  }
  swap.uses.insert(keys::table(T));
  swap.uses.insert(keys::shadow_ready(T, s.dc));
  swap.uses.insert(keys::filled(T, s.shadow));
  swap.creates.insert(keys::switched(T, s.dc));
  for (const auto* v : s.views) swap.uses.insert(keys::view(v->name));
  for (const auto& [t, fk] : s.cur_incoming) swap.uses.insert(keys::table(t));
  for (const auto& [t, fk] : s.des_incoming) swap.uses.insert(keys::table(t));
  for (const auto& fk : s.des_fks) swap.uses.insert(keys::table(fk.ref_table));

  for (const auto& v : validate) {
    auto parts = util::split(v, '\t');
    auto dot = parts[0].find('.');
    schema::QualifiedName t{parts[0].substr(0, dot), parts[0].substr(dot + 1)};
    auto& vs = ctx.add(Phase::switch_over, prio::swap + 5,
                       make_step("validate_constraint:" + parts[0] + "." + parts[1], '~', "constraint " + parts[1] + " on " + parts[0],
                                 "validates the moved constraint (scans without blocking writes)",
                                 alter(t) + " VALIDATE CONSTRAINT " + quote_ident(parts[1]), "", "SHARE UPDATE EXCLUSIVE on " + parts[0]));
    vs.step.statement_timeout_ms = 0;
    vs.uses.insert(keys::switched(T, s.dc));
  }

  // ---- drop: the trigger, its function and the old column.
  schema::Column old_col;
  old_col.name = s.old_after;
  old_col.type = s.cur.type;
  old_col.collation = s.cur.collation;
  std::vector<std::string> back = {ddl::add_column(T, old_col),
                                   fmt::format("UPDATE {} SET {} = ({})", qualified(T), quote_ident(s.old_after), s.back)};
  if (!s.cur.nullable) back.push_back(alter_col(T, s.old_after) + " SET NOT NULL");
  for (const auto& idx : s.cur_indexes) {
    back.push_back(ddl::create_index(T, index_on(idx, s.oc, s.old_after), false, naming::old_index(idx.name)));
  }
  back.push_back(function_sql(s, true));
  back.push_back(trigger_sql(s));
  auto& drop = ctx.add(Phase::drop, prio::drop_column,
                       make_step("drop_old_column:" + id, '-', obj,
                                 "drops the sync trigger and the old column " + s.old_after + " (its values live on in " + s.dc + ")",
                                 drop_helpers_sql(s) + ";\n" + alter(T) + " DROP COLUMN " + quote_ident(s.old_after), util::join(back, ";\n"),
                                 "ACCESS EXCLUSIVE on " + T.display() + " (brief)"));
  drop.uses.insert(keys::table(T));
  drop.drops.insert(keys::columns_of(T));
  if (auto k = key_for_type_name(s.cur.type, ctx.current); !k.empty()) drop.uses.insert(k);
  if (s.rename) {
    drop.step.hazards.push_back(hazards::backward_incompatible(fmt::format("old code using column {} of {} fails", s.oc, T.display())));
  }
}

// Fills in a Shadow for one column and rewrites `cur_t` (the working copy of the current table) and
// the other tables of `current` so that the ordinary diff sees nothing left to do for this column.
// `final_des` (default `des`) is what the column is once the migration is complete, when `des` is an
// intermediate form (an enum column typed with the replacement enum until the drop phase renames it).
void plan_one(PlanContext& ctx, schema::Database& current, schema::Table& cur_t, const schema::Table& des_t,
              const schema::Column& cur, const schema::Column& des, const schema::Column* final_des = nullptr,
              const std::string& precheck = "") {
  Shadow s;
  s.precheck = precheck;
  s.cur_t = cur_t;
  s.des_t = &des_t;
  s.cur = cur;
  s.des = des;
  s.oc = cur.name;
  s.dc = des.name;
  s.rename = s.oc != s.dc;
  s.shadow = s.rename ? s.dc : naming::new_column(s.oc);
  s.old_after = s.rename ? s.oc : naming::old_column(s.oc);
  // Between string types the assignment (no cast) is used: it fails on a value that does not fit, where
  // an explicit cast would cut it short without a word.
  bool plain = (cur.type == des.type && cur.collation == des.collation) || (stringish(cur.type) && stringish(des.type));
  s.fwd = des.using_expr ? des.using_expr->canonical
                         : (plain ? quote_ident(s.oc) : quote_ident(s.oc) + "::" + schema::type_sql(des.type));
  s.back = des.down_using ? des.down_using->canonical
                          : (plain ? quote_ident(s.dc) : quote_ident(s.dc) + "::" + schema::type_sql(cur.type));
  s.assignment_only = !des.using_expr && plain && cur.type != des.type;
  s.trigger = naming::fit("_pgshift_sync_" + s.oc);
  s.function = naming::fit("sync_" + des_t.name.schema + "_" + des_t.name.name + "_" + s.oc);

  for (const auto& [n, idx] : cur_t.indexes) {
    if (index_uses(idx, s.oc)) s.cur_indexes.push_back(idx);
  }
  for (const auto& [n, idx] : des_t.indexes) {
    if (index_uses(idx, s.dc)) s.des_indexes.push_back(idx);
  }
  s.cur_pk = cur_t.primary_key && contains(cur_t.primary_key->columns, s.oc);
  s.des_pk = des_t.primary_key && contains(des_t.primary_key->columns, s.dc);
  for (const auto& [n, u] : cur_t.uniques) {
    if (contains(u.columns, s.oc)) s.cur_uniques.push_back(u);
  }
  for (const auto& [n, u] : des_t.uniques) {
    if (contains(u.columns, s.dc)) s.des_uniques.push_back(u);
  }
  for (const auto& [n, c] : cur_t.checks) {
    if (expr_uses(c.expression, s.oc)) s.cur_checks.push_back(c);
  }
  for (const auto& [n, c] : des_t.checks) {
    if (expr_uses(c.expression, s.dc)) s.des_checks.push_back(c);
  }
  for (const auto& [n, fk] : cur_t.foreign_keys) {
    if (contains(fk.columns, s.oc)) s.cur_fks.push_back(fk);
  }
  for (const auto& [n, fk] : des_t.foreign_keys) {
    if (contains(fk.columns, s.dc)) s.des_fks.push_back(fk);
  }
  for (auto& [sn, sch] : current.schemas) {
    for (auto& [tn, t] : sch.tables) {
      for (const auto& [n, fk] : t.foreign_keys) {
        if (fk.ref_table == des_t.name && contains(fk.ref_columns, s.oc) && t.name != des_t.name) s.cur_incoming.push_back({t.name, fk});
      }
    }
    for (const auto& [qn, seq] : sch.sequences) {
      if (!seq.owned_by) continue;
      std::string o = *seq.owned_by;
      if (o == des_t.name.name + "." + s.oc || o == des_t.name.display() + "." + s.oc) s.owned.push_back(&seq);
    }
  }
  for (const auto& [sn, sch] : ctx.desired.schemas) {
    for (const auto& [tn, t] : sch.tables) {
      if (t.name == des_t.name || !current.find_table(t.name)) continue;
      for (const auto& [n, fk] : t.foreign_keys) {
        if (fk.ref_table == des_t.name && contains(fk.ref_columns, s.dc)) s.des_incoming.push_back({t.name, fk});
      }
    }
  }
  s.views = dependent_views(current, des_t.name);
  emit(ctx, s);

  // The ordinary diff must find this column, and what references it, already as desired.
  for (auto& c : cur_t.columns) {
    if (c.name == s.oc) c = final_des ? *final_des : des;
  }
  for (const auto& idx : s.cur_indexes) cur_t.indexes.erase(idx.name);
  for (const auto& idx : s.des_indexes) cur_t.indexes[idx.name] = idx;
  if (s.cur_pk || s.des_pk) cur_t.primary_key = des_t.primary_key;
  for (const auto& u : s.cur_uniques) cur_t.uniques.erase(u.name);
  for (const auto& u : s.des_uniques) cur_t.uniques[u.name] = u;
  for (const auto& c : s.cur_checks) cur_t.checks.erase(c.name);
  for (const auto& c : s.des_checks) cur_t.checks[c.name] = c;
  for (const auto& fk : s.cur_fks) cur_t.foreign_keys.erase(fk.name);
  for (const auto& fk : s.des_fks) cur_t.foreign_keys[fk.name] = fk;
  for (const auto& [t, fk] : s.cur_incoming) current.find_table(t)->foreign_keys.erase(fk.name);
  for (const auto& [t, fk] : s.des_incoming) current.find_table(t)->foreign_keys[fk.name] = fk;
  for (const auto* seq : s.owned) {
    auto& mseq = current.schemas[seq->name.schema].sequences[seq->name.name];
    mseq.owned_by = des_t.name.schema == seq->name.schema ? des_t.name.name + "." + s.dc : des_t.name.display() + "." + s.dc;
  }
}

bool coercible_change(const schema::Column& cur, const schema::Column& des) {
  return cur.collation == des.collation && binary_coercible(cur.type, des.type);
}

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
    std::string why = not_possible(current, *t, *t->find_column(col), *dc);
    if (!why.empty()) return "for column " + t->name.display() + "." + col + ", " + why;
  }
  return "";
}

void plan_enum_shadows(PlanContext& ctx, schema::Database& current) {
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
      schema::Enum replacement = des_e;
      replacement.name.name = naming::fit("_pgshift_new_" + des_e.name.name);
      replacement.comment.reset();
      std::string new_type = qualified(replacement.name);
      std::string obj = "enum " + des_e.name.display();
      auto& create = ctx.add(Phase::add, prio::type,
                             make_step("create_replacement_enum:" + des_e.name.display(), '+', obj,
                                       "creates the enum with the new labels as " + replacement.name.name +
                                           "; columns move to it one by one",
                                       ddl::create_enum(replacement), "DROP TYPE IF EXISTS " + new_type, "none"));
      create.uses.insert(keys::schema(sn));
      create.creates.insert(keys::type(replacement.name));
      // Old labels map to new ones through text; renamed labels through CASE.
      std::vector<std::string> labels, removed;
      for (const auto& v : des_e.values) labels.push_back(quote_literal(v.name));
      for (const auto& v : cur_e.values) {
        bool kept = std::any_of(des_e.values.begin(), des_e.values.end(),
                                [&](const auto& d) { return d.name == v.name || d.renamed_from == v.name; });
        if (!kept) removed.push_back(v.name);
      }
      for (const auto& [t, col] : users) {
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
        std::string precheck = fmt::format(
            "DO $pgshift$\nDECLARE\n  _pgshift_n bigint;\nBEGIN\n"
            "  SELECT count(*) INTO _pgshift_n FROM {t} WHERE ({mapped}) <> ALL (ARRAY[{labels}]::text[]);\n"
            "  IF _pgshift_n > 0 THEN\n"
            "    RAISE EXCEPTION '%', format('%s rows of %s still hold labels that enum %s no longer has (%s): change them first', "
            "_pgshift_n, {tname}, {ename}, {removed});\n"
            "  END IF;\nEND\n$pgshift$",
            fmt::arg("t", qualified(t->name)), fmt::arg("mapped", mapped), fmt::arg("labels", util::join(labels, ", ")),
            fmt::arg("tname", quote_literal(t->name.display() + "." + col)), fmt::arg("ename", quote_literal(des_e.name.display())),
            fmt::arg("removed", quote_literal(util::join(removed, ", "))));
        plan_one(ctx, current, *t, des_t, cur_col, step_col, &final_col, precheck);
        // plan_one named its add step after the column; it also needs the replacement type first.
        ctx.steps.back().uses.insert(keys::type(des_e.name));
      }
      // Drop phase: the old type goes and the replacement takes its name.
      std::vector<std::string> fwd = {"DROP TYPE " + qualified(des_e.name),
                                      fmt::format("ALTER TYPE {} RENAME TO {}", new_type, quote_ident(des_e.name.name))};
      if (des_e.comment) fwd.push_back(ddl::comment_on("TYPE " + qualified(des_e.name), des_e.comment));
      std::vector<std::string> rev = {fmt::format("ALTER TYPE {} RENAME TO {}", qualified(des_e.name), quote_ident(replacement.name.name)),
                                      ddl::create_enum(cur_e)};
      if (cur_e.comment) rev.push_back(ddl::comment_on("TYPE " + qualified(cur_e.name), cur_e.comment));
      auto& replace = ctx.add(Phase::drop, prio::drop_type,
                              make_step("replace_enum:" + des_e.name.display(), '~', obj,
                                        "drops the old enum (no column uses it any more) and gives the replacement its name",
                                        util::join(fwd, ";\n"), util::join(rev, ";\n"), "none (catalog only)"));
      replace.uses.insert(keys::type(replacement.name));
      replace.drops.insert(keys::type(des_e.name));  // after the old columns that use it
    }
  }
}

}  // namespace

void plan_shadow_columns(PlanContext& ctx, schema::Database& current) {
  plan_enum_shadows(ctx, current);
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
        std::string why = not_possible(current, *cur_t, *cur, des);
        if (!why.empty()) {
          if (rename) continue;  // renamed in place by plan_renames, which says what old code loses
          ctx.notes.push_back(fmt::format("column {}.{}: the type change rewrites the table under an exclusive lock because {}",
                                          des_t.name.display(), des.name, why));
          continue;
        }
        schema::Column cur_copy = *cur;
        plan_one(ctx, current, *cur_t, des_t, cur_copy, des);
      }
    }
  }
}

}  // namespace pgshift::planner
