// This file implements the add phase of the shadow column (shadow.hpp): the shadow column, its helper
// NOT NULL check (NOT VALID) and the sync trigger, in one catalog-only step; and the read-only
// precheck that proves the conversion on the live rows before the migration's first step.
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

namespace {

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
  return schema::do_block(fmt::format(
      "\n"
      "DECLARE\n"
      "  _pgshift_row record;\n"
      "  _pgshift_n bigint;\n"
      "  _pgshift_v {vtype};\n"
      "BEGIN\n"
      // The conversion itself first, on no row: a cast PostgreSQL does not have is the plan's fault, not the data's.
      "  BEGIN\n"
      "    PERFORM ({fwd}) FROM {t} WHERE false;\n"
      "  EXCEPTION WHEN others THEN\n"
      "    RAISE EXCEPTION '%', format('column %s of %s: the conversion %s to %s cannot be planned (%s), whatever the "
      "rows hold: give the column a `using` expression', {ocname}, {tname}, {fwdtext}, {type}, SQLERRM);\n"
      "  END;\n"
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
      "END\n",
      fmt::arg("fwd", s.fwd), fmt::arg("t", t), fmt::arg("keys", key_list), fmt::arg("oc", quote_ident(s.oc)),
      fmt::arg("match", util::join(key_match, ", ")), fmt::arg("tname", quote_literal(s.table().display())),
      fmt::arg("knames", quote_literal(util::join(key, ", "))), fmt::arg("ocname", quote_literal(s.oc)),
      fmt::arg("type", quote_literal(s.des.type)), fmt::arg("not_null", not_null),
      fmt::arg("vtype", schema::type_sql(s.des.type)), fmt::arg("fits", fits),
      fmt::arg("fwdtext", quote_literal(s.fwd))));
}

// "rename of a to b", "rename of a to b as T" or "type change from T1 to T2".
std::string what(const Shadow& s) {
  return s.rename ? (s.cur.type == s.des.type ? "rename of " + s.oc + " to " + s.dc
                                              : "rename of " + s.oc + " to " + s.dc + " as " + s.des.type)
                  : "type change from " + s.cur.type + " to " + s.des.type;
}

}  // namespace

void emit_add(PlanContext& ctx, const Shadow& s) {
  const auto& T = s.table();
  std::string id = s.id();
  std::string obj = s.object();
  std::string nn_check = s.not_null_check();
  schema::Column shadow_col = bare_column(s.shadow, s.des);
  std::vector<std::string> fwd = {"CREATE SCHEMA IF NOT EXISTS pgshift", ddl::add_column(T, shadow_col)};
  if (!s.des.nullable) {
    fwd.push_back(ddl::add_constraint(T, nn_check, "CHECK (" + quote_ident(s.shadow) + " IS NOT NULL)", true));
  }
  fwd.push_back(function_sql(s, false));
  fwd.push_back(trigger_sql(s));
  auto& add = ctx.add(Phase::add, prio::column,
                      make_step("add_shadow_column:" + id, '+', obj,
                                fmt::format("{}: adds {} and a trigger keeping it and {} in step both ways (catalog only)", what(s),
                                            s.shadow, s.oc),
                                util::join(fwd, ";\n"),
                                drop_helpers_sql(s) + ";\n" + ddl::alter_table(T) + " DROP COLUMN IF EXISTS " + quote_ident(s.shadow),
                                "ACCESS EXCLUSIVE on " + T.display() + " (brief, catalog only)"));
  add.step.precheck_sql = s.precheck.empty() ? precheck_sql(s) : s.precheck;
  add.uses.insert(keys::table(T));
  add.uses.insert(keys::column(T, s.oc));
  add.creates.insert(keys::column(T, s.shadow));
  add.creates.insert(keys::column(T, s.dc));
  add.creates.insert(keys::columns_of(T));
  if (auto k = key_for_type_name(s.des.type, ctx.desired); !k.empty()) add.uses.insert(k);
}

}  // namespace pgshift::planner::recipes
