// This file implements the parts of trigger_def.hpp: a small scanner over pg_get_triggerdef output
// that knows SQL's quoting rules, since the WHEN clause is only available as text.
#include "introspect/trigger_def.hpp"

#include <cctype>

namespace pgshift::introspect {
namespace {

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Index just past the quoted token starting at `pos` ('"' or '\''). In an E'' literal (`escapes`),
// a backslash escapes the next character; a doubled quote is part of the token in both.
size_t skip_quoted(std::string_view s, size_t pos, bool escapes) {
  const char quote = s[pos];
  size_t i = pos + 1;
  while (i < s.size()) {
    if (escapes && s[i] == '\\') {
      i += 2;
      continue;
    }
    if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return s.size();
}

// Index just past the token at `pos`: a quoted name or literal, a word, or one other character.
size_t skip_token(std::string_view s, size_t pos) {
  const char c = s[pos];
  if (c == '"' || c == '\'') {
    return skip_quoted(s, pos, false);
  }
  if ((c == 'E' || c == 'e') && pos + 1 < s.size() && s[pos + 1] == '\'' &&
      (pos == 0 || !is_word_char(s[pos - 1]))) {
    return skip_quoted(s, pos + 1, true);
  }
  if (is_word_char(c)) {
    size_t i = pos;
    while (i < s.size() && is_word_char(s[i])) {
      ++i;
    }
    return i;
  }
  return pos + 1;
}

bool equals_keyword(std::string_view word, std::string_view keyword) {
  if (word.size() != keyword.size()) {
    return false;
  }
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(word[i])) != keyword[i]) {
      return false;
    }
  }
  return true;
}

// The text between the '(' at `open` and its matching ')', or nullopt when unbalanced.
std::optional<std::string> parenthesized(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size();) {
    if (s[i] == '(') {
      ++depth;
    } else if (s[i] == ')' && --depth == 0) {
      return std::string(s.substr(open + 1, i - open - 1));
    }
    i = skip_token(s, i);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> trigger_when_clause(std::string_view definition) {
  int depth = 0;
  for (size_t i = 0; i < definition.size();) {
    const size_t next = skip_token(definition, i);
    const char c = definition[i];
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (depth == 0 && is_word_char(c) && equals_keyword(definition.substr(i, next - i), "WHEN")) {
      size_t j = next;
      while (j < definition.size() && std::isspace(static_cast<unsigned char>(definition[j])) != 0) {
        ++j;
      }
      if (j < definition.size() && definition[j] == '(') {
        return parenthesized(definition, j);
      }
    }
    i = next;
  }
  return std::nullopt;
}

std::vector<std::string> split_trigger_args(std::string_view tgargs, int count) {
  std::vector<std::string> args;
  size_t start = 0;
  for (int n = 0; n < count && start <= tgargs.size(); ++n) {
    size_t end = tgargs.find('\0', start);
    if (end == std::string_view::npos) {
      end = tgargs.size();
    }
    args.emplace_back(tgargs.substr(start, end - start));
    start = end + 1;
  }
  return args;
}

}  // namespace pgshift::introspect
