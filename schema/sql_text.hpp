// All SQL text quoting lives here: no other file builds quote characters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgshift::schema {

struct QualifiedName;

// Always quotes and doubles embedded '"'. Throws pgshift::Error on an empty name or a NUL byte.
std::string quote_ident(std::string_view name);
// '...' with doubled quotes; E'...' with doubled backslashes when a backslash is present.
std::string quote_literal(std::string_view value);
// "a", "b", "c"
std::string quote_ident_list(const std::vector<std::string>& names);
// $pgshift$...$pgshift$ with a tag that does not occur in `body`.
std::string dollar_quote(std::string_view body);
// "schema"."name"
std::string qualified(const QualifiedName& name);
// Qualifies a canonical type name for use in DDL: built-in types stay as written
// ("character varying(10)", "integer[]"), user types written "schema.name" become "schema"."name".
std::string type_sql(std::string_view canonical_type);

// Added for canonical type names and YAML output:
// Quotes like PostgreSQL's quote_identifier() / format_type(): only when the name is not all
// [a-z0-9_] starting with [a-z_], or is a keyword other than an unreserved one ("Order Status" ->
// "\"Order Status\"", "select" -> "\"select\"", "users" -> "users"). Throws like quote_ident.
std::string quote_ident_if_needed(std::string_view name);
// Splits a dotted name with optional double-quoted parts ("public.\"Order Status\"") into its raw
// parts ({"public", "Order Status"}); unquoted parts are kept as written. Empty when malformed.
std::vector<std::string> split_qualified(std::string_view text);

}  // namespace pgshift::schema
