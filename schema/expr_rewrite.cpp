// This file implements the rewrites that make an expression's parse tree canonical: the user's
// spelling and the catalog's (pg_get_expr, pg_get_constraintdef) reduce to the same tree.
// The rules, and why each is safe, are listed in expr.hpp.
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <regex>

#include "schema/expr_internal.hpp"
#include "schema/type_names.hpp"
#include "util/strings.hpp"

namespace pgshift::schema::detail {

namespace {

bool is_number_spelling(std::string_view text) {
  static const std::regex number(R"(^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$)");
  return std::regex_match(text.begin(), text.end(), number);
}

std::optional<bool> bool_spelling(std::string_view text) {
  std::string word = util::to_lower(util::trim(text));
  if (word == "t" || word == "true" || word == "y" || word == "yes" || word == "on" || word == "1") {
    return true;
  }
  if (word == "f" || word == "false" || word == "n" || word == "no" || word == "off" || word == "0") {
    return false;
  }
  return std::nullopt;
}

// The constant the parser makes of a number spelled `text`: integer when it fits int4, else a
// "float" constant (numeric or bigint at analysis), as for an unquoted number.
PgQuery__Node* number_const(std::string_view text) {
  if (text[0] == '+') {
    text.remove_prefix(1);
  }
  static const std::regex integer(R"(^-?\d{1,10}$)");
  if (std::regex_match(text.begin(), text.end(), integer)) {
    long long value = std::stoll(std::string(text));
    if (value >= INT32_MIN && value <= INT32_MAX) {
      return pg::make_integer_const(static_cast<int32_t>(value));
    }
  }
  return pg::make_float_const(text);
}

bool is_node(const ProtobufCMessage* message) { return message->descriptor == &pg_query__node__descriptor; }

bool contains_column_ref(const PgQuery__Node* node) {
  bool found = false;
  pg::visit(const_cast<ProtobufCMessage*>(&node->base), [&](ProtobufCMessage* m) {
    found = found || m->descriptor == &pg_query__column_ref__descriptor;
  });
  return found;
}

std::optional<std::string> cast_type(const PgQuery__TypeCast& cast) {
  try {
    return type_name_string(*cast.type_name);
  } catch (const SqlParseError&) {
    return std::nullopt;
  }
}

// Takes the argument out of a TypeCast so that replacing the cast node does not free it.
PgQuery__Node* detach_arg(PgQuery__TypeCast* cast) {
  PgQuery__Node* arg = cast->arg;
  cast->arg = nullptr;
  return arg;
}

// '5'::integer, (0)::numeric, 't'::boolean, 'x'::text, 'a'::<column type>.
bool rewrite_literal_cast(PgQuery__Node* node, const ExprOptions& options) {
  if (node->node_case != PG_QUERY__NODE__NODE_TYPE_CAST) {
    return false;
  }
  PgQuery__TypeCast* cast = node->type_cast;
  if (cast->arg == nullptr || cast->arg->node_case != PG_QUERY__NODE__NODE_A_CONST) {
    return false;
  }
  std::optional<std::string> type = cast_type(*cast);
  if (!type) {
    return false;
  }
  const PgQuery__AConst& value = *cast->arg->a_const;
  // NULL::text is treated like a string literal: the catalog adds the cast where NULL met text.
  bool is_string = value.val_case == PG_QUERY__A__CONST__VAL_SVAL || value.isnull;
  bool is_number = value.val_case == PG_QUERY__A__CONST__VAL_IVAL || value.val_case == PG_QUERY__A__CONST__VAL_FVAL;
  PgQuery__Node* replacement = nullptr;
  if (*type == "boolean" && is_string) {
    if (auto b = bool_spelling(value.sval->sval)) {
      replacement = pg::make_bool_const(*b);
    }
  } else if (is_numeric_type(*type) && cast->type_name->n_typmods == 0 && !value.isnull) {
    if (is_number) {
      replacement = detach_arg(cast);
    } else if (is_string && is_number_spelling(value.sval->sval)) {
      replacement = number_const(value.sval->sval);
    }
  } else if (is_string && (*type == "text" || (options.column_type && same_base_type(*type, *options.column_type)))) {
    replacement = detach_arg(cast);
  }
  if (replacement == nullptr) {
    return false;
  }
  pg::replace_node(node, replacement);
  return true;
}

std::string operator_name(const PgQuery__AExpr& expr) {
  std::vector<std::string> names = pg::string_list(expr.name, expr.n_name);
  return names.empty() ? "" : names.back();
}

// Moves the items out of a List node (the list is left empty, to be freed with its parent).
std::vector<PgQuery__Node*> take_list(PgQuery__Node* list_node) {
  PgQuery__List* list = list_node->list;
  std::vector<PgQuery__Node*> items(list->items, list->items + list->n_items);
  list->n_items = 0;
  return items;
}

PgQuery__Node* combine(PgQuery__BoolExprType op, std::vector<PgQuery__Node*> args) {
  return args.size() == 1 ? args[0] : pg::wrap(pg::make_bool_expr(op, std::move(args)));
}

PgQuery__Node* compare(PgQuery__AExprKind kind, std::string_view op, const PgQuery__Node* left, PgQuery__Node* right) {
  return pg::wrap(pg::make_a_expr(kind, op, pg::copy_node(left), right));
}

// x IN (1, 2, y) -> x = ANY (ARRAY[1, 2]) OR x = y, as PostgreSQL's transformAExprIn stores it.
bool rewrite_in(PgQuery__Node* node) {
  PgQuery__AExpr* expr = node->a_expr;
  if (expr->rexpr == nullptr || expr->rexpr->node_case != PG_QUERY__NODE__NODE_LIST) {
    return false;
  }
  bool negated = operator_name(*expr) == "<>";
  std::string op = negated ? "<>" : "=";
  std::vector<PgQuery__Node*> items = take_list(expr->rexpr), constants, others;
  for (PgQuery__Node* item : items) {
    (contains_column_ref(item) ? others : constants).push_back(item);
  }
  std::vector<PgQuery__Node*> comparisons;
  if (constants.size() > 1) {
    auto kind = negated ? PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL : PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY;
    comparisons.push_back(compare(kind, op, expr->lexpr, pg::wrap(pg::make_array_expr(constants))));
  } else {
    others = items;
  }
  for (PgQuery__Node* item : others) {
    comparisons.push_back(compare(PG_QUERY__A__EXPR__KIND__AEXPR_OP, op, expr->lexpr, item));
  }
  auto bool_op = negated ? PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR : PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR;
  pg::replace_node(node, combine(bool_op, std::move(comparisons)));
  return true;
}

// a BETWEEN b AND c -> a >= b AND a <= c; NOT BETWEEN -> a < b OR a > c (transformAExprBetween).
bool rewrite_between(PgQuery__Node* node, bool negated) {
  PgQuery__AExpr* expr = node->a_expr;
  if (expr->rexpr == nullptr || expr->rexpr->node_case != PG_QUERY__NODE__NODE_LIST ||
      expr->rexpr->list->n_items != 2) {
    return false;
  }
  std::vector<PgQuery__Node*> bounds = take_list(expr->rexpr);
  auto kind = PG_QUERY__A__EXPR__KIND__AEXPR_OP;
  std::vector<PgQuery__Node*> args = {compare(kind, negated ? "<" : ">=", expr->lexpr, bounds[0]),
                                      compare(kind, negated ? ">" : "<=", expr->lexpr, bounds[1])};
  auto bool_op = negated ? PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR : PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR;
  pg::replace_node(node, combine(bool_op, std::move(args)));
  return true;
}

bool rewrite_a_expr(PgQuery__Node* node) {
  if (node->node_case != PG_QUERY__NODE__NODE_A_EXPR) {
    return false;
  }
  switch (node->a_expr->kind) {
    case PG_QUERY__A__EXPR__KIND__AEXPR_IN:
      return rewrite_in(node);
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
      return rewrite_between(node, false);
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN:
      return rewrite_between(node, true);
    case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE:
      // LIKE is the ~~ operator (ILIKE ~~*, NOT LIKE !~~); the catalog prints the operator.
      node->a_expr->kind = PG_QUERY__A__EXPR__KIND__AEXPR_OP;
      return true;
    default:
      return false;
  }
}

bool is_string_cast(const PgQuery__Node* node) {
  return node != nullptr && node->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && node->type_cast->arg != nullptr &&
         node->type_cast->arg->node_case == PG_QUERY__NODE__NODE_A_CONST &&
         node->type_cast->arg->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL;
}

bool is_constant(const PgQuery__Node* node) {
  return node->node_case == PG_QUERY__NODE__NODE_A_CONST || is_string_cast(node);
}

// d > '2020-01-01'::date -> d > '2020-01-01': a literal compared with a non-constant is coerced to
// the other side's type, which is the cast the catalog shows.
void rewrite_comparison_literal(PgQuery__Node* node) {
  static const std::vector<std::string> comparisons = {"=", "<>", "<", ">", "<=", ">="};
  if (node->node_case != PG_QUERY__NODE__NODE_A_EXPR || node->a_expr->kind != PG_QUERY__A__EXPR__KIND__AEXPR_OP) {
    return;
  }
  PgQuery__AExpr* expr = node->a_expr;
  std::string op = operator_name(*expr);
  if (expr->lexpr == nullptr || expr->rexpr == nullptr ||
      std::find(comparisons.begin(), comparisons.end(), op) == comparisons.end()) {
    return;
  }
  for (auto [literal, other] : {std::pair{expr->lexpr, expr->rexpr}, std::pair{expr->rexpr, expr->lexpr}}) {
    if (is_string_cast(literal) && !is_constant(other)) {
      pg::replace_node(literal, detach_arg(literal->type_cast));
    }
  }
}

// (a AND b) AND c -> a AND b AND c; the same for OR.
void flatten_bool_expr(PgQuery__Node* node) {
  if (node->node_case != PG_QUERY__NODE__NODE_BOOL_EXPR) {
    return;
  }
  PgQuery__BoolExpr* expr = node->bool_expr;
  if (expr->boolop == PG_QUERY__BOOL_EXPR_TYPE__NOT_EXPR) {
    return;
  }
  std::vector<PgQuery__Node*> args;
  bool changed = false;
  for (size_t i = 0; i < expr->n_args; ++i) {
    PgQuery__Node* arg = expr->args[i];
    if (arg->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR && arg->bool_expr->boolop == expr->boolop) {
      PgQuery__BoolExpr* inner = arg->bool_expr;
      args.insert(args.end(), inner->args, inner->args + inner->n_args);
      inner->n_args = 0;
      pg::free_message(&arg->base);
      changed = true;
    } else {
      args.push_back(arg);
    }
  }
  if (changed) {
    PgQuery__BoolExpr* flat = pg::make_bool_expr(expr->boolop, args);
    expr->n_args = 0;
    pg::replace_node(node, pg::wrap(flat));
  }
}

// nextval('seq'::regclass) -> nextval('seq'): the catalog shows the coercion of a literal argument to
// the function's regclass parameter; the argument would be coerced the same way without it.
void rewrite_regclass_arguments(PgQuery__Node* node) {
  if (node->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) {
    return;
  }
  PgQuery__FuncCall* call = node->func_call;
  for (size_t i = 0; i < call->n_args; ++i) {
    PgQuery__Node* arg = call->args[i];
    if (arg->node_case != PG_QUERY__NODE__NODE_TYPE_CAST) {
      continue;
    }
    PgQuery__TypeCast* cast = arg->type_cast;
    bool literal = cast->arg != nullptr && cast->arg->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                   cast->arg->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL;
    if (literal && cast_type(*cast) == "regclass") {
      pg::replace_node(arg, detach_arg(cast));
    }
  }
}

// A default written as a bare string for a numeric or boolean column: '5' -> 5, 't' -> true.
void rewrite_top_literal(PgQuery__Node* node, const ExprOptions& options) {
  if (!options.column_type || node->node_case != PG_QUERY__NODE__NODE_A_CONST ||
      node->a_const->val_case != PG_QUERY__A__CONST__VAL_SVAL) {
    return;
  }
  std::string value = node->a_const->sval->sval;
  if (*options.column_type == "boolean") {
    if (auto b = bool_spelling(value)) {
      pg::replace_node(node, pg::make_bool_const(*b));
    }
  } else if (is_numeric_type(*options.column_type) && is_number_spelling(value)) {
    pg::replace_node(node, number_const(value));
  }
}

// (ARRAY['a'::varchar, 'b'::varchar])::text[] is how pg_get_expr and pg_get_constraintdef print an
// array coerced as a whole (a varchar IN list compared as text). Sent back as printed, it does not
// store the same: the server pushes a cast of an ARRAY[] constructor into its elements
// (transformTypeCast), storing ARRAY[('a'::varchar)::text, ...]. Casting the constructor to its
// elements' own type first keeps the whole-array coercion, so the expression re-stores as printed:
// (ARRAY['a'::varchar, 'b'::varchar]::varchar[])::text[]. Same value, same tree on the server.
void rewrite_array_coercion(PgQuery__Node* node) {
  if (node->node_case != PG_QUERY__NODE__NODE_TYPE_CAST) {
    return;
  }
  PgQuery__TypeCast* cast = node->type_cast;
  if (cast->arg == nullptr || cast->arg->node_case != PG_QUERY__NODE__NODE_A_ARRAY_EXPR || cast->type_name == nullptr ||
      cast->type_name->n_array_bounds == 0) {
    return;
  }
  PgQuery__AArrayExpr* array = cast->arg->a_array_expr;
  std::optional<std::string> element_type;
  for (size_t i = 0; i < array->n_elements; ++i) {
    PgQuery__Node* e = array->elements[i];
    if (e->node_case != PG_QUERY__NODE__NODE_TYPE_CAST || e->type_cast->type_name == nullptr ||
        e->type_cast->type_name->n_array_bounds != 0) {
      return;
    }
    std::optional<std::string> t = cast_type(*e->type_cast);
    if (!t || (element_type && *element_type != *t)) {
      return;
    }
    element_type = t;
  }
  std::optional<std::string> target = cast_type(*cast);
  if (!element_type || !target || *target == *element_type + "[]") {
    return;
  }
  // The inner cast: a copy of the first element's cast (its type name), around the constructor.
  PgQuery__Node* inner = pg::copy_node(array->elements[0]);
  PgQuery__TypeName* inner_type = inner->type_cast->type_name;
  inner_type->n_array_bounds = cast->type_name->n_array_bounds;
  inner_type->array_bounds =
      static_cast<PgQuery__Node**>(std::malloc(sizeof(PgQuery__Node*) * cast->type_name->n_array_bounds));
  for (size_t i = 0; i < cast->type_name->n_array_bounds; ++i) {
    inner_type->array_bounds[i] = pg::copy_node(cast->type_name->array_bounds[i]);
  }
  pg::free_message(&inner->type_cast->arg->base);
  inner->type_cast->arg = detach_arg(cast);
  cast->arg = inner;
}

void rewrite_tree(PgQuery__Node* root, const ExprOptions& options) {
  pg::visit_post(&root->base, [&](ProtobufCMessage* message) {
    if (!is_node(message)) {
      return;
    }
    auto* node = reinterpret_cast<PgQuery__Node*>(message);
    if (rewrite_a_expr(node)) {
      // The new comparisons hold unvisited copies of the left operand and the moved items.
      rewrite_tree(node, options);
      return;
    }
    rewrite_literal_cast(node, options);
    rewrite_array_coercion(node);
    rewrite_regclass_arguments(node);
    rewrite_comparison_literal(node);
    flatten_bool_expr(node);
  });
}

}  // namespace

void rewrite_expression(PgQuery__Node* root, const ExprOptions& options) {
  rewrite_tree(root, options);
  rewrite_top_literal(root, options);
}

}  // namespace pgshift::schema::detail
