// This file implements the YAML reader's helpers: locations, diagnostics, node shapes, scalars,
// and the SQL fragments (expressions, queries, types) with errors pointing into the scalar.
#include <charconv>

#include <algorithm>

#include "schema/sql_text.hpp"
#include "schema/yaml_reader.hpp"
#include "util/strings.hpp"

namespace pgshift::schema::yaml_detail {

namespace {

std::string describe(std::string_view text) { return "`" + std::string(text) + "`"; }

// The column (0-based) at which `cursor` (1-based in a single-line scalar's value) sits, or nullopt
// when the scalar's text in the source is not its value verbatim (escapes, folding).
std::optional<int> scalar_column(const std::string& line, int column, const std::string& value, int cursor) {
  if (value.find('\n') != std::string::npos || column < 0 || static_cast<size_t>(column) >= line.size()) {
    return std::nullopt;
  }
  if (line.compare(column, value.size(), value) == 0) {
    return column + cursor - 1;
  }
  char quote = line[column];
  if ((quote == '"' || quote == '\'') && line.compare(column + 1, value.size(), value) == 0) {
    return column + cursor;
  }
  return std::nullopt;
}

}  // namespace

std::optional<QualifiedName> parse_qualified(std::string_view text) {
  std::vector<std::string> parts = split_qualified(text);
  if (parts.size() == 1) {
    return QualifiedName{"", parts[0]};
  }
  if (parts.size() == 2) {
    return QualifiedName{parts[0], parts[1]};
  }
  return std::nullopt;
}

std::string public_type(const std::string& canonical_type) {
  return util::starts_with(canonical_type, "public.") ? canonical_type.substr(7) : canonical_type;
}

SourceLocation Reader::at(const YAML::Node& node, int column_offset) const {
  YAML::Mark mark = node.Mark();
  if (mark.line < 0) {
    return SourceLocation{m_file.name, 0, 0, ""};
  }
  std::string line = static_cast<size_t>(mark.line) < m_file.lines.size() ? m_file.lines[mark.line] : "";
  return SourceLocation{m_file.name, mark.line + 1, mark.column + 1 + column_offset, line};
}

SourceLocation Reader::at(const Field& field) const {
  if (field.value && !field.value.IsNull() && field.value.Mark().line >= 0) {
    return at(field.value);
  }
  return at(field.key);
}

void Reader::error(const SourceLocation& where, std::string message, std::string hint) {
  m_state.error(where, std::move(message), std::move(hint));
}

bool Reader::define(const std::string& key, const std::string& description, const SourceLocation& where) {
  auto [it, inserted] = m_state.origins.try_emplace(key, description, where);
  if (inserted) {
    return true;
  }
  const auto& [first_description, first] = it->second;
  std::string place = first.file + ":" + std::to_string(first.line) + ":" + std::to_string(first.column);
  if (first_description == description) {
    error(where, description + " is already defined at " + place);
  } else {
    error(where, description + ": the name is already used by " + first_description + " at " + place);
  }
  return false;
}

std::vector<Field> Reader::entries(const Field& field, std::string_view what) {
  if (!field.value || field.value.IsNull()) {
    return {};
  }
  if (!expect_map(field, describe(field.name))) {
    return {};
  }
  return fields(field.value, what, {});
}

std::string_view Reader::kind_name(const YAML::Node& node) const {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a string";
    default:
      return "nothing";
  }
}

bool Reader::expect_map(const Field& field, std::string_view what) {
  if (field.value.IsMap()) {
    return true;
  }
  error(at(field), std::string(what) + " must be a map, found " + std::string(kind_name(field.value)));
  return false;
}

bool Reader::expect_list(const Field& field, std::string_view what) {
  if (field.value.IsSequence()) {
    return true;
  }
  error(at(field), std::string(what) + " must be a list, found " + std::string(kind_name(field.value)));
  return false;
}

