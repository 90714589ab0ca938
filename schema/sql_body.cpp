// This file implements the checks of function bodies (SQL and PL/pgSQL), canonical function
// signatures, and the list of relations a query refers to.
#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "schema/expr_internal.hpp"
#include "schema/sql_text.hpp"
#include "util/strings.hpp"

namespace pgshift::schema {

namespace {

// Maps a cursor in a wrapper statement back into the part of it that came from the user.
int cursor_in(int cursor, size_t part_start, size_t part_size) {
  int offset = cursor - 1 - static_cast<int>(part_start);
  return cursor > 0 && offset >= 0 && offset <= static_cast<int>(part_size) ? offset + 1 : 0;
}

std::string mode_prefix(PgQuery__FunctionParameterMode mode) {
  switch (mode) {
    case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT:
      return "OUT ";
    case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_INOUT:
      return "INOUT ";
    case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_VARIADIC:
      return "VARIADIC ";
    default:
      return "";
  }
}

bool in_identity(PgQuery__FunctionParameterMode mode) {
  return mode != PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT &&
         mode != PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE;
}

std::string name_and_type(const PgQuery__FunctionParameter& p, const std::string& type) {
  bool named = p.name != nullptr && p.name[0] != '\0';
  return named ? quote_ident_if_needed(p.name) + " " + type : type;
}

constexpr std::string_view k_signature_tail = " LANGUAGE sql AS ''";

struct Wrapper {
  std::string sql;
  size_t arguments_start = 0;
};

Wrapper wrap_function(std::string_view arguments, std::string_view returns, std::string_view tail) {
  bool procedure = util::trim(returns).empty();
  Wrapper w;
  w.sql = procedure ? "CREATE PROCEDURE pgshift_f(" : "CREATE FUNCTION pgshift_f(";
  w.arguments_start = w.sql.size();
  w.sql += std::string(arguments) + ")";
  if (!procedure) {
    w.sql += " RETURNS " + std::string(returns);
  }
  w.sql += std::string(tail);
  return w;
}

}  // namespace

FunctionSignature canonical_signature(std::string_view arguments, std::string_view returns,
                                      std::string_view own_schema) {
  std::string prefix = own_schema.empty() ? "" : quote_ident_if_needed(own_schema) + ".";
  auto type_of = [&](const PgQuery__TypeName& t) {
    std::string type = detail::type_name_string(t);
    return !prefix.empty() && util::starts_with(type, prefix) ? type.substr(prefix.size()) : type;
  };
  Wrapper w = wrap_function(arguments, returns, k_signature_tail);
  pg::ParseTree tree;
  try {
    tree = pg::parse(w.sql);
  } catch (const SqlParseError& e) {
    throw SqlParseError(e.what(), cursor_in(e.cursor(), w.arguments_start, arguments.size()));
  }
  if (tree->n_stmts != 1 || tree->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT) {
    throw SqlParseError("malformed function signature", 0);
  }
  PgQuery__CreateFunctionStmt* stmt = tree->stmts[0]->stmt->create_function_stmt;
  // The wrapper's own LANGUAGE clause must be the first option, where the wrapper put it: otherwise
  // the arguments or the result type closed the list early, added options, or commented out the rest.
  const int tail_location = static_cast<int>(w.sql.size() - k_signature_tail.size()) + 1;
  bool own_options = stmt->n_options == 2 && stmt->sql_body == nullptr && !stmt->replace &&
                     stmt->options[0]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
                     stmt->options[0]->def_elem->location == tail_location;
  if (!own_options) {
    throw SqlParseError("expected argument declarations and a result type only", 0);
  }
  std::vector<std::string> args, identity, table;
  for (size_t i = 0; i < stmt->n_parameters; ++i) {
    PgQuery__FunctionParameter& p = *stmt->parameters[i]->function_parameter;
    std::string type = type_of(*p.arg_type);
    if (p.mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE) {
      table.push_back(name_and_type(p, type));
      continue;
    }
    std::string arg = mode_prefix(p.mode) + name_and_type(p, type);
    if (p.defexpr != nullptr) {
      arg += " DEFAULT " + detail::canonical_expr(p.defexpr, ExprOptions{type});
    }
    args.push_back(arg);
    if (in_identity(p.mode)) {
      identity.push_back(type);
    }
  }
  FunctionSignature out{util::join(args, ", "), util::join(identity, ", "), ""};
  if (!table.empty()) {
    out.returns = "TABLE(" + util::join(table, ", ") + ")";
  } else if (stmt->return_type != nullptr && !stmt->is_procedure) {
    bool setof = stmt->return_type->setof;
    stmt->return_type->setof = false;
    out.returns = (setof ? "SETOF " : "") + type_of(*stmt->return_type);
  }
  return out;
}

void check_plpgsql_function(std::string_view body, std::string_view arguments, std::string_view returns) {
  std::string quoted = dollar_quote(body);
  Wrapper w = wrap_function(arguments, returns, " LANGUAGE plpgsql AS " + quoted);
  PgQueryPlpgsqlParseResult result = pg_query_parse_plpgsql(w.sql.c_str());
  if (result.error != nullptr) {
    std::string message = result.error->message;
    int cursor = result.error->cursorpos;
    pg_query_free_plpgsql_parse_result(result);
    size_t body_start = w.sql.size() - (quoted.size() + body.size()) / 2;
    throw SqlParseError(message, cursor_in(cursor, body_start, body.size()));
  }
  pg_query_free_plpgsql_parse_result(result);
}

void check_plpgsql(std::string_view body, std::string_view signature_for_message) {
  // "name(arguments) [RETURNS type]": parameters become known variables; without RETURNS the body
  // is checked as a trigger function's, where NEW and OLD are known too.
  std::string arguments, returns = "trigger";
  size_t open = signature_for_message.find('('), close = signature_for_message.rfind(')');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    arguments = signature_for_message.substr(open + 1, close - open - 1);
    std::string rest = util::trim(signature_for_message.substr(close + 1));
    if (util::starts_with(util::to_lower(rest), "returns ")) {
      returns = util::trim(rest.substr(8));
    }
  }
  try {
    canonical_signature(arguments, returns);
  } catch (const SqlParseError&) {
    arguments.clear();  // the signature is only for messages: check the body alone
    returns = "trigger";
  }
  check_plpgsql_function(body, arguments, returns);
}

