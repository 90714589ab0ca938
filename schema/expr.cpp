// This file implements make_expr and make_query: parse with libpg_query, check that the text is
// exactly one expression (one query), and deparse the rewritten tree as the canonical form.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "schema/expr_internal.hpp"
#include "util/strings.hpp"

namespace pgshift::schema {

namespace detail {

std::string deparse_expr(PgQuery__Node* expr) {
  // A SELECT built around the node on the stack: only packed, never freed.
  PgQuery__ResTarget target = PG_QUERY__RES_TARGET__INIT;
  target.val = expr;
  PgQuery__Node target_node = PG_QUERY__NODE__INIT;
  target_node.node_case = PG_QUERY__NODE__NODE_RES_TARGET;
  target_node.res_target = &target;
  PgQuery__Node* targets[] = {&target_node};
  PgQuery__SelectStmt select = PG_QUERY__SELECT_STMT__INIT;
  select.n_target_list = 1;
  select.target_list = targets;
  select.limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
  select.op = PG_QUERY__SET_OPERATION__SETOP_NONE;
  PgQuery__Node select_node = PG_QUERY__NODE__INIT;
  select_node.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
  select_node.select_stmt = &select;
  PgQuery__RawStmt raw = PG_QUERY__RAW_STMT__INIT;
  raw.stmt = &select_node;
  PgQuery__RawStmt* stmts[] = {&raw};
  PgQuery__ParseResult result = PG_QUERY__PARSE_RESULT__INIT;
  result.version = PG_VERSION_NUM;
  result.n_stmts = 1;
  result.stmts = stmts;
  std::string sql = pg::deparse(result);
  return util::starts_with(sql, "SELECT ") ? sql.substr(7) : sql;
}

std::string canonical_expr(PgQuery__Node* expr, const ExprOptions& options) {
  rewrite_expression(expr, options);
  pg::zero_locations(&expr->base);
  return deparse_expr(expr);
}

}  // namespace detail

namespace {

constexpr int k_select_prefix = 7;  // "SELECT "

// Keywords that start a clause a lone expression cannot have.
bool is_clause_keyword(const std::string& word) {
  static const std::vector<std::string> words = {"from",  "where",  "group", "having",    "window", "order",
                                                 "limit", "offset", "fetch", "for",       "into",   "union",
                                                 "intersect", "except", "distinct", "all"};
  return std::find(words.begin(), words.end(), word) != words.end();
}

// The position (0-based in `sql`) of the clause keyword nearest before `location`, or the first
// clause keyword at parenthesis depth 0 when `location` is unknown.
int clause_position(const std::string& sql, int location) {
  std::vector<pg::Token> tokens = pg::scan(sql);
  int depth = 0, found = -1;
  for (const auto& t : tokens) {
    if (location >= 0 && t.start >= location) {
      break;
    }
    std::string text = util::to_lower(sql.substr(t.start, t.end - t.start));
    depth += text == "(" ? 1 : text == ")" ? -1 : 0;
    if (depth == 0 && t.start >= k_select_prefix && is_clause_keyword(text)) {
      found = t.start;
      if (location < 0) {
        break;
      }
    }
  }
  return found >= 0 ? found : location;
}

// The AS before an alias at parenthesis depth 0, else the last token (an alias without AS).
int alias_position(const std::string& sql) {
  std::vector<pg::Token> tokens = pg::scan(sql);
  int depth = 0;
  for (const auto& t : tokens) {
    std::string text = util::to_lower(sql.substr(t.start, t.end - t.start));
    depth += text == "(" ? 1 : text == ")" ? -1 : 0;
    if (depth == 0 && text == "as") {
      return t.start;
    }
  }
  return tokens.empty() ? -1 : tokens.back().start;
}

[[noreturn]] void fail_at(const std::string& message, int location) {
  throw SqlParseError(message, location >= k_select_prefix ? location - k_select_prefix + 1 : 0);
}

// "expected one expression, found `FROM`", naming the keyword at `position`.
[[noreturn]] void fail_clause(const std::string& sql, int position) {
  std::string word;
  for (const auto& t : pg::scan(sql)) {
    if (t.start == position) {
      word = sql.substr(t.start, t.end - t.start);
    }
  }
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::toupper(c); });
  fail_at(word.empty() ? "expected one expression" : "expected one expression, found `" + word + "`", position);
}

