// This file implements the canonical forms of SQL fragments that are not expressions: exclusion
// constraint definitions and partition keys and bounds. Each fragment is parsed inside a statement
// made for it, rewritten like an expression, and deparsed; the statement's own text is cut off.
#include "schema/expr_internal.hpp"
#include "util/strings.hpp"

namespace pgshift::schema {

namespace {

struct Fragment {
  std::string prefix;  // the statement text before the fragment
  std::string sql;
};

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
  detail::rewrite_expression(tree->stmts[0]->stmt, ExprOptions{});
  pg::zero_locations(&tree->base);
  std::string sql = pg::deparse(*tree);
  size_t at = sql.find(cut);
  if (at == std::string::npos) {
    throw SqlParseError("not a valid definition", 1);
  }
  return sql.substr(at + cut.size());
}

Fragment fragment(std::string prefix, std::string_view source, std::string suffix = {}) {
  return Fragment{prefix, prefix + std::string(source) + suffix};
}

}  // namespace

Expr make_exclusion(std::string_view source) {
  const std::string prefix = "ALTER TABLE pgshift_t ADD CONSTRAINT pgshift_c ";
  std::string trimmed = util::trim(source);
  if (!util::starts_with(util::to_lower(trimmed), "exclude")) {
    throw SqlParseError("an exclusion constraint starts with EXCLUDE", 1);
  }
  std::string canonical = canonical_fragment(fragment(prefix, source), source, "ADD CONSTRAINT pgshift_c ");
  return Expr{std::string(source), canonical};
}

std::string canonical_partition_by(std::string_view source) {
  std::string deparsed =
      canonical_fragment(fragment("CREATE TABLE pgshift_t () PARTITION BY ", source), source, "PARTITION BY ");
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
  return canonical_fragment(fragment("CREATE TABLE pgshift_p PARTITION OF pgshift_t ", source), source,
                            "PARTITION OF pgshift_t ");
}

}  // namespace pgshift::schema