std::vector<std::string> routine_relations(const Function& f) {
  std::set<std::string> out;
  auto add = [&](const std::string& sql) {
    for (const std::string& text : {sql, "SELECT " + sql}) {
      try {
        for (auto& r : referenced_relations(text)) out.insert(r);
        return;
      } catch (const std::exception&) {
      }
    }
  };
  if (f.standard_body) {
    add(wrap_function(f.arguments, f.procedure ? "" : f.returns, " LANGUAGE sql\n" + f.body + "\n").sql);
  } else if (f.language == "sql") {
    add(f.body);
  } else if (f.language == "plpgsql") {
    Wrapper w = wrap_function(f.arguments, f.procedure ? "" : f.returns, " LANGUAGE plpgsql AS " + dollar_quote(f.body));
    PgQueryPlpgsqlParseResult result = pg_query_parse_plpgsql(w.sql.c_str());
    if (result.error == nullptr && result.plpgsql_funcs != nullptr) {
      // Every embedded SQL statement and expression of the body is a "query" string in the tree.
      std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& j) {
        if (j.is_object()) {
          for (auto it = j.begin(); it != j.end(); ++it) {
            if (it.key() == "query" && it.value().is_string()) {
              add(it.value().get<std::string>());
            } else {
              walk(it.value());
            }
          }
        } else if (j.is_array()) {
          for (const auto& e : j) walk(e);
        }
      };
      try {
        walk(nlohmann::json::parse(result.plpgsql_funcs));
      } catch (const std::exception&) {
      }
    }
    pg_query_free_plpgsql_parse_result(result);
  }
  return {out.begin(), out.end()};
}

bool is_list_setting(std::string_view name) {
  std::string n = util::to_lower(std::string(name));
  return n == "search_path" || n == "temp_tablespaces" || n == "session_preload_libraries" ||
         n == "local_preload_libraries" || n == "shared_preload_libraries";
}

