// Markdown pieces shared by the renderers that write pull-request comments (plan, drift, verify):
// text safe in a table cell, a code span and a fenced block the content cannot close early.
#pragma once

#include <string>
#include <string_view>

namespace pgshift::planner {

// Plain text safe in a table cell: markdown punctuation escaped, line breaks as spaces.
std::string md_text(std::string_view text);
// A code span in a table cell: a delimiter longer than any backtick run inside, pipes escaped.
std::string md_code(std::string_view text);
// A fenced block (```lang) longer than any backtick run in `text`; one trailing newline of `text` dropped.
std::string md_block(std::string_view lang, std::string_view text);

}  // namespace pgshift::planner