std::vector<Field> Reader::fields(const YAML::Node& map, std::string_view what, const std::vector<std::string>& allowed) {
  std::vector<Field> out;
  std::vector<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) {
      error(at(it->first), "a key in " + std::string(what) + " must be a string, found " +
                               std::string(kind_name(it->first)));
      continue;
    }
    std::string key = it->first.Scalar();
    if (allowed.empty() && !check_name(key, at(it->first), "the key of " + std::string(what))) {
      continue;  // a map keyed by names: each key is an object's name
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      if (it->second.IsNull() && std::count(key.begin(), key.end(), ')') > std::count(key.begin(), key.end(), '(')) {
        error(at(it->first), "unexpected " + describe(key) + " in " + std::string(what),
              "a comma inside {...} ends a value: quote a value that contains one, e.g. type: \"numeric(12,2)\"");
        continue;
      }
      std::string suggestion = util::nearest(key, allowed);
      std::string message = "unknown key " + describe(key) + " in " + std::string(what);
      if (!suggestion.empty()) {
        error(at(it->first), message + "; did you mean " + describe(suggestion) + "?");
      } else {
        error(at(it->first), message, "valid keys: " + util::join(allowed, ", "));
      }
      continue;
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      error(at(it->first), "duplicate key " + describe(key) + " in " + std::string(what));
      continue;
    }
    seen.push_back(key);
    out.push_back(Field{key, it->first, it->second});
    it = rejoin_split_value(map, it, out.back());
  }
  return out;
}

YAML::const_iterator Reader::rejoin_split_value(const YAML::Node& map, YAML::const_iterator it, Field& field) {
  auto balance = [](const std::string& text) {
    return std::count(text.begin(), text.end(), '(') - std::count(text.begin(), text.end(), ')');
  };
  YAML::Node value = it->second;
  if (!value.IsScalar() || value.Tag() != "?" || balance(value.Scalar()) <= 0 || value.Mark().line < 0) {
    return it;
  }
  const std::string& line = m_file.lines.at(value.Mark().line);
  auto depth = balance(value.Scalar());
  auto last = it, next = it;
  size_t end = 0;
  for (++next; next != map.end() && depth > 0; ++next) {
    YAML::Node key = next->first;
    bool continuation = key.IsScalar() && key.Tag() == "?" && next->second.IsNull() &&
                        key.Mark().line == value.Mark().line &&
                        line.compare(key.Mark().column, key.Scalar().size(), key.Scalar()) == 0;
    if (!continuation) {
      break;
    }
    depth += balance(key.Scalar());
    end = key.Mark().column + key.Scalar().size();
    last = next;
  }
  if (depth != 0 || last == it) {
    return it;
  }
  field.text = line.substr(value.Mark().column, end - value.Mark().column);
  return last;
}

std::optional<std::string> Reader::string_value(const Field& field) {
  if (field.value.IsScalar()) {
    std::string text = field.scalar();
    if (std::string problem = literal_problem(text); !problem.empty()) {
      error(at(field), describe(field.name) + " " + problem);
      return std::nullopt;
    }
    return text;
  }
  if (!field.value || field.value.IsNull()) {
    error(at(field), describe(field.name) + " needs a value");
  } else {
    error(at(field), describe(field.name) + " must be a string, found " + std::string(kind_name(field.value)));
  }
  return std::nullopt;
}

bool Reader::check_name(const std::string& name, const SourceLocation& where, std::string_view what) {
  std::string problem = identifier_problem(name);
  if (problem.empty()) {
    return true;
  }
  std::string shown = name.size() > 40 ? name.substr(0, 40) + "..." : name;
  if (!literal_problem(name).empty()) {
    shown.clear();  // do not echo a NUL or broken UTF-8 back
  }
  error(where, std::string(what) + (shown.empty() ? "" : " `" + shown + "`") + " is not a valid name: it " + problem,
        "names are written as they are in the database, without SQL quotes; any character but NUL is fine");
  return false;
}

std::optional<std::string> Reader::name_value(const Field& field) {
  std::optional<std::string> text = string_value(field);
  if (!text || !check_name(*text, at(field), describe(field.name))) {
    return std::nullopt;
  }
  return text;
}

