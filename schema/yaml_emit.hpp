// Internal to schema/: a small YAML document tree and its deterministic emitter. Maps keep their
// insertion order; short maps and lists go on one line in flow style, the rest in block style.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace pgshift::schema::yaml_detail {

class YamlNode {
 public:
  enum class Kind { scalar, list, map };

  static YamlNode string(std::string text) { return YamlNode(Kind::scalar, std::move(text), false); }
  // Written without quotes: numbers and booleans.
  static YamlNode raw(std::string text) { return YamlNode(Kind::scalar, std::move(text), true); }
  static YamlNode boolean(bool value) { return raw(value ? "true" : "false"); }
  static YamlNode integer(int64_t value) { return raw(std::to_string(value)); }
  // `block`: always written in block style (a table's columns, ...).
  static YamlNode list(bool block = false) {
    YamlNode out(Kind::list, "", false);
    out.m_block = block;
    return out;
  }
  static YamlNode strings(const std::vector<std::string>& items);
  // `block`: always written in block style (top-level structure, tables, ...).
  // `collection`: a map of named definitions: block style as soon as one definition is a map.
  static YamlNode map(bool block = false, bool collection = false);

  // A block map built only when emitted and freed right after (a table of a large schema): the
  // whole document is never held as a tree at once.
  static YamlNode deferred(std::function<YamlNode()> build);

  YamlNode& add(std::string key, YamlNode value);  // map entry, returns the map
  YamlNode& push(YamlNode item);                   // list item, returns the list
  bool empty() const { return m_entries.empty() && m_items.empty() && !m_build; }
  Kind kind() const { return m_kind; }

  // The document text, ending in a newline.
  std::string emit() const;
  // The same, written to `out` as it goes (after each deferred subtree), never held whole.
  void emit(std::ostream& out) const;

 private:
  YamlNode(Kind kind, std::string text, bool raw) : m_kind(kind), m_text(std::move(text)), m_raw(raw) {}
  bool flowable() const;
  std::string flow() const;
  void emit_block(std::string& out, int indent) const;
  void emit_value(std::string& out, int indent, size_t prefix) const;

  Kind m_kind;
  std::string m_text;
  bool m_raw = false;
  bool m_block = false;
  bool m_collection = false;
  std::vector<std::pair<std::string, YamlNode>> m_entries;
  std::vector<YamlNode> m_items;
  std::function<YamlNode()> m_build;  // deferred: a block map made on demand
};

// A scalar as YAML text: plain when that reads back as the same string, else double-quoted.
std::string yaml_quote(const std::string& text);

}  // namespace pgshift::schema::yaml_detail