std::vector<std::string> setting_items(std::string_view value) {
  std::vector<std::string> items;
  size_t i = 0;
  const size_t n = value.size();
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (true) {
    while (i < n && space(value[i])) ++i;
    std::string item;
    if (i < n && value[i] == '"') {
      ++i;
      while (i < n) {
        if (value[i] == '"') {
          if (i + 1 < n && value[i + 1] == '"') {
            item += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        item += value[i++];
      }
      while (i < n && value[i] != ',') ++i;
    } else {
      size_t start = i;
      while (i < n && value[i] != ',') ++i;
      item = util::trim(value.substr(start, i - start));
    }
    items.push_back(item);
    if (i >= n) break;
    ++i;  // the comma
  }
  return items;
}

std::string canonical_setting(std::string_view name, std::string_view value) {
  if (!is_list_setting(name)) return std::string(value);
  std::vector<std::string> out;
  for (const auto& item : setting_items(value)) {
    if (item.empty() || item.find('\0') != std::string::npos) {
      out.emplace_back("\"\"");
    } else {
      try {
        out.push_back(quote_ident_if_needed(item));
      } catch (const std::exception&) {
        out.push_back(quote_ident(item));
      }
    }
  }
  return util::join(out, ", ");
}

std::string setting_sql(std::string_view name, std::string_view value) {
  if (!is_list_setting(name)) return quote_literal(value);
  std::vector<std::string> out;
  for (const auto& item : setting_items(value)) out.push_back(quote_literal(item));
  return util::join(out, ", ");
}

void check_standard_body(std::string_view body, std::string_view arguments, std::string_view returns) {
  constexpr std::string_view tail = " LANGUAGE sql\n";
  Wrapper w = wrap_function(arguments, returns, tail);
  const size_t body_start = w.sql.size();
  // A statement after the body must stay a statement of its own: a body ending in a line comment
  // would swallow what the plan writes after it.
  w.sql += std::string(body) + ";SELECT 1";
  pg::ParseTree tree;
  try {
    tree = pg::parse(w.sql);
  } catch (const SqlParseError& e) {
    throw SqlParseError(e.what(), cursor_in(e.cursor(), body_start, body.size()));
  }
  if (tree->n_stmts != 2 || tree->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT ||
      tree->stmts[1]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT ||
      tree->stmts[1]->stmt_location != static_cast<int>(body_start + body.size() + 1)) {
    throw SqlParseError("a SQL-standard body is one `RETURN expression` or `BEGIN ATOMIC ... END`, and no other statement", 0);
  }
  PgQuery__CreateFunctionStmt* stmt = tree->stmts[0]->stmt->create_function_stmt;
  if (stmt->sql_body == nullptr || stmt->n_options != 1 || stmt->replace) {
    throw SqlParseError("a SQL-standard body is `RETURN expression` or `BEGIN ATOMIC ... END`, without routine options", 0);
  }
}

void check_sql_body(std::string_view body) {
  pg::ParseTree tree = pg::parse(std::string(body));
  (void)tree;
}

std::vector<std::string> referenced_relations(std::string_view sql) {
  pg::ParseTree tree = pg::parse(std::string(sql));
  std::set<std::string> names, ctes;
  pg::visit(&tree->base, [&](ProtobufCMessage* m) {
    if (m->descriptor == &pg_query__range_var__descriptor) {
      auto* rv = reinterpret_cast<PgQuery__RangeVar*>(m);
      std::string schema = rv->schemaname != nullptr ? rv->schemaname : "";
      names.insert(schema.empty() ? std::string(rv->relname) : schema + "." + rv->relname);
    } else if (m->descriptor == &pg_query__func_call__descriptor) {
      auto* call = reinterpret_cast<PgQuery__FuncCall*>(m);
      names.insert(util::join(pg::string_list(call->funcname, call->n_funcname), "."));
    } else if (m->descriptor == &pg_query__common_table_expr__descriptor) {
      ctes.insert(reinterpret_cast<PgQuery__CommonTableExpr*>(m)->ctename);
    }
  });
  std::vector<std::string> out;
  std::copy_if(names.begin(), names.end(), std::back_inserter(out),
               [&](const std::string& n) { return !ctes.contains(n); });
  return out;
}

}  // namespace pgshift::schema
