// This file implements the column-reference helpers of expr.hpp: finding and renaming the unqualified
// column references of an expression by walking libpg_query's tree, never by editing text.
#include <cstdlib>
#include <cstring>

#include "schema/expr_internal.hpp"

namespace pgshift::schema {

namespace {

// The expression node of "SELECT <expr>" in `tree`.
PgQuery__Node* expression_of(pg::ParseTree& tree) {
  return tree->stmts[0]->stmt->select_stmt->target_list[0]->res_target->val;
}

pg::ParseTree parse_expression(std::string_view expr) {
  pg::ParseTree tree = pg::parse("SELECT " + std::string(expr));
  if (tree->n_stmts != 1 || tree->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT ||
      tree->stmts[0]->stmt->select_stmt->n_target_list != 1) {
    throw SqlParseError("expected exactly one expression", 0);
  }
  return tree;
}

// The single name of an unqualified column reference, or nullptr.
PgQuery__String* unqualified_name(PgQuery__ColumnRef* ref) {
  if (ref->n_fields != 1 || ref->fields[0]->node_case != PG_QUERY__NODE__NODE_STRING) return nullptr;
  return ref->fields[0]->string;
}

}  // namespace

std::set<std::string> referenced_columns(std::string_view expr) {
  pg::ParseTree tree = parse_expression(expr);
  std::set<std::string> out;
  pg::visit(&expression_of(tree)->base, [&](ProtobufCMessage* m) {
    if (m->descriptor != &pg_query__column_ref__descriptor) return;
    auto* ref = reinterpret_cast<PgQuery__ColumnRef*>(m);
    if (auto* name = unqualified_name(ref)) {
      out.insert(name->sval);
    } else if (ref->n_fields == 2 && ref->fields[1]->node_case == PG_QUERY__NODE__NODE_STRING) {
      out.insert(ref->fields[1]->string->sval);  // table.column: the column is named all the same
    }
  });
  return out;
}

std::string rewrite_column_refs(std::string_view expr, const std::map<std::string, std::string>& renames,
                                std::string_view qualifier) {
  pg::ParseTree tree = parse_expression(expr);
  PgQuery__Node* root = expression_of(tree);
  pg::visit(&root->base, [&](ProtobufCMessage* m) {
    if (m->descriptor != &pg_query__column_ref__descriptor) return;
    auto* ref = reinterpret_cast<PgQuery__ColumnRef*>(m);
    PgQuery__String* name = unqualified_name(ref);
    if (name == nullptr) return;
    if (auto it = renames.find(name->sval); it != renames.end()) {
      std::free(name->sval);
      name->sval = static_cast<char*>(std::malloc(it->second.size() + 1));
      std::memcpy(name->sval, it->second.c_str(), it->second.size() + 1);
    }
    if (!qualifier.empty()) {
      auto** fields = static_cast<PgQuery__Node**>(std::malloc(sizeof(PgQuery__Node*) * 2));
      fields[0] = pg::make_string_node(qualifier);
      fields[1] = ref->fields[0];
      std::free(ref->fields);
      ref->fields = fields;
      ref->n_fields = 2;
    }
  });
  pg::zero_locations(&root->base);
  return detail::deparse_expr(root);
}

}  // namespace pgshift::schema