std::vector<std::string> Reader::name_list(const Field& field) {
  std::vector<std::string> out;
  if (field.value.IsScalar()) {
    if (auto name = name_value(field)) {
      out.push_back(*name);
    }
    return out;
  }
  if (!field.value.IsSequence()) {
    error(at(field), describe(field.name) + " must be a list of names, found " + std::string(kind_name(field.value)));
    return out;
  }
  for (const Field& item : items(field)) {
    if (auto name = name_value(item)) {
      out.push_back(*name);
    }
  }
  return out;
}

std::optional<std::string> Reader::label_value(const Field& field) {
  std::optional<std::string> text = string_value(field);
  if (text && text->size() > 63) {
    error(at(field), describe(field.name) + " is " + std::to_string(text->size()) +
                         " bytes long; an enum label holds at most 63 bytes");
    return std::nullopt;
  }
  return text;
}

std::optional<QualifiedName> Reader::qualified_value(const Field& field, std::string_view what) {
  std::optional<std::string> text = string_value(field);
  if (!text) {
    return std::nullopt;
  }
  std::optional<QualifiedName> name = parse_qualified(*text);
  if (!name) {
    error(at(field), std::string(what) + ": malformed name `" + *text + "`",
          "write schema.name or name; double-quote a part that contains a dot");
    return std::nullopt;
  }
  if ((!name->schema.empty() && !check_name(name->schema, at(field), what)) || !check_name(name->name, at(field), what)) {
    return std::nullopt;
  }
  return name;
}

std::optional<std::string> Reader::collation(const Field& field) {
  std::optional<std::string> text = string_value(field);
  if (!text) {
    return std::nullopt;
  }
  std::optional<std::string> normal = normalize_collation(*text);
  if (!normal) {
    error(at(field), describe(field.name) + " `" + *text + "` is not a collation name",
          "write a collation as its name (C, en_US.utf8) or, in another schema, as \"schema\".\"name\"");
    return std::nullopt;
  }
  for (const auto& part : normal->front() == '"' ? parse_sql_name(*normal) : std::vector<std::string>{*normal}) {
    if (!check_name(part, at(field), describe(field.name))) {
      return std::nullopt;
    }
  }
  return normal;
}

std::optional<std::string> Reader::sql_name(const Field& field) {
  std::optional<std::string> text = string_value(field);
  if (!text) {
    return std::nullopt;
  }
  try {
    std::string name = canonical_sql_name(util::trim(*text));
    for (const char* prefix : {"pg_catalog.", "public."}) {
      if (util::starts_with(name, prefix)) {
        name = name.substr(std::string_view(prefix).size());
      }
    }
    return name;
  } catch (const Error& e) {
    error(at(field), describe(field.name) + ": " + e.message());
    return std::nullopt;
  }
}

std::optional<bool> Reader::bool_value(const Field& field) {
  bool out = false;
  if (field.value.IsScalar() && YAML::convert<bool>::decode(field.value, out)) {
    return out;
  }
  std::string found = field.value.IsScalar() ? describe(field.value.Scalar()) : std::string(kind_name(field.value));
  error(at(field), describe(field.name) + " must be true or false, found " + found);
  return std::nullopt;
}

std::optional<int64_t> Reader::int_value(const Field& field) {
  if (field.value.IsScalar()) {
    const std::string& text = field.value.Scalar();
    int64_t out = 0;
    const char* begin = text.data() + (util::starts_with(text, "+") ? 1 : 0);
    auto [end, ec] = std::from_chars(begin, text.data() + text.size(), out);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
      return out;
    }
  }
  std::string found = field.value.IsScalar() ? describe(field.value.Scalar()) : std::string(kind_name(field.value));
  error(at(field), describe(field.name) + " must be an integer, found " + found);
  return std::nullopt;
}

std::vector<std::string> Reader::string_list(const Field& field) {
  std::vector<std::string> out;
  if (field.value.IsScalar()) {
    if (auto text = string_value(field)) {
      out.push_back(*text);
    }
    return out;
  }
  if (!field.value.IsSequence()) {
    error(at(field), describe(field.name) + " must be a list of strings, found " + std::string(kind_name(field.value)));
    return out;
  }
  for (const Field& item : items(field)) {
    if (auto s = string_value(item)) {
      out.push_back(*s);
    }
  }
  return out;
}

