// This file implements SQL quoting (sql_text.hpp): the only place that writes quote characters.
#include "schema/sql_text.hpp"

#include <cctype>

#include "schema/model.hpp"
#include "schema/pg_parse.hpp"
#include "schema/type_names.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::schema {

namespace {

void check_name(std::string_view name) {
  if (name.empty()) {
    throw Error("empty identifier");
  }
  if (name.find('\0') != std::string_view::npos) {
    throw Error("identifier contains a NUL byte");
  }
  if (util::invalid_utf8_offset(name) != std::string_view::npos) {
    throw Error("identifier is not valid UTF-8");
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

std::string literal_problem(std::string_view text) {
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return "contains a NUL byte (at byte " + std::to_string(nul + 1) + ")";
  }
  if (size_t bad = util::invalid_utf8_offset(text); bad != std::string_view::npos) {
    return "is not valid UTF-8 (at byte " + std::to_string(bad + 1) + ")";
  }
  return {};
}

std::string identifier_problem(std::string_view name) {
  if (name.empty()) {
    return "is empty";
  }
  if (std::string problem = literal_problem(name); !problem.empty()) {
    return problem;
  }
  constexpr size_t k_max_identifier_bytes = 63;  // NAMEDATALEN - 1
  if (name.size() > k_max_identifier_bytes) {
    return "is " + std::to_string(name.size()) + " bytes long; PostgreSQL names hold at most 63 bytes";
  }
  return {};
}

namespace {

// The dotted parts of a name with optional double-quoted parts. `sql`: unquoted parts are SQL
// identifiers (a letter, _ or a non-ASCII byte first, then also digits and $), folded to lower case,
// and every part must be a valid identifier; otherwise unquoted parts are kept as written.
std::vector<std::string> split_name(std::string_view text, bool sql) {
  std::vector<std::string> parts;
  size_t i = 0;
  auto start_ok = [](unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; };
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
    } else if (!sql) {
      while (i < text.size() && text[i] != '.' && text[i] != '"') {
        part += text[i++];
      }
    } else {
      if (i >= text.size() || !start_ok(static_cast<unsigned char>(text[i]))) {
        return {};
      }
      while (i < text.size() && text[i] != '.') {
        auto c = static_cast<unsigned char>(text[i]);
        if (!(start_ok(c) || std::isdigit(c) || c == '$')) {
          return {};
        }
        part += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
        ++i;
      }
    }
    if (part.empty() || (sql && !identifier_problem(part).empty())) {
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

}  // namespace

std::vector<std::string> parse_sql_name(std::string_view text) { return split_name(text, true); }

std::string canonical_sql_name(std::string_view text, size_t max_parts) {
  std::vector<std::string> parts = parse_sql_name(text);
  if (parts.empty() || parts.size() > max_parts) {
    throw Error("`" + std::string(text) + "` is not a name" + (max_parts > 1 ? " (optionally schema-qualified)" : "") +
                ": write it as SQL would, e.g. text_pattern_ops, public.gin_trgm_ops or \"My Ops\"");
  }
  std::string out;
  for (const auto& part : parts) {
    out += (out.empty() ? "" : ".") + quote_ident_if_needed(part);
  }
  return out;
}

std::string do_block(std::string_view body) { return "DO " + dollar_quote(body); }

std::string qualified(const QualifiedName& name) { return quote_ident(name.schema) + "." + quote_ident(name.name); }

std::string QualifiedName::sql() const { return qualified(*this); }

std::vector<std::string> split_qualified(std::string_view text) { return split_name(text, false); }

std::string type_sql(std::string_view canonical_type) {
  std::string_view type = canonical_type;
  std::string suffix = strip_array_suffix(type);
  if (is_builtin_type(type)) {
    // Built-in names, typmods and "char" only: nothing that could end the type or start a comment.
    bool plain = canonical_type.find("--") == std::string_view::npos && canonical_type.find("/*") == std::string_view::npos;
    for (char ch : canonical_type) {
      auto c = static_cast<unsigned char>(ch);
      plain = plain && (std::isalnum(c) || c == ' ' || c == '_' || c == '(' || c == ')' || c == ',' || c == '[' ||
                        c == ']' || c == '"' || c == '-');
    }
    if (!plain) {
      throw Error("malformed type name \"" + std::string(canonical_type) + "\"");
    }
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
  // Type modifiers are numbers or plain words (geometry(Point,4326)); anything else is not a type.
  for (size_t i = 1; i + 1 < typmods.size(); ++i) {
    auto c = static_cast<unsigned char>(typmods[i]);
    bool comment = typmods.compare(i, 2, "--") == 0;
    if (comment || !(std::isalnum(c) || c == '_' || c == ',' || c == '.' || c == '+' || c == '-' || c == ' ')) {
      throw Error("malformed type name \"" + std::string(canonical_type) + "\"");
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
