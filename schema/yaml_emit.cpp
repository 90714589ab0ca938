// This file implements the YAML emitter (yaml_emit.hpp): quoting that reads back byte for byte,
// flow style for what fits on a line, literal blocks for multi-line text.
#include <algorithm>

#include "schema/yaml_emit.hpp"

#include <array>
#include <regex>

#include "util/strings.hpp"

namespace pgshift::schema::yaml_detail {

namespace {

constexpr size_t k_width = 100;

bool plain_char(unsigned char c, bool first) {
  if (c >= 0x80) {
    return true;  // UTF-8 sequences
  }
  if (std::isalnum(c) || c == '_' || c == '$') {
    return true;
  }
  static const std::string inner = " .()/+=<>*^~|&@'!%;?-";
  return !first && inner.find(static_cast<char>(c)) != std::string::npos;
}

bool reserved_word(const std::string& text) {
  static const std::array<const char*, 12> words = {"null", "~",  "true", "false", "yes", "no",
                                                    "on",   "off", "y",   "n",     "",    "<<"};
  std::string lower = util::to_lower(text);
  for (const char* w : words) {
    if (lower == w) {
      return true;
    }
  }
  static const std::regex number(R"(^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$|^0[xob].*$|^[-+]?\.(inf|nan)$)",
                                 std::regex::icase);
  return std::regex_match(text, number);
}

bool plain_ok(const std::string& text) {
  if (text.empty() || reserved_word(text) || text.back() == ' ') {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (!plain_char(static_cast<unsigned char>(text[i]), i == 0)) {
      return false;
    }
  }
  return true;
}

std::string double_quoted(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\0': out += "\\0"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static const char* hex = "0123456789abcdef";
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// Whether `text` can be written as a literal block scalar and read back unchanged.
bool literal_ok(const std::string& text) {
  if (text.find('\n') == std::string::npos) {
    return false;
  }
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      return false;
    }
  }
  std::vector<std::string> lines = util::split(text, '\n');
  for (const auto& line : lines) {
    bool blank = line.find_first_not_of(" \t") == std::string::npos;
    if (blank && !line.empty()) {
      return false;
    }
  }
  auto first = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return !l.empty(); });
  return first == lines.end() || ((*first)[0] != ' ' && (*first)[0] != '\t');
}

void literal_block(std::string& out, const std::string& text, int indent) {
  std::string chomp = text.back() != '\n' ? "-" : (text.size() >= 2 && text[text.size() - 2] == '\n' ? "+" : "");
  out += " |" + chomp + "\n";
  std::vector<std::string> lines = util::split(text, '\n');
  if (text.back() == '\n') {
    lines.pop_back();  // the split's empty tail stands for the final newline
  }
  for (const auto& line : lines) {
    out += line.empty() ? "\n" : std::string(indent + 2, ' ') + line + "\n";
  }
}

}  // namespace

std::string yaml_quote(const std::string& text) { return plain_ok(text) ? text : double_quoted(text); }

YamlNode YamlNode::strings(const std::vector<std::string>& items) {
  YamlNode out = list();
  for (const auto& item : items) {
    out.push(string(item));
  }
  return out;
}

YamlNode YamlNode::map(bool block, bool collection) {
  YamlNode out(Kind::map, "", false);
  out.m_block = block;
  out.m_collection = collection;
  return out;
}

YamlNode YamlNode::deferred(std::function<YamlNode()> build) {
  YamlNode out(Kind::map, "", false);
  out.m_block = true;
  out.m_build = std::move(build);
  return out;
}

YamlNode& YamlNode::add(std::string key, YamlNode value) {
  m_entries.emplace_back(std::move(key), std::move(value));
  return *this;
}

YamlNode& YamlNode::push(YamlNode item) {
  m_items.push_back(std::move(item));
  return *this;
}

bool YamlNode::flowable() const {
  switch (m_kind) {
    case Kind::scalar:
      return m_text.find('\n') == std::string::npos;
    case Kind::list:
      return !m_block && std::all_of(m_items.begin(), m_items.end(), [](const YamlNode& n) { return n.flowable(); });
    case Kind::map:
      if (m_block) {
        return false;
      }
      for (const auto& [key, value] : m_entries) {
        if (!value.flowable() || (m_collection && value.m_kind == Kind::map)) {
          return false;
        }
      }
      return true;
  }
  return false;
}

std::string YamlNode::flow() const {
  std::string out;
  switch (m_kind) {
    case Kind::scalar:
      return m_raw ? m_text : yaml_quote(m_text);
    case Kind::list:
      for (const auto& item : m_items) {
        out += (out.empty() ? "" : ", ") + item.flow();
      }
      return "[" + out + "]";
    case Kind::map:
      for (const auto& [key, value] : m_entries) {
        out += (out.empty() ? "" : ", ") + yaml_quote(key) + ": " + value.flow();
      }
      return "{" + out + "}";
  }
  return out;
}

namespace {
thread_local std::ostream* t_sink = nullptr;  // emit(std::ostream&): where finished text goes
}  // namespace

void YamlNode::emit_value(std::string& out, int indent, size_t prefix) const {
  if (m_build) {
    m_build().emit_value(out, indent, prefix);  // built, written and freed here
    if (t_sink != nullptr && out.size() >= (1u << 20)) {
      *t_sink << out;
      out.clear();
    }
    return;
  }
  if (m_kind == Kind::scalar) {
    if (!m_raw && literal_ok(m_text)) {
      literal_block(out, m_text, indent);
    } else {
      out += " " + flow() + "\n";
    }
    return;
  }
  if (empty()) {
    out += m_kind == Kind::list ? " []\n" : " {}\n";
    return;
  }
  if (flowable()) {
    std::string text = flow();
    if (prefix + 1 + text.size() <= k_width) {
      out += " " + text + "\n";
      return;
    }
  }
  out += "\n";
  if (m_kind == Kind::map) {
    emit_block(out, indent + 2);
    return;
  }
  for (const auto& item : m_items) {
    std::string dash = std::string(indent + 2, ' ') + "-";
    if (item.m_kind == Kind::map && !item.empty() && !(item.flowable() && dash.size() + 1 + item.flow().size() <= k_width)) {
      std::string block;
      item.emit_block(block, indent + 4);
      out += dash + " " + block.substr(indent + 4);  // the first key goes on the dash line
    } else {
      out += dash;
      item.emit_value(out, indent + 2, dash.size());
    }
  }
}

void YamlNode::emit_block(std::string& out, int indent) const {
  for (const auto& [key, value] : m_entries) {
    std::string line = std::string(indent, ' ') + yaml_quote(key) + ":";
    out += line;
    value.emit_value(out, indent, line.size());
  }
}

void YamlNode::emit(std::ostream& os) const {
  if (empty()) {
    os << "{}\n";
    return;
  }
  std::string out;
  out.reserve(1u << 21);
  t_sink = &os;
  try {
    emit_block(out, 0);
  } catch (...) {
    t_sink = nullptr;
    throw;
  }
  t_sink = nullptr;
  os << out;
}

std::string YamlNode::emit() const {
  if (empty()) {
    return "{}\n";
  }
  std::string out;
  emit_block(out, 0);
  return out;
}

}  // namespace pgshift::schema::yaml_detail
