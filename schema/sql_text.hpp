// All SQL text quoting lives here: no other file builds quote characters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgshift::schema {

struct QualifiedName;

// Always quotes and doubles embedded '"'. Throws pgshift::Error on an empty name, a NUL byte or
// invalid UTF-8.
std::string quote_ident(std::string_view name);
// Why `name` cannot be a PostgreSQL identifier, or "" when it can: it must not be empty, hold a NUL
// byte or invalid UTF-8, or be longer than 63 bytes (PostgreSQL would silently cut a longer one, and
// the object would then never match its YAML). Any other character is fine: names are always quoted.
std::string identifier_problem(std::string_view name);
// Why `text` cannot be a string literal (comment, enum label, setting), or "" when it can: no NUL
// byte, valid UTF-8.
std::string literal_problem(std::string_view text);
// A name in SQL spelling, optionally schema-qualified ("text_pattern_ops", "public.gin_trgm_ops",
// "\"My Ops\""), parsed as SQL would (unquoted parts fold to lower case) and spelled again with each
// part quoted when needed. Throws pgshift::Error naming the problem when `text` is not 1 to
// `max_parts` identifiers joined by dots (e.g. "x); DROP TABLE t; --").
std::string canonical_sql_name(std::string_view text, size_t max_parts = 2);
// The parts of a name in SQL spelling (as canonical_sql_name reads it), or an empty vector.
std::vector<std::string> parse_sql_name(std::string_view text);
// '...' with doubled quotes; E'...' with doubled backslashes when a backslash is present.
std::string quote_literal(std::string_view value);
// "a", "b", "c"
std::string quote_ident_list(const std::vector<std::string>& names);
// $pgshift$...$pgshift$ with a tag that does not occur in `body`.
std::string dollar_quote(std::string_view body);
// DO <body> with the body dollar-quoted by dollar_quote: a literal inside the body that holds
// "$pgshift$" (a label, a name) cannot end it.
std::string do_block(std::string_view body);
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
