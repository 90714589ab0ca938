// SQL expressions and types in canonical form, through libpg_query. Nothing here connects to a server.
//
// Canonical expressions (Expr::canonical) are libpg_query's deparse of "SELECT <expr>" without the
// "SELECT ", after stripping locations and applying these rewrites, chosen so that what a user
// writes and what PostgreSQL 15 prints (pg_get_expr, pg_get_constraintdef, pg_get_indexdef) meet:
//  1. Parentheses, keyword case, whitespace and `!=` vs `<>` vanish in the parse tree itself.
//  2. A string literal cast to the column's own type (ExprOptions::column_type, compared without
//     typmods; bpchar = character) loses the cast: 'active'::character varying -> 'active'.
//  3. A string literal cast to text loses the cast anywhere: 'x'::text -> 'x' (the catalog adds it
//     wherever an unknown literal was resolved to text).
//  4. A number cast to smallint/integer/bigint/numeric/real/double precision without a typmod loses
//     the cast, and a quoted number cast to one becomes the number: (0)::numeric -> 0,
//     '-1'::integer -> -1, '5000000000'::bigint -> 5000000000. Catalog casts of constants are implicit
//     coercions; the one visible difference, `(1)::numeric / 3` vs `1 / 3`, is accepted as a blind spot.
//  5. 't'::boolean (any boolean input spelling) -> true; a bare string default for a boolean or
//     numeric column becomes the constant ('t' -> true, '5' -> 5), as the catalog stores it.
//  6. x IN (a, b) -> x = ANY (ARRAY[a, b]) (constants into the array, column references as separate
//     `x = col` ORed, a single element as `x = a`); NOT IN -> x <> ALL (...) / AND; as transformAExprIn.
//  7. x BETWEEN a AND b -> x >= a AND x <= b; NOT BETWEEN -> x < a OR x > b.
//  8. LIKE / ILIKE / NOT LIKE / NOT ILIKE -> the operators ~~ ~~* !~~ !~~*.
//  9. Nested AND in AND (OR in OR) are flattened.
// 10. A string literal cast to regclass as a function argument loses the cast:
//     nextval('seq'::regclass) -> nextval('seq').
// 11. A string literal compared (= <> < > <= >=) with something that is not a constant loses its
//     cast, whatever the type: d > '2020-01-01'::date -> d > '2020-01-01' (the literal is coerced to
//     the other side's type either way). NULL cast to text (or to the column type) is a literal here.
// Not handled (only the server can decide; compare through the server): casts the catalog adds to
// column references ((status)::text for a varchar column), literal values the type input function
// rewrites ('2020-01-01'::timestamp prints as '2020-01-01 00:00:00'), 1e10 vs 10000000000, SIMILAR TO,
// and view queries (pg_get_viewdef qualifies every column).
//
// Canonical type names are format_type()'s spelling with search_path = public: "integer",
// "character varying(100)", "timestamp(3) with time zone", "interval day to second", "numeric(10,0)",
// "bit(1)", "\"char\"", "text[]". Identifiers of user types are quoted only when needed, as format_type
// does ("\"Order Status\"", "sales.\"Mo od\"[]"). Types of schema public are unqualified, all others
// qualified ("order_status", "sales.kind"), whatever schema uses them; pg_catalog is never written.
// canonical_type keeps the qualification as written and drops pg_catalog; the YAML loader drops
// "public." and qualifies an unqualified name that only the using object's own schema defines
// (introspection reads the catalog with search_path = public, giving the same spellings).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>
#include <string>
#include <string_view>

#include "schema/model.hpp"

namespace pgshift::schema {

// What a parse error says, with a 1-based character offset into the source (0 = unknown).
class SqlParseError : public std::runtime_error {
 public:
  SqlParseError(const std::string& message, int cursor) : std::runtime_error(message), m_cursor(cursor) {}
  int cursor() const { return m_cursor; }

