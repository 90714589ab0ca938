// This file implements the injection cases (injection.hpp): the JSON Schema walk over the skeleton
// documents, and the payloads.
#include "injection.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace pgshift::test {

namespace {

using nlohmann::json;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path);
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const json& json_schema() {
  static const json schema = json::parse(read_file(std::string(PGSHIFT_SOURCE_DIR) + "/docs/schema.json"));
  return schema;
}

// "#/$defs/x" -> the node; the pointer of a resolved node is its $defs pointer.
std::pair<const json*, std::string> resolve(const json* s, std::string pointer) {
  for (int depth = 0; s->is_object() && s->contains("$ref") && depth < 16; ++depth) {
    std::string ref = (*s)["$ref"].get<std::string>();
    pointer = ref;
    s = &json_schema().at(json::json_pointer(ref.substr(1)));
  }
  return {s, pointer};
}

std::vector<std::string> types_of(const json& s) {
  std::vector<std::string> out;
  if (!s.contains("type")) {
    return out;
  }
  if (s["type"].is_string()) {
    out.push_back(s["type"].get<std::string>());
  } else {
    for (const auto& t : s["type"]) out.push_back(t.get<std::string>());
  }
  return out;
}

bool has(const std::vector<std::string>& types, const char* t) {
  for (const auto& x : types) {
    if (x == t) return true;
  }
  return false;
}

std::string describe(const std::vector<PathStep>& path) {
  std::string out;
  for (const auto& s : path) {
    if (s.kind == PathStep::index) out += "[" + std::to_string(s.at) + "]";
    else if (s.kind == PathStep::key) out += (out.empty() ? "" : ".") + s.name;
    else out += (out.empty() ? "" : ".") + ("<key " + s.name + ">");
  }
  return out;
}

// A map with one key renamed, order kept.
YAML::Node renamed(const YAML::Node& map, const std::string& from, const std::string& to) {
  YAML::Node out(YAML::NodeType::Map);
  for (auto it = map.begin(); it != map.end(); ++it) {
    std::string k = it->first.Scalar();
    out[k == from ? to : k] = it->second;
  }
  return out;
}

// Puts `value` at `path` in `doc` (in place: yaml-cpp nodes are references).
void set_value(YAML::Node& doc, const std::vector<PathStep>& path, const std::string& value) {
  std::vector<YAML::Node> chain{doc};
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    YAML::Node here = chain.back();
    const PathStep& s = path[i];
    chain.push_back(s.kind == PathStep::index ? here[s.at] : here[s.name]);
  }
  YAML::Node parent = chain.back();
  const PathStep& last = path.back();
  if (last.kind == PathStep::key) {
    parent[last.name] = value;
  } else if (last.kind == PathStep::index) {
    if (parent.size() > last.at) parent[last.at] = value;
    else parent.push_back(value);
  } else {
    YAML::Node replacement = renamed(parent, last.name, value);
    if (chain.size() == 1) {
      doc = replacement;
    } else {
      YAML::Node grand = chain[chain.size() - 2];
      const PathStep& up = path[path.size() - 2];
      if (up.kind == PathStep::index) grand[up.at] = replacement;
      else grand[up.name] = replacement;
    }
  }
}

std::string emit(const YAML::Node& doc) {
  YAML::Emitter out;
  out.SetStringFormat(YAML::DoubleQuoted);
  out << doc;
  if (!out.good()) {
    throw std::runtime_error("YAML cannot hold this value: " + out.GetLastError());
  }
  return out.c_str();
}

// The scalar at `path` (for a rename: the renamed key, if present), or nullopt.
std::optional<std::string> value_at(YAML::Node doc, const std::vector<PathStep>& path) {
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const PathStep& s = path[i];
    doc.reset(s.kind == PathStep::index ? doc[s.at] : doc[s.name]);
    if (!doc) return std::nullopt;
  }
  const PathStep& last = path.back();
  if (last.kind == PathStep::rename) {
    return std::nullopt;
  }
  YAML::Node n = last.kind == PathStep::index ? doc[last.at] : doc[last.name];
  return n && n.IsScalar() ? std::optional<std::string>(n.Scalar()) : std::nullopt;
}

