// Deciding from SQL text how a statement must run: some statements refuse a transaction block.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgshift::executor {

// True when `sql` holds a statement that cannot run inside a transaction block, or should not:
// CREATE/DROP INDEX CONCURRENTLY, REINDEX ... CONCURRENTLY, DETACH PARTITION ... CONCURRENTLY,
// ALTER TYPE ... ADD VALUE, VACUUM, CREATE/DROP DATABASE, ALTER SYSTEM, CREATE/DROP TABLESPACE.
// Comments, string literals, dollar-quoted bodies and quoted identifiers are ignored, so an index
// named "concurrently" does not count. Used for reverse SQL, which has no in_transaction flag.
bool needs_autocommit(std::string_view sql);

// Splits a script into its statements at semicolons outside literals, quoted identifiers, comments and
// dollar-quoted bodies; each is trimmed, empty ones dropped. Autocommit runs send one statement at a
// time, since a multi-statement string runs as one implicit transaction.
std::vector<std::string> split_statements(std::string_view sql);

// The statement text with comments removed, literals and quoted identifiers blanked, upper-cased and
// with runs of white space made one space (what needs_autocommit matches against). Exposed for tests.
std::string sql_keywords_only(std::string_view sql);

}  // namespace pgshift::executor
