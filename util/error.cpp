#include "util/error.hpp"

#include <fmt/format.h>

namespace pgshift {

Error::Error(std::string message, std::optional<SourceLocation> where, std::string hint)
    : std::runtime_error(message), m_message(std::move(message)), m_where(std::move(where)), m_hint(std::move(hint)) {}

std::string Error::render() const {
  std::string out;
  if (m_where && !m_where->file.empty()) {
    out += m_where->file;
    if (m_where->line > 0) {
      out += fmt::format(":{}", m_where->line);
      if (m_where->column > 0) out += fmt::format(":{}", m_where->column);
    }
    out += ": ";
  }
  out += m_message;
  if (m_where && !m_where->source_line.empty()) {
    out += "\n  " + m_where->source_line + "\n  ";
    if (m_where->column > 0) out += std::string(static_cast<size_t>(m_where->column - 1), ' ');
    out += "^";
  }
  if (!m_hint.empty()) out += "\nhint: " + m_hint;
  return out;
}

}  // namespace pgshift