std::string with_value(const YAML::Node& root, const std::vector<PathStep>& path, const std::string& value) {
  YAML::Node doc = YAML::Clone(root);
  set_value(doc, path, value);
  std::string text = emit(doc);
  // The emitter may rewrite what YAML cannot carry (invalid UTF-8): then this is not the payload.
  YAML::Node back = YAML::Load(text);
  bool carried = path.back().kind == PathStep::rename ? text.find(value) != std::string::npos || value.find('\0') != std::string::npos
                                                        : value_at(back, path) == value;
  if (!carried) {
    throw std::runtime_error("YAML does not carry this value here");
  }
  return text;
}

std::map<std::string, YAML::Node>& skeleton_roots() {
  static std::map<std::string, YAML::Node> roots;
  return roots;
}

struct Walker {
  std::string skeleton;
  YAML::Node root;
  std::vector<InjectionSlot>& slots;
  std::set<std::string>& covered;

  void slot(const std::vector<PathStep>& path, const std::string& pointer) {
    covered.insert(pointer);
    YAML::Node doc = root;
    std::string original;
    if (path.back().kind == PathStep::rename) {
      original = path.back().name;
    } else {
      try {
        YAML::Node n = YAML::Clone(root);
        for (const auto& s : path) {
          n.reset(s.kind == PathStep::index ? (n.IsSequence() && n.size() > s.at ? n[s.at] : YAML::Node()) : n[s.name]);
        }
        if (n && n.IsScalar()) original = n.Scalar();
      } catch (const std::exception&) {
      }
    }
    slots.push_back(InjectionSlot{skeleton, describe(path), pointer, path, original,
                                  [doc, path](const std::string& v) { return with_value(doc, path, v); }});
  }

  void walk(const json* s, std::string pointer, const YAML::Node* node, std::vector<PathStep> path, int depth = 0) {
    if (depth > 40) return;
    std::tie(s, pointer) = resolve(s, pointer);
    bool absent = node == nullptr || node->IsNull();
    for (const char* key : {"oneOf", "anyOf"}) {
      if (!s->contains(key)) continue;
      for (size_t i = 0; i < (*s)[key].size(); ++i) {
        auto [v, vp] = resolve(&(*s)[key][i], pointer + "/" + key + "/" + std::to_string(i));
        std::vector<std::string> t = types_of(*v);
        bool fits = (absent && has(t, "string")) || (node != nullptr && node->IsMap() && has(t, "object")) ||
                    (node != nullptr && node->IsSequence() && has(t, "array")) ||
                    (node != nullptr && node->IsScalar() && (has(t, "string") || has(t, "number") || has(t, "integer") || has(t, "boolean"))) ||
                    t.empty();
        if (fits) walk(v, vp, node, path, depth + 1);
      }
    }
    std::vector<std::string> types = types_of(*s);
    if (has(types, "string") && (absent || node->IsScalar()) && !path.empty()) {
      slot(path, pointer);
    }
    if (has(types, "object") && node != nullptr && node->IsMap()) {
      std::set<std::string> known;
      if (s->contains("properties")) {
        for (auto it = (*s)["properties"].begin(); it != (*s)["properties"].end(); ++it) {
          known.insert(it.key());
          std::vector<PathStep> child = path;
          child.push_back({PathStep::key, it.key()});
          YAML::Node value = (*node)[it.key()];
          walk(&it.value(), pointer + "/properties/" + it.key(), value ? &value : nullptr, child, depth + 1);
        }
      }
      if (s->contains("additionalProperties") && (*s)["additionalProperties"].is_object()) {
        for (auto it = node->begin(); it != node->end(); ++it) {
          std::string k = it->first.Scalar();
          if (known.count(k)) continue;
          std::vector<PathStep> key_path = path;
          key_path.push_back({PathStep::rename, k});
          slot(key_path, pointer + "/additionalProperties/<key>");
          std::vector<PathStep> child = path;
          child.push_back({PathStep::key, k});
          YAML::Node value = it->second;
          walk(&(*s)["additionalProperties"], pointer + "/additionalProperties", &value, child, depth + 1);
        }
      }
    }
    if (has(types, "array") && node != nullptr && node->IsSequence() && s->contains("items")) {
      for (size_t i = 0; i < std::max<size_t>(node->size(), 1); ++i) {
        std::vector<PathStep> child = path;
        child.push_back({PathStep::index, "", i});
        YAML::Node item = node->size() > i ? (*node)[i] : YAML::Node();
        walk(&(*s)["items"], pointer + "/items", node->size() > i ? &item : nullptr, child, depth + 1);
      }
    }
  }
};

