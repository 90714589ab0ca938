// This file implements the checks of generated SQL (sql_check.hpp) with libpg_query's parser and
// scanner.
#include "schema/sql_check.hpp"

#include "schema/expr.hpp"
#include "schema/pg_parse.hpp"

namespace pgshift::schema {

std::vector<std::string> statement_kinds(std::string_view sql) {
  pg::ParseTree tree = pg::parse(std::string(sql));
  std::vector<std::string> out;
  for (size_t i = 0; i < tree->n_stmts; ++i) {
    const PgQuery__Node* stmt = tree->stmts[i]->stmt;
    const ProtobufCFieldDescriptor* field =
        stmt == nullptr ? nullptr
                        : protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, stmt->node_case);
    out.emplace_back(field != nullptr ? field->name : "unknown");
  }
  return out;
}

std::string marker_escape(std::string_view sql, std::string_view marker) {
  if (marker.empty() || sql.find(marker) == std::string_view::npos) {
    return {};
  }
  std::string text(sql);
  std::vector<pg::Token> tokens = pg::scan(text);
  if (tokens.empty()) {
    return "the SQL does not scan";
  }
  for (size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
    const pg::Token* holder = nullptr;
    for (const auto& t : tokens) {
      if (static_cast<size_t>(t.start) <= at && at + marker.size() <= static_cast<size_t>(t.end)) {
        holder = &t;
        break;
      }
    }
    if (holder == nullptr) {
      return "the marker at byte " + std::to_string(at + 1) + " spans several tokens";
    }
    std::string token = text.substr(holder->start, holder->end - holder->start);
    bool literal = holder->token == PG_QUERY__TOKEN__SCONST || holder->token == PG_QUERY__TOKEN__USCONST;
    bool quoted_ident = (holder->token == PG_QUERY__TOKEN__IDENT || holder->token == PG_QUERY__TOKEN__UIDENT) &&
                        (token.front() == '"' || token.rfind("U&\"", 0) == 0 || token.rfind("u&\"", 0) == 0);
    if (!literal && !quoted_ident) {
      bool comment = holder->token == PG_QUERY__TOKEN__SQL_COMMENT || holder->token == PG_QUERY__TOKEN__C_COMMENT;
      return "the marker at byte " + std::to_string(at + 1) + " is " +
             (comment ? "inside a comment" : "SQL of its own (token `" + token + "`)");
    }
  }
  return {};
}

}  // namespace pgshift::schema
