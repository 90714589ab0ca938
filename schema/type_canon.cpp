// This file implements canonical type names: a parsed TypeName printed the way format_type() prints
// it, so that a type written in YAML and a type read from the catalog compare equal as strings.
#include <cctype>
#include <charconv>
#include <map>
#include <string_view>

#include "schema/expr_internal.hpp"
#include "schema/sql_text.hpp"
#include "schema/type_names.hpp"
#include "util/strings.hpp"

namespace pgshift::schema {

namespace detail {

namespace {


// Interval field bits (PostgreSQL datetime.h: INTERVAL_MASK(MONTH) = 1 << 1, ...).
constexpr int k_month = 1 << 1, k_year = 1 << 2, k_day = 1 << 3, k_hour = 1 << 10, k_minute = 1 << 11,
              k_second = 1 << 12, k_full_range = 0x7FFF;

std::string interval_fields(int mask) {
  static const std::map<int, std::string> fields = {
      {k_year, " year"},
      {k_month, " month"},
      {k_day, " day"},
      {k_hour, " hour"},
      {k_minute, " minute"},
      {k_second, " second"},
      {k_year | k_month, " year to month"},
      {k_day | k_hour, " day to hour"},
      {k_day | k_hour | k_minute, " day to minute"},
      {k_day | k_hour | k_minute | k_second, " day to second"},
      {k_hour | k_minute, " hour to minute"},
      {k_hour | k_minute | k_second, " hour to second"},
      {k_minute | k_second, " minute to second"},
      {k_full_range, ""},
  };
  auto it = fields.find(mask);
  return it == fields.end() ? "" : it->second;
}

// A type modifier given as a string or a word (geometry(Point, 4326)) is printed as it is, so it
// must be a plain word or number: `varchar('1) ; DROP TABLE t; --')` is not a type.
std::string plain_typmod(std::string value, int cursor) {
  bool ok = !value.empty() && value.find("--") == std::string::npos;
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    ok = ok && (std::isalnum(c) || c == '_' || c == '.' || c == '+' || c == '-');
  }
  if (!ok) {
    throw SqlParseError("a type modifier must be a number or a plain word", cursor);
  }
  return value;
}

// The typmods as format_type prints them: "(10)", "(10,2)".
std::vector<std::string> typmod_values(const PgQuery__TypeName& type) {
  std::vector<std::string> out;
  int cursor = type.location >= 0 ? type.location + 1 : 0;
  for (size_t i = 0; i < type.n_typmods; ++i) {
    const PgQuery__Node* node = type.typmods[i];
    if (node->node_case == PG_QUERY__NODE__NODE_A_CONST) {
      const PgQuery__AConst* c = node->a_const;
      if (c->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
        out.push_back(std::to_string(c->ival->ival));
      } else if (c->val_case == PG_QUERY__A__CONST__VAL_FVAL) {
        out.push_back(plain_typmod(c->fval->fval, cursor));
      } else if (c->val_case == PG_QUERY__A__CONST__VAL_SVAL) {
        out.push_back(plain_typmod(c->sval->sval, cursor));
      } else {
        throw SqlParseError("a type modifier must be a number or a plain word", cursor);
      }
    } else if (node->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) {
      std::vector<std::string> names = pg::string_list(node->column_ref->fields, node->column_ref->n_fields);
      out.push_back(plain_typmod(util::join(names, "."), cursor));
    } else {
      throw SqlParseError("a type modifier must be a number or a plain word", cursor);
    }
  }
  return out;
}

std::string parenthesized(const std::vector<std::string>& values) {
  return values.empty() ? "" : "(" + util::join(values, ",") + ")";
}

std::string interval_type(const std::vector<std::string>& typmods) {
  if (typmods.empty()) {
    return "interval";
  }
  int mask = 0;
  auto [end, ec] = std::from_chars(typmods[0].data(), typmods[0].data() + typmods[0].size(), mask);
  if (ec != std::errc() || end != typmods[0].data() + typmods[0].size()) {
    throw SqlParseError("malformed interval type", 0);
  }
  std::string out = "interval" + interval_fields(mask);
  return typmods.size() > 1 ? out + "(" + typmods[1] + ")" : out;
}

// A pg_catalog type under its internal name (int4, varchar, ...), or nullopt.
std::optional<std::string> builtin_type(const std::string& name, const std::vector<std::string>& typmods) {
  static const std::map<std::string, std::string> simple = {
      {"int2", "smallint"}, {"int4", "integer"}, {"int8", "bigint"}, {"float4", "real"},
      {"float8", "double precision"}, {"bool", "boolean"}, {"int", "integer"}, {"decimal", "numeric"},
  };
  std::string mods = parenthesized(typmods);
  if (auto it = simple.find(name); it != simple.end()) {
    return it->second + mods;
  }
  if (name == "varchar") {
    return "character varying" + mods;
  }
  if (name == "bpchar") {
    return typmods.empty() ? "bpchar" : "character" + mods;
  }
  if (name == "varbit") {
    return "bit varying" + mods;
  }
  if (name == "timestamptz" || name == "timetz") {
    return name.substr(0, name.size() - 2) + mods + " with time zone";
  }
  if (name == "timestamp" || name == "time") {
    return name + mods + " without time zone";
  }
  if (name == "numeric" && typmods.size() == 1) {
    return "numeric(" + typmods[0] + ",0)";
  }
  if (name == "interval") {
    return interval_type(typmods);
  }
  if (name == "char") {
    return "\"char\"";
  }
  return std::nullopt;
}

bool is_serial(const std::string& name) {
  return name == "serial" || name == "bigserial" || name == "smallserial" || name == "serial2" ||
         name == "serial4" || name == "serial8";
}

}  // namespace

std::string type_name_string(const PgQuery__TypeName& type) {
  int cursor = type.location >= 0 ? type.location + 1 : 0;
  if (type.setof) {
    throw SqlParseError("SETOF is not allowed in a type name here", cursor);
  }
  if (type.pct_type) {
    throw SqlParseError("%TYPE is not allowed in a type name here", cursor);
  }
  std::vector<std::string> names = pg::string_list(type.names, type.n_names);
  if (names.empty()) {
    throw SqlParseError("not a type name", cursor);
  }
  std::vector<std::string> typmods = typmod_values(type);
  std::string array = type.n_array_bounds > 0 ? "[]" : "";
  bool catalog = names.size() == 2 && names[0] == "pg_catalog";
  if (names.size() == 1 && is_serial(names[0])) {
    throw SqlParseError("\"" + names[0] + "\" is not a type; use an integer type with `identity: by default`",
                        cursor);
  }
  if (names.size() == 1 || catalog) {
    if (auto builtin = builtin_type(names.back(), typmods)) {
      return *builtin + array;
    }
    if (is_builtin_type(names.back())) {
      return names.back() + parenthesized(typmods) + array;  // format_type never quotes these
    }
    if (catalog) {
      return quote_ident_if_needed(names.back()) + parenthesized(typmods) + array;
    }
  }
  std::string out;
  for (const auto& name : names) {
    out += (out.empty() ? "" : ".") + quote_ident_if_needed(name);
  }
  return out + parenthesized(typmods) + array;
}

}  // namespace detail