void collect_positions(const json* s, std::string pointer, std::set<std::string>& out, std::set<std::string>& seen) {
  std::tie(s, pointer) = resolve(s, pointer);
  if (!seen.insert(pointer).second) return;
  for (const char* key : {"oneOf", "anyOf"}) {
    if (!s->contains(key)) continue;
    for (size_t i = 0; i < (*s)[key].size(); ++i) {
      collect_positions(&(*s)[key][i], pointer + "/" + key + "/" + std::to_string(i), out, seen);
    }
  }
  if (has(types_of(*s), "string") && pointer != "#") out.insert(pointer);
  if (s->contains("properties")) {
    for (auto it = (*s)["properties"].begin(); it != (*s)["properties"].end(); ++it) {
      collect_positions(&it.value(), pointer + "/properties/" + it.key(), out, seen);
    }
  }
  if (s->contains("additionalProperties") && (*s)["additionalProperties"].is_object()) {
    out.insert(pointer + "/additionalProperties/<key>");
    collect_positions(&(*s)["additionalProperties"], pointer + "/additionalProperties", out, seen);
  }
  if (s->contains("items")) {
    collect_positions(&(*s)["items"], pointer + "/items", out, seen);
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> injection_skeletons() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* name : {"skeleton_a.yaml", "skeleton_b.yaml"}) {
    out.emplace_back(name, read_file(std::string(PGSHIFT_TESTS_DIR) + "/schema/data/injection/" + name));
  }
  return out;
}

std::string with_values(const std::string& skeleton,
                        const std::vector<std::pair<const InjectionSlot*, std::string>>& values) {
  YAML::Node doc = YAML::Clone(skeleton_roots().at(skeleton));
  std::vector<std::pair<const InjectionSlot*, std::string>> renames;
  for (const auto& v : values) {
    if (v.first->steps.back().kind == PathStep::rename) renames.push_back(v);
    else set_value(doc, v.first->steps, v.second);
  }
  std::stable_sort(renames.begin(), renames.end(),
                   [](const auto& a, const auto& b) { return a.first->steps.size() > b.first->steps.size(); });
  for (const auto& v : renames) set_value(doc, v.first->steps, v.second);
  return emit(doc);
}

std::vector<InjectionSlot> injection_slots(std::set<std::string>& covered) {
  std::vector<InjectionSlot> slots;
  for (const auto& [name, text] : injection_skeletons()) {
    YAML::Node root = YAML::Load(text);
    skeleton_roots()[name] = root;
    Walker w{name, root, slots, covered};
    w.walk(&json_schema(), "#", &root, {});
  }
  return slots;
}

std::set<std::string> string_positions() {
  std::set<std::string> out, seen;
  collect_positions(&json_schema(), "#", out, seen);
  return out;
}

std::vector<InjectionPayload> injection_payloads(int variant) {
  const std::string x = "x" + std::to_string(variant);
  const std::string role = std::string(" CREATE ROLE ") + k_injection_marker + ";";
  std::vector<InjectionPayload> out = {
      {"identifier break", x + "\";" + role + " --"},
      {"literal break", x + "');" + role + " --"},
      {"parenthesis break", x + ") ;" + role + " --"},
      {"dollar-quote break", x + " $$;" + role + " $$"},
      {"pgshift's own dollar tag", x + " $pgshift$;" + role + " $pgshift$"},
      {"block comment", x + " */;" + role + " /*"},
      {"line comment", x + " --\n;" + role},
      {"backslash escape", x + "\\');" + role + " --"},
      {"unicode escape", x + "' || U&'\\0027');" + role + " --"},
      {"newline", x + "\n;" + role + "\n--"},
      {"NUL byte", x + std::string(1, '\0') + ";" + role + " --"},
      {"invalid UTF-8", x + "\xC3\x28;" + role + " --"},
      {"very long value", std::string(100000, 'a') + x + "';" + role + " --"},
  };
  return out;
}

}  // namespace pgshift::test
