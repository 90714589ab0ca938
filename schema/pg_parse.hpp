// Internal to schema/: thin RAII wrappers over libpg_query's protobuf parse trees, and a generic
// tree walk through protobuf-c reflection. Only schema/*.cpp include this (it pulls in pg_query).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

namespace pgshift::schema::pg {

struct ParseResultDeleter {
  void operator()(PgQuery__ParseResult* tree) const;
};
using ParseTree = std::unique_ptr<PgQuery__ParseResult, ParseResultDeleter>;

// Parses `sql` into an unpacked tree. Throws SqlParseError with libpg_query's cursor (1-based in `sql`).
ParseTree parse(const std::string& sql);
// Deparses a (possibly modified) tree back to SQL. Throws SqlParseError when deparsing fails.
std::string deparse(const PgQuery__ParseResult& tree);

// Calls `fn` on every message of the tree, parents before children. `fn` may replace the content
// of a PgQuery__Node it is given (see replace_node) but must not free the message it is given.
void visit(ProtobufCMessage* message, const std::function<void(ProtobufCMessage*)>& fn);
// Same, children before parents: `fn` may replace the content of the node it is given.
void visit_post(ProtobufCMessage* message, const std::function<void(ProtobufCMessage*)>& fn);
// Sets every int32 field named "location" (and RawStmt stmt_location) to 0.
void zero_locations(ProtobufCMessage* message);
// The smallest `location` >= 0 in the subtree, or -1 when none is known.
int min_location(const ProtobufCMessage* message);

// Replaces what `node` holds by what `replacement` holds; the old content is freed, `replacement`
// (a Node wrapper) is emptied and freed. Both must be part of, or detached from, the same tree.
void replace_node(PgQuery__Node* node, PgQuery__Node* replacement);
// Frees a detached message and everything it owns.
void free_message(ProtobufCMessage* message);

// Constructors for nodes built by rewrites; strings are copied.
PgQuery__Node* make_string_node(std::string_view value);
PgQuery__Node* wrap(PgQuery__AExpr* expr);
PgQuery__Node* wrap(PgQuery__BoolExpr* expr);
PgQuery__Node* wrap(PgQuery__AArrayExpr* expr);
PgQuery__Node* make_integer_const(int32_t value);
PgQuery__Node* make_float_const(std::string_view value);
PgQuery__Node* make_bool_const(bool value);
PgQuery__AExpr* make_a_expr(PgQuery__AExprKind kind, std::string_view op, PgQuery__Node* lexpr, PgQuery__Node* rexpr);
PgQuery__BoolExpr* make_bool_expr(PgQuery__BoolExprType op, std::vector<PgQuery__Node*> args);
PgQuery__AArrayExpr* make_array_expr(std::vector<PgQuery__Node*> elements);
// A deep copy (pack + unpack).
PgQuery__Node* copy_node(const PgQuery__Node* node);

struct Token {
  int start = 0;  // 0-based byte offsets
  int end = 0;
  int token = 0;  // PgQuery__Token
  int keyword_kind = 0;  // PgQuery__KeywordKind
};
// The scanner's tokens; empty when the text does not scan.
std::vector<Token> scan(const std::string& sql);
// PG__QUERY__KEYWORD_KIND__* of a lower-case word, NO_KEYWORD when it is not a keyword.
int keyword_kind(std::string_view word);

// The string values of a list of String nodes, e.g. a TypeName's or FuncCall's names.
std::vector<std::string> string_list(PgQuery__Node* const* nodes, size_t count);

}  // namespace pgshift::schema::pg