 private:
  int m_cursor = 0;
};

struct ExprOptions {
  // When set, a cast of a literal to this type (e.g. 'active'::character varying for a varchar column)
  // is removed from the canonical form, since PostgreSQL adds it when storing a default.
  std::optional<std::string> column_type;
};

// Parses `source` as exactly one scalar expression and returns its canonical form.
// Throws SqlParseError when it does not parse or is not exactly one expression ("1; DROP TABLE t").
Expr make_expr(std::string_view source, const ExprOptions& options = {});
// The canonical form as DEFAULT's argument: DEFAULT takes a restricted expression (b_expr), so anything
// but a constant, a column, a plain function call or a cast of one is parenthesized
// (`DEFAULT (now() AT TIME ZONE 'utc')`, `DEFAULT (a IS NULL)`); `DEFAULT now()` stays as it is.
std::string default_sql(const Expr& e);
// Parses `source` as exactly one SELECT (or VALUES / WITH ... SELECT) statement, for view queries.
Expr make_query(std::string_view source);
// Canonicalises a type name: int/int4/integer -> "integer", varchar(100) -> "character varying(100)",
// timestamptz -> "timestamp with time zone", "public.order_status" stays qualified, arrays keep "[]".
// Names of user types are kept as written (unqualified means the table's schema, resolved by the caller).
// Throws SqlParseError when it is not a type name.
std::string canonical_type(std::string_view source);
// Parses a PL/pgSQL function body; throws SqlParseError when it does not parse.
void check_plpgsql(std::string_view body, std::string_view signature_for_message);
// Parses a statement list (SQL function bodies); throws SqlParseError when it does not parse.
void check_sql_body(std::string_view body);
// The relations and functions a query or function body refers to, as written ("users", "public.orders").
std::vector<std::string> referenced_relations(std::string_view sql);
// The relations a routine's body refers to: SQL bodies parsed whole; PL/pgSQL bodies through
// libpg_query's PL/pgSQL parser, each embedded statement and expression. Best effort: what does not
// parse (dynamic SQL in EXECUTE strings) is not seen. Empty for other languages.
std::vector<std::string> routine_relations(const Function& f);

// SET options of routines. List settings (search_path, temp_tablespaces, *_preload_libraries) are
// held as pg_proc.proconfig holds them: items quoted as identifiers when needed, `, `-separated
// (`"$user", public`; `""` is one empty item, as `SET search_path = ''` stores it).
bool is_list_setting(std::string_view name);
// The items of a list setting's value (double quotes removed, `""` inside them unescaped); an empty
// or blank value is one empty item.
std::vector<std::string> setting_items(std::string_view value);
// The value in its proconfig form (list settings re-quoted item by item; other values unchanged).
std::string canonical_setting(std::string_view name, std::string_view value);
// The value as a SQL literal list for `SET name TO ...`: each item of a list setting a literal
// (`''` for an empty item), other values one literal.
std::string setting_sql(std::string_view name, std::string_view value);

// A SQL-standard routine body (`RETURN expr` or `BEGIN ATOMIC ... END`): checks that
// `CREATE FUNCTION f(arguments) RETURNS returns LANGUAGE sql <body>` is exactly one CREATE FUNCTION
// (or PROCEDURE, when returns is empty) statement whose body is that text and that adds no option;
// throws SqlParseError otherwise.
void check_standard_body(std::string_view body, std::string_view arguments, std::string_view returns);

// The columns an expression refers to (unqualified references, and the column of `table.column`).
// Throws SqlParseError when `expr` is not one expression.
std::set<std::string> referenced_columns(std::string_view expr);
// The expression with its unqualified column references renamed through `renames` and, when
// `qualifier` is given, qualified with it: rewrite_column_refs("lower(email)", {{"email", "e2"}}, "new")
// gives "lower(new.e2)" (for a trigger body). Works on the parse tree; throws SqlParseError.
std::string rewrite_column_refs(std::string_view expr, const std::map<std::string, std::string>& renames,
                                std::string_view qualifier = {});

// Added: canonical function signatures, for the YAML loader and introspection alike.
// `arguments` as pg_get_function_arguments prints it (or as a user writes it: "a int, b text DEFAULT 'x'"),
// `returns` as pg_get_function_result prints it ("integer", "SETOF users", "TABLE(a int)"); empty
// `returns` means a procedure. Types are canonical, defaults canonical expressions for the argument's type.
struct FunctionSignature {
  std::string arguments;           // "a integer, b text DEFAULT 'x'", modes OUT/INOUT/VARIADIC kept
  std::string identity_arguments;  // types of the IN, INOUT and VARIADIC arguments: "integer, text"
  std::string returns;             // "integer", "SETOF public.users", "TABLE(a integer, b text)", "" for procedures
};
// Types qualified with `own_schema` (the function's schema) are written unqualified.
// Throws SqlParseError (cursor into `arguments` when the error is there, else 0).
FunctionSignature canonical_signature(std::string_view arguments, std::string_view returns,
                                      std::string_view own_schema = {});
// Added: canonical forms of the other SQL fragments the model keeps as text, all through libpg_query
// (the generic rewrites above apply inside them). Each throws SqlParseError with a cursor into `source`.
// EXCLUDE constraint definitions: "EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (x > 0)".
Expr make_exclusion(std::string_view source);
// Partition keys: "range (created_at)" -> "RANGE (created_at)", "LIST (region)", "HASH (id)".
std::string canonical_partition_by(std::string_view source);
// Partition bounds: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", "FOR VALUES IN (1, 2)",
// "FOR VALUES WITH (MODULUS 4, REMAINDER 1)", "DEFAULT".
std::string canonical_partition_bound(std::string_view source);
// Checks a PL/pgSQL body as the body of `CREATE FUNCTION f(arguments) RETURNS returns`, so that
// parameters and, for trigger functions, NEW and OLD are known variables. Throws SqlParseError.
void check_plpgsql_function(std::string_view body, std::string_view arguments, std::string_view returns);

}  // namespace pgshift::schema
