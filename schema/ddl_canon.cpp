// This file implements the canonical forms of SQL fragments that are not expressions: exclusion
// constraint definitions and partition keys and bounds. Each fragment is parsed inside a statement
// made for it, rewritten like an expression, and deparsed; the statement's own text is cut off.
#include "schema/expr_internal.hpp"
#include "util/strings.hpp"

namespace pgshift::schema {

namespace {

// Whether the parsed statement is exactly the fragment's kind and nothing more (a clause the
// fragment does not mean, such as `, DROP COLUMN x` after an exclusion, or TABLESPACE after a bound).
using ShapeCheck = bool (*)(const PgQuery__Node& stmt);

struct Fragment {
  std::string prefix;  // the statement text before the fragment
  std::string sql;
  ShapeCheck shape = nullptr;
  const char* expected = "";  // what the fragment must be, for the message
};

// `inherits`: PARTITION OF's parent is kept as the one inherited relation.
bool plain_create(const PgQuery__CreateStmt& c, size_t inherits) {
  bool no_oncommit = c.oncommit == PG_QUERY__ON_COMMIT_ACTION__ON_COMMIT_ACTION_UNDEFINED ||
                     c.oncommit == PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_NOOP;
  auto empty = [](const char* text) { return text == nullptr || text[0] == '\0'; };
  return c.n_table_elts == 0 && c.n_inh_relations == inherits && c.of_typename == nullptr && c.n_constraints == 0 &&
         c.n_options == 0 && no_oncommit && empty(c.tablespacename) && empty(c.access_method) && !c.if_not_exists;
}

bool is_partition_key(const PgQuery__Node& stmt) {
  return stmt.node_case == PG_QUERY__NODE__NODE_CREATE_STMT && plain_create(*stmt.create_stmt, 0) &&
         stmt.create_stmt->partspec != nullptr && stmt.create_stmt->partbound == nullptr;
}

bool is_partition_bound(const PgQuery__Node& stmt) {
  return stmt.node_case == PG_QUERY__NODE__NODE_CREATE_STMT && plain_create(*stmt.create_stmt, 1) &&
         stmt.create_stmt->partbound != nullptr && stmt.create_stmt->partspec == nullptr;
}

bool is_one_exclusion(const PgQuery__Node& stmt) {
  if (stmt.node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT || stmt.alter_table_stmt->n_cmds != 1) {
    return false;
  }
  const PgQuery__Node* cmd = stmt.alter_table_stmt->cmds[0];
  if (cmd->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD ||
      cmd->alter_table_cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint) {
    return false;
  }
  const PgQuery__Node* def = cmd->alter_table_cmd->def;
  return def != nullptr && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
         def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION && !def->constraint->skip_validation;
}

// Parses prefix + source as exactly one statement, rewrites it, and returns the deparse after `cut`.
std::string canonical_fragment(const Fragment& f, std::string_view source, std::string_view cut) {
  if (util::trim(source).empty()) {
    throw SqlParseError("empty definition", 0);
  }
  const int prefix = static_cast<int>(f.prefix.size());
  pg::ParseTree tree;
  try {
    tree = pg::parse(f.sql);
  } catch (const SqlParseError& e) {
    throw SqlParseError(e.what(), e.cursor() > prefix ? e.cursor() - prefix : (e.cursor() > 0 ? 1 : 0));
  }
  if (tree->n_stmts != 1 || tree->stmts[0]->stmt_len != 0) {
    int at = tree->stmts[0]->stmt_len - prefix + 1;
    throw SqlParseError("expected one definition, found `;`", at > 0 ? at : 0);
  }
  if (f.shape != nullptr && !f.shape(*tree->stmts[0]->stmt)) {
    throw SqlParseError(std::string("expected ") + f.expected + " and nothing else", 1);
  }
  detail::rewrite_expression(tree->stmts[0]->stmt, ExprOptions{});
  pg::zero_locations(&tree->base);
  std::string sql = pg::deparse(*tree);
  size_t at = sql.find(cut);
  if (at == std::string::npos) {
    throw SqlParseError("not a valid definition", 1);
  }
  return sql.substr(at + cut.size());
}

Fragment fragment(std::string prefix, std::string_view source, ShapeCheck shape, const char* expected) {
  return Fragment{prefix, prefix + std::string(source), shape, expected};
}

}  // namespace

Expr make_exclusion(std::string_view source) {
  const std::string prefix = "ALTER TABLE pgshift_t ADD CONSTRAINT pgshift_c ";
  std::string trimmed = util::trim(source);
  if (!util::starts_with(util::to_lower(trimmed), "exclude")) {
    throw SqlParseError("an exclusion constraint starts with EXCLUDE", 1);
  }
  std::string canonical = canonical_fragment(fragment(prefix, source, is_one_exclusion, "one EXCLUDE constraint"), source,
                                             "ADD CONSTRAINT pgshift_c ");
  return Expr{std::string(source), canonical};
}

std::string canonical_partition_by(std::string_view source) {
  std::string deparsed =
      canonical_fragment(fragment("CREATE TABLE pgshift_t () PARTITION BY ", source, is_partition_key, "a partition key"),
                         source, "PARTITION BY ");
  size_t open = deparsed.find('(');
  if (open == std::string::npos) {
    throw SqlParseError("not a partition key", 1);
  }
  std::string strategy = deparsed.substr(0, open);
  for (auto& c : strategy) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return util::trim(strategy) + " " + deparsed.substr(open);
}

std::string canonical_partition_bound(std::string_view source) {
  return canonical_fragment(
      fragment("CREATE TABLE pgshift_p PARTITION OF pgshift_t ", source, is_partition_bound, "a partition bound"), source,
      "PARTITION OF pgshift_t ");
}

}  // namespace pgshift::schema
