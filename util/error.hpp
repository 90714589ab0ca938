// Errors the user must fix: a message, where it was found (file:line:column) and a hint.
// Thrown by every layer, caught once in cli/main.cpp.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace pgshift {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown
  std::string source_line;  // the text of that line, for the caret display; may be empty
};

class Error : public std::runtime_error {
 public:
  explicit Error(std::string message, std::optional<SourceLocation> where = {}, std::string hint = {});
  const std::optional<SourceLocation>& where() const { return m_where; }
  const std::string& hint() const { return m_hint; }
  const std::string& message() const { return m_message; }
  // "file:line:col: message\n  <line>\n  ^\nhint: ..." (no "pgshift: error:" prefix).
  std::string render() const;

 private:
  std::string m_message;
  std::optional<SourceLocation> m_where;
  std::string m_hint;
};

}  // namespace pgshift