std::vector<Field> Reader::items(const Field& list) {
  std::vector<Field> out;
  size_t i = 0;
  for (const auto& item : list.value) {
    out.push_back(Field{list.name + "[" + std::to_string(i++) + "]", item, item});
  }
  return out;
}

void Reader::sql_error(const Field& field, std::string_view what, const SqlParseError& e) {
  SourceLocation where = at(field);
  YAML::Mark mark = field.value.Mark();
  if (e.cursor() > 0 && field.value.IsScalar() && mark.line >= 0) {
    const std::string value = field.scalar();
    const std::string& line = where.source_line;
    if (auto column = scalar_column(line, mark.column, value, e.cursor())) {
      where.column = *column + 1;
    } else if (mark.column < static_cast<int>(line.size()) && line[mark.column] == '|') {
      // A literal block: the value's lines are the source lines after the indicator, indented.
      std::string before = value.substr(0, std::min<size_t>(value.size(), e.cursor() - 1));
      size_t newlines = std::count(before.begin(), before.end(), '\n');
      size_t row = mark.line + 1 + newlines;
      if (row < m_file.lines.size()) {
        const std::string& text = m_file.lines[row];
        size_t indent = text.find_first_not_of(' ');
        size_t in_line = before.size() - (newlines > 0 ? before.rfind('\n') + 1 : 0);
        where = SourceLocation{m_file.name, static_cast<int>(row) + 1,
                               static_cast<int>((indent == std::string::npos ? 0 : indent) + in_line) + 1, text};
      }
    }
  }
  std::string hint;
  if (field.value.IsScalar()) {
    // `type: numeric(12,2)` in a flow map reads as `numeric(12` followed by a key `2)`.
    const std::string text = field.scalar();
    bool unbalanced = std::count(text.begin(), text.end(), '(') > std::count(text.begin(), text.end(), ')');
    if (unbalanced && at(field).source_line.find(text + ",") != std::string::npos) {
      hint = "a comma inside {...} ends a value: quote a value that contains one, e.g. type: \"numeric(12,2)\"";
    }
  }
  error(where, std::string(what) + ": " + e.what(), hint);
}

std::optional<Expr> Reader::expr(const Field& field, std::string_view what, const ExprOptions& options) {
  std::optional<std::string> text = string_value(field);
  if (!text) {
    return std::nullopt;
  }
  try {
    return make_expr(*text, options);
  } catch (const SqlParseError& e) {
    sql_error(field, what, e);
    return std::nullopt;
  }
}

std::optional<Expr> Reader::query(const Field& field, std::string_view what) {
  std::optional<std::string> text = string_value(field);
  if (!text) {
    return std::nullopt;
  }
  try {
    return make_query(*text);
  } catch (const SqlParseError& e) {
    sql_error(field, what, e);
    return std::nullopt;
  }
}

std::optional<std::string> Reader::one_of(const Field& field, const std::vector<std::string>& allowed) {
  std::optional<std::string> text = string_value(field);
  if (!text) {
    return std::nullopt;
  }
  std::string value = util::to_lower(util::trim(*text));
  std::replace(value.begin(), value.end(), '_', ' ');
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
    return value;
  }
  error(at(field), describe(field.name) + " must be one of " + util::join(allowed, ", ") + "; found " + describe(*text));
  return std::nullopt;
}

std::optional<std::string> Reader::type(const Field& field, std::string_view what, const std::string& schema,
                                        TypeSlot slot) {
  std::optional<std::string> text = string_value(field);
  if (!text) {
    return std::nullopt;
  }
  try {
    std::string canonical = public_type(canonical_type(*text));
    SourceLocation where = at(field);
    std::string context(what);
    m_state.checks.push_back([=](LoadState& state) {
      std::optional<std::string> resolved = check_type(state, where, canonical, schema, context);
      if (resolved && *resolved != canonical && slot) {
        if (std::string* target = slot(state.db)) {
          *target = *resolved;
        }
      }
    });
    return canonical;
  } catch (const SqlParseError& e) {
    sql_error(field, what, e);
    return std::nullopt;
  }
}

}  // namespace pgshift::schema::yaml_detail
