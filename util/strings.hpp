// Small string helpers with no knowledge of PostgreSQL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgshift::util {

std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::vector<std::string> split(std::string_view text, char sep);
std::string trim(std::string_view text);
std::string to_lower(std::string_view text);
std::string to_upper_ascii(std::string_view text);
bool starts_with(std::string_view text, std::string_view prefix);
// Levenshtein distance, for "did you mean" suggestions.
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate nearest to `word`, or "" when none is close enough (distance > max(2, len/3)).
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);
// Replaces the password in a libpq URL or key/value conninfo with "****".
std::string mask_password(std::string_view conninfo);
// Glob with * and ? (for --ignore patterns).
bool glob_match(std::string_view pattern, std::string_view text);
// The byte offset of the first byte that does not start a well-formed UTF-8 sequence (overlong
// forms, surrogates and code points above U+10FFFF included), or npos when `text` is valid UTF-8.
size_t invalid_utf8_offset(std::string_view text);

}  // namespace pgshift::util
