// This file implements the shadow column's sync trigger (shadow.hpp): a BEFORE INSERT OR UPDATE row
// trigger whose PL/pgSQL function (in schema pgshift) writes whichever column the application did not,
// so that old and new code both see every row in their own column.
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

}  // namespace

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

}  // namespace pgshift::planner::recipes
