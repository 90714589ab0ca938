// Checks of generated SQL, for the injection test and the fuzzer: a value from the YAML that reaches
// SQL text must stay inside one string constant or one quoted identifier, and the statements a step
// runs must be the statements it means. Nothing here connects to a server.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgshift::schema {

// The kind of each statement of `sql` as libpg_query parses it ("create_stmt", "comment_stmt", ...).
// Throws SqlParseError when `sql` does not parse.
std::vector<std::string> statement_kinds(std::string_view sql);

// "" when every occurrence of `marker` in `sql` lies inside a string constant (quoted, E'', U&'',
// dollar-quoted) or a double-quoted identifier; otherwise a sentence saying where it escaped (as a
// keyword, a bare identifier, or inside a comment) or that `sql` does not scan.
std::string marker_escape(std::string_view sql, std::string_view marker);

}  // namespace pgshift::schema
