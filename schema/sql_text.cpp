// This file implements SQL quoting (sql_text.hpp): the only place that writes quote characters.
#include "schema/sql_text.hpp"

#include "schema/model.hpp"
#include "schema/pg_parse.hpp"
#include "schema/type_names.hpp"
#include "util/error.hpp"

namespace pgshift::schema {

namespace {

void check_name(std::string_view name) {
  if (name.empty()) {
    throw Error("empty identifier");
  }
  if (name.find('\0') != std::string_view::npos) {
    throw Error("identifier contains a NUL byte");
  }
}

bool is_plain_identifier(std::string_view name) {
  if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

std::string strip_array_suffix(std::string_view& type) {
  std::string suffix;
  while (type.size() >= 2 && type.substr(type.size() - 2) == "[]") {
    suffix += "[]";
    type.remove_suffix(2);
  }
  return suffix;
}

}  // namespace

std::string quote_ident(std::string_view name) {
  check_name(name);
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

std::string quote_ident_if_needed(std::string_view name) {
  check_name(name);
  if (is_plain_identifier(name) && pg::keyword_kind(name) <= PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD) {
    return std::string(name);
  }
  return quote_ident(name);
}

std::string quote_literal(std::string_view value) {
  bool backslash = value.find('\\') != std::string_view::npos;
  std::string out = backslash ? "E'" : "'";
  for (char c : value) {
    out += c;
    if (c == '\'' || c == '\\') {
      out += c;
    }
  }
  return out + "'";
}

std::string quote_ident_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) {
      out += ", ";
    }
    out += quote_ident(name);
  }
  return out;
}

std::string dollar_quote(std::string_view body) {
  for (int i = 0;; ++i) {
    std::string tag = i == 0 ? "$pgshift$" : "$pgshift" + std::to_string(i) + "$";
    // The closing tag must be the first occurrence, also when the body ends in a tag prefix.
    if ((std::string(body) + tag).find(tag) == body.size()) {
      return tag + std::string(body) + tag;
    }
  }
}

std::string qualified(const QualifiedName& name) { return quote_ident(name.schema) + "." + quote_ident(name.name); }

std::string QualifiedName::sql() const { return qualified(*this); }

std::vector<std::string> split_qualified(std::string_view text) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (true) {
    std::string part;
    if (i < text.size() && text[i] == '"') {
      for (++i;; ++i) {
        if (i >= text.size()) {
          return {};
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            ++i;
          } else {
            ++i;
            break;
          }
        }
        part += text[i];
      }
    } else {
      while (i < text.size() && text[i] != '.' && text[i] != '"') {
        part += text[i++];
      }
    }
    if (part.empty()) {
      return {};
    }
    parts.push_back(part);
    if (i == text.size()) {
      return parts;
    }
    if (text[i] != '.') {
      return {};
    }
    ++i;
  }
}

std::string type_sql(std::string_view canonical_type) {
  std::string_view type = canonical_type;
  std::string suffix = strip_array_suffix(type);
  if (is_builtin_type(type)) {
    return std::string(canonical_type);
  }
  // A user type: [schema.]name with an optional "(typmods)" after the name.
  std::string typmods;
  if (!type.empty() && type.back() == ')') {
    size_t open = type.rfind('(');
    if (open != std::string_view::npos && type.substr(open).find('"') == std::string_view::npos) {
      typmods = std::string(type.substr(open));
      type = type.substr(0, open);
    }
  }
  std::vector<std::string> parts = split_qualified(type);
  if (parts.empty()) {
    throw Error("malformed type name \"" + std::string(canonical_type) + "\"");
  }
  std::string out;
  for (const auto& part : parts) {
    out += (out.empty() ? "" : ".") + quote_ident(part);
  }
  return out + typmods + suffix;
}

}  // namespace pgshift::schema