// The start of the comma before the second target, or the target itself.
int comma_before(const std::string& sql, int location) {
  int i = location - 1;
  while (i >= 0 && std::isspace(static_cast<unsigned char>(sql[i]))) {
    --i;
  }
  return i >= 0 && sql[i] == ',' ? i : location;
}

void check_single_expression(const std::string& sql, const PgQuery__ParseResult& tree) {
  if (tree.n_stmts == 0) {
    fail_at("empty expression", -1);
  }
  if (tree.stmts[0]->stmt_len != 0) {
    fail_at(tree.n_stmts > 1 ? "expected one expression, found a second statement" : "expected one expression, found `;`",
            tree.stmts[0]->stmt_len);
  }
  const PgQuery__Node* stmt = tree.stmts[0]->stmt;
  if (stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
    fail_at("expected one expression", -1);
  }
  const PgQuery__SelectStmt& s = *stmt->select_stmt;
  if (s.op != PG_QUERY__SET_OPERATION__SETOP_NONE) {
    fail_clause(sql, clause_position(sql, -1));
  }
  if (s.n_target_list == 0) {
    fail_at("empty expression", -1);
  }
  if (s.n_target_list > 1) {
    int second = pg::min_location(&s.target_list[1]->base);
    fail_at("expected one expression, found a list", comma_before(sql, second));
  }
  const PgQuery__ResTarget& target = *s.target_list[0]->res_target;
  if (target.name != nullptr && target.name[0] != '\0') {
    fail_at("an expression cannot have an alias", alias_position(sql));
  }
  // The first clause a lone expression cannot have, in the order SELECT writes them.
  const std::vector<const ProtobufCMessage*> clauses = {
      s.n_from_clause > 0 ? &s.from_clause[0]->base : nullptr,
      s.where_clause != nullptr ? &s.where_clause->base : nullptr,
      s.n_group_clause > 0 ? &s.group_clause[0]->base : nullptr,
      s.having_clause != nullptr ? &s.having_clause->base : nullptr,
      s.n_window_clause > 0 ? &s.window_clause[0]->base : nullptr,
      s.n_sort_clause > 0 ? &s.sort_clause[0]->base : nullptr,
      s.limit_offset != nullptr ? &s.limit_offset->base : nullptr,
      s.limit_count != nullptr ? &s.limit_count->base : nullptr,
      s.n_locking_clause > 0 ? &s.locking_clause[0]->base : nullptr,
      s.into_clause != nullptr ? &s.into_clause->base : nullptr,
  };
  auto first = std::find_if(clauses.begin(), clauses.end(), [](const ProtobufCMessage* m) { return m != nullptr; });
  const ProtobufCMessage* extra = first == clauses.end() ? nullptr : *first;
  bool other = s.n_distinct_clause > 0 || s.with_clause != nullptr || s.n_values_lists > 0;
  if (extra != nullptr || other) {
    int location = extra != nullptr ? pg::min_location(extra) : -1;
    fail_clause(sql, clause_position(sql, location));
  }
}

// An expression or a view query only reads: a data-modifying statement anywhere inside it (a WITH
// ... DELETE, an INSERT in a subquery) is refused here, before any server sees it.
void refuse_data_changes(ProtobufCMessage* tree, int prefix) {
  int location = -2;
  pg::visit(tree, [&](ProtobufCMessage* m) {
    const ProtobufCMessageDescriptor* d = m->descriptor;
    bool changes = d == &pg_query__insert_stmt__descriptor || d == &pg_query__update_stmt__descriptor ||
                   d == &pg_query__delete_stmt__descriptor || d == &pg_query__merge_stmt__descriptor;
    if (changes && location == -2) {
      location = pg::min_location(m);
    }
  });
  if (location != -2) {
    throw SqlParseError("INSERT, UPDATE, DELETE and MERGE are not allowed here", location >= prefix ? location - prefix + 1 : 0);
  }
}

