// This file implements needs_autocommit (sql_kind.hpp): a small lexer that blanks what is not a
// keyword, then a match on the words that start each statement.
#include "executor/sql_kind.hpp"

#include <algorithm>
#include <vector>

#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

bool is_ident_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Returns the index just past a dollar-quote opening tag at `i` ("$$" or "$tag$"), or 0 when none.
size_t dollar_tag_end(std::string_view sql, size_t i) {
  if (sql[i] != '$' || (i > 0 && is_ident_char(sql[i - 1]))) {
    return 0;
  }
  size_t j = i + 1;
  if (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') {
    return 0;  // $1: a parameter
  }
  while (j < sql.size() && is_ident_char(sql[j])) {
    ++j;
  }
  return j < sql.size() && sql[j] == '$' ? j + 1 : 0;
}

size_t skip_quoted(std::string_view sql, size_t i, char quote, bool backslash_escapes) {
  for (size_t j = i + 1; j < sql.size(); ++j) {
    if (backslash_escapes && sql[j] == '\\') {
      ++j;
    } else if (sql[j] == quote) {
      if (j + 1 < sql.size() && sql[j + 1] == quote) {
        ++j;
      } else {
        return j + 1;
      }
    }
  }
  return sql.size();
}

size_t skip_block_comment(std::string_view sql, size_t i) {
  int depth = 0;
  for (size_t j = i; j + 1 < sql.size(); ++j) {
    if (sql[j] == '/' && sql[j + 1] == '*') {
      ++depth;
      ++j;
    } else if (sql[j] == '*' && sql[j + 1] == '/') {
      ++j;
      if (--depth == 0) {
        return j + 1;
      }
    }
  }
  return sql.size();
}

enum class Span { code, comment, quoted };

// The lexical span that starts at `i`: a comment, a literal / quoted identifier / dollar-quoted body,
// or one ordinary character; returns its kind and the index just past it.
std::pair<Span, size_t> span_at(std::string_view sql, size_t i) {
  char c = sql[i];
  if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
    size_t eol = sql.find('\n', i);
    return {Span::comment, eol == std::string_view::npos ? sql.size() : eol};
  }
  if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
    return {Span::comment, skip_block_comment(sql, i)};
  }
  if (c == '\'') {
    bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !is_ident_char(sql[i - 2]));
    return {Span::quoted, skip_quoted(sql, i, '\'', escapes)};
  }
  if (c == '"') {
    return {Span::quoted, skip_quoted(sql, i, '"', false)};
  }
  if (size_t tag_end = dollar_tag_end(sql, i); tag_end != 0) {
    std::string_view tag = sql.substr(i, tag_end - i);
    size_t close = sql.find(tag, tag_end);
    return {Span::quoted, close == std::string_view::npos ? sql.size() : close + tag.size()};
  }
  return {Span::code, i + 1};
}

std::vector<std::vector<std::string>> statements_as_words(const std::string& text) {
  std::vector<std::vector<std::string>> statements(1);
  std::string word;
  auto flush = [&] {
    if (!word.empty()) {
      statements.back().push_back(word);
      word.clear();
    }
  };
  for (char c : text) {
    if (is_ident_char(c)) {
      word += c;
      continue;
    }
    flush();
    if (c == ';') {
      statements.emplace_back();
    }
  }
  flush();
  return statements;
}

bool starts_with_words(const std::vector<std::string>& words, std::initializer_list<std::string_view> prefix) {
  if (words.size() < prefix.size()) {
    return false;
  }
  return std::equal(prefix.begin(), prefix.end(), words.begin());
}

bool contains_word(const std::vector<std::string>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool contains_words(const std::vector<std::string>& words, std::string_view a, std::string_view b) {
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == a && words[i + 1] == b) {
      return true;
    }
  }
  return false;
}

bool statement_needs_autocommit(const std::vector<std::string>& w) {
  bool concurrently = contains_word(w, "CONCURRENTLY");
  if (concurrently &&
      (starts_with_words(w, {"CREATE", "INDEX"}) || starts_with_words(w, {"CREATE", "UNIQUE", "INDEX"}) ||
       starts_with_words(w, {"DROP", "INDEX"}) || starts_with_words(w, {"REINDEX"}) ||
       (starts_with_words(w, {"ALTER", "TABLE"}) && contains_words(w, "DETACH", "PARTITION")))) {
    return true;
  }
  if (starts_with_words(w, {"ALTER", "TYPE"}) && contains_words(w, "ADD", "VALUE")) {
    return true;
  }
  return starts_with_words(w, {"VACUUM"}) || starts_with_words(w, {"CREATE", "DATABASE"}) ||
         starts_with_words(w, {"DROP", "DATABASE"}) || starts_with_words(w, {"ALTER", "SYSTEM"}) ||
         starts_with_words(w, {"CREATE", "TABLESPACE"}) || starts_with_words(w, {"DROP", "TABLESPACE"});
}

}  // namespace

std::string sql_keywords_only(std::string_view sql) {
  std::string out;
  size_t i = 0;
  while (i < sql.size()) {
    auto [kind, end] = span_at(sql, i);
    if (kind == Span::comment) {
      out += ' ';
    } else if (kind == Span::quoted) {
      bool e_string = sql[i] == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && !out.empty();
      if (e_string && out.back() == 'E') {
        out.pop_back();  // the E of E'...'
      }
      out += " ? ";
    } else {
      char c = sql[i];
      out += (c >= 'a' && c <= 'z')                  ? static_cast<char>(c - 'a' + 'A')
             : (c == '\n' || c == '\t' || c == '\r') ? ' '
                                                     : c;
    }
    i = end;
    if (out.size() >= 2 && out.back() == ' ' && out[out.size() - 2] == ' ') {
      out.pop_back();
    }
  }
  return out;
}

std::vector<std::string> split_statements(std::string_view sql) {
  std::vector<std::string> out;
  size_t begin = 0;
  auto emit = [&](size_t end) {
    std::string statement = util::trim(sql.substr(begin, end - begin));
    if (!util::trim(sql_keywords_only(statement)).empty()) {
      out.push_back(statement);
    }
  };
  size_t i = 0;
  while (i < sql.size()) {
    auto [kind, end] = span_at(sql, i);
    if (kind == Span::code && sql[i] == ';') {
      emit(i);
      begin = i + 1;
    }
    i = end;
  }
  emit(sql.size());
  return out;
}

bool needs_autocommit(std::string_view sql) {
  for (const auto& words : statements_as_words(sql_keywords_only(sql))) {
    if (statement_needs_autocommit(words)) {
      return true;
    }
  }
  return false;
}

}  // namespace pgshift::executor
