// Internal to schema/: the pieces of expr.cpp shared by the type, expression and function-body code.
#pragma once

#include <string>

#include "schema/expr.hpp"
#include "schema/pg_parse.hpp"

namespace pgshift::schema::detail {

// The canonical spelling of a parsed type name (see canonical_type()). Throws SqlParseError whose
// cursor is the 0-based location of the type in the parsed text, plus one.
std::string type_name_string(const PgQuery__TypeName& type);

// Applies the canonical-form rewrites (expr.hpp) to the expression tree under `root`, in place.
void rewrite_expression(PgQuery__Node* root, const ExprOptions& options);

// Rewrites, strips locations from and deparses one expression node (the tree is modified).
std::string canonical_expr(PgQuery__Node* expr, const ExprOptions& options);

// Deparses one expression node as libpg_query prints it inside "SELECT <expr>".
std::string deparse_expr(PgQuery__Node* expr);

}  // namespace pgshift::schema::detail