// libpg_query's cursor in "SELECT <source>" moved into `source` (1-based; 0 = unknown).
int source_cursor(int cursor) {
  if (cursor <= 0) {
    return 0;
  }
  return cursor > k_select_prefix ? cursor - k_select_prefix : 1;
}

ExprOptions canonical_options(const ExprOptions& options) {
  ExprOptions out = options;
  if (options.column_type) {
    try {
      out.column_type = canonical_type(*options.column_type);
    } catch (const SqlParseError&) {
      // Keep it as given: it is compared as a string only.
    }
  }
  return out;
}

}  // namespace

Expr make_expr(std::string_view source, const ExprOptions& options) {
  if (util::trim(source).empty()) {
    throw SqlParseError("empty expression", 0);
  }
  std::string sql = "SELECT " + std::string(source);
  pg::ParseTree tree;
  try {
    tree = pg::parse(sql);
  } catch (const SqlParseError& e) {
    throw SqlParseError(e.what(), source_cursor(e.cursor()));
  }
  check_single_expression(sql, *tree);
  refuse_data_changes(&tree->base, k_select_prefix);
  PgQuery__Node* expr = tree->stmts[0]->stmt->select_stmt->target_list[0]->res_target->val;
  return Expr{std::string(source), detail::canonical_expr(expr, canonical_options(options))};
}

namespace {

// Whether `node` prints as something DEFAULT's restricted expression (b_expr) takes as it is.
bool simple_default(const PgQuery__Node* node) {
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST:
    case PG_QUERY__NODE__NODE_COLUMN_REF:
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
      return true;
    case PG_QUERY__NODE__NODE_FUNC_CALL:
      // AT TIME ZONE, EXTRACT, OVERLAPS ... are calls printed in SQL syntax.
      return node->func_call->funcformat != PG_QUERY__COERCION_FORM__COERCE_SQL_SYNTAX && node->func_call->over == nullptr;
    case PG_QUERY__NODE__NODE_TYPE_CAST:
      return simple_default(node->type_cast->arg);
    default:
      return false;
  }
}

}  // namespace

std::string default_sql(const Expr& e) {
  const std::string& text = e.canonical.empty() ? e.source : e.canonical;
  try {
    pg::ParseTree tree = pg::parse("SELECT " + text);
    if (tree->n_stmts == 1 && tree->stmts[0]->stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
      const PgQuery__SelectStmt* s = tree->stmts[0]->stmt->select_stmt;
      if (s->n_target_list == 1 && simple_default(s->target_list[0]->res_target->val)) {
        return text;
      }
    }
  } catch (const SqlParseError&) {
  }
  return "(" + text + ")";
}

Expr make_query(std::string_view source) {
  std::string sql(source);
  pg::ParseTree tree = pg::parse(sql);
  if (tree->n_stmts == 0) {
    throw SqlParseError("empty query", 0);
  }
  if (tree->n_stmts > 1) {
    throw SqlParseError("expected one query, found a second statement", tree->stmts[0]->stmt_len + 1);
  }
  const PgQuery__Node* stmt = tree->stmts[0]->stmt;
  if (stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
    throw SqlParseError("expected a SELECT, VALUES or WITH query", tree->stmts[0]->stmt_location + 1);
  }
  if (stmt->select_stmt->into_clause != nullptr) {
    throw SqlParseError("a view query cannot have INTO", pg::min_location(&stmt->select_stmt->into_clause->base) + 1);
  }
  refuse_data_changes(&tree->base, 0);
  tree->stmts[0]->stmt_len = 0;
  pg::zero_locations(&tree->base);
  return Expr{std::string(source), pg::deparse(*tree)};
}

}  // namespace pgshift::schema