std::string canonical_type(std::string_view source) {
  constexpr std::string_view k_type_prefix = "SELECT NULL::";
  const int prefix = static_cast<int>(k_type_prefix.size());
  if (util::trim(source).empty()) {
    throw SqlParseError("empty type name", 0);
  }
  auto fail = [&](const std::string& message, int location) {
    throw SqlParseError(message, location >= prefix ? location - prefix + 1 : 1);
  };
  pg::ParseTree tree;
  try {
    tree = pg::parse(std::string(k_type_prefix) + std::string(source));
  } catch (const SqlParseError& e) {
    throw SqlParseError(e.what(), e.cursor() > prefix ? e.cursor() - prefix : (e.cursor() > 0 ? 1 : 0));
  }
  if (tree->n_stmts != 1) {
    fail("expected one type name, found a second statement", tree->stmts[0]->stmt_len);
  }
  const PgQuery__Node* stmt = tree->stmts[0]->stmt;
  if (tree->stmts[0]->stmt_len != 0) {
    fail("expected one type name, found `;`", tree->stmts[0]->stmt_len);
  }
  const PgQuery__SelectStmt* select = stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT ? stmt->select_stmt : nullptr;
  if (select == nullptr || select->n_target_list != 1 ||
      select->target_list[0]->node_case != PG_QUERY__NODE__NODE_RES_TARGET) {
    fail("not a type name", prefix);
  }
  const PgQuery__ResTarget* target = select->target_list[0]->res_target;
  const PgQuery__Node* val = target->val;
  bool is_cast = val != nullptr && val->node_case == PG_QUERY__NODE__NODE_TYPE_CAST;
  bool plain = is_cast && val->type_cast->arg->node_case == PG_QUERY__NODE__NODE_A_CONST &&
               val->type_cast->arg->a_const->isnull && target->name[0] == '\0' && select->n_from_clause == 0 &&
               select->where_clause == nullptr;
  if (!plain) {
    fail("not a type name", prefix);
  }
  try {
    return detail::type_name_string(*val->type_cast->type_name);
  } catch (const SqlParseError& e) {
    fail(e.what(), e.cursor() - 1);
  }
  return {};
}

}  // namespace pgshift::schema
