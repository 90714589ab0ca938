// This file implements load_schema: it reads each file's top level and schemas (the object kinds
// are read in yaml_read_table.cpp and yaml_read_objects.cpp), runs the whole-model checks, and
// throws every diagnostic at once.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "schema/yaml_io.hpp"
#include "schema/yaml_reader.hpp"
#include "util/strings.hpp"

namespace pgshift::schema {

namespace yaml_detail {

namespace {

const std::vector<std::string> k_top_keys = {"extensions", "schemas", "roles", "default_privileges"};
const std::vector<std::string> k_schema_keys = {"comment", "enums", "domains", "types", "sequences",
                                                "tables",  "views", "functions", "aggregates", "grants"};
const std::vector<std::string> k_extension_keys = {"name", "schema", "version"};
const std::vector<std::string> k_grant_keys = {"role", "privileges", "columns", "with_grant_option"};
const std::vector<std::string> k_default_privilege_keys = {"owner", "schema", "object_type", "role", "privileges",
                                                           "with_grant_option"};
const std::vector<std::string> k_privileges = {"SELECT", "INSERT",  "UPDATE",    "DELETE",  "TRUNCATE", "REFERENCES",
                                               "TRIGGER", "USAGE",  "CREATE",    "EXECUTE", "TEMPORARY", "CONNECT",
                                               "ALL",    "MAINTAIN"};

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines = util::split(text, '\n');
  for (auto& line : lines) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
  }
  return lines;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

}  // namespace

void Reader::read_document(const YAML::Node& root) {
  if (!root || root.IsNull()) {
    return;
  }
  if (!root.IsMap()) {
    error(at(root), "the top level must be a map with `schemas`, found " + std::string(kind_name(root)));
    return;
  }
  for (const Field& f : fields(root, "the top level", k_top_keys)) {
    if (f.name == "extensions") {
      read_extensions(f);
    } else if (f.name == "schemas") {
      for (const Field& s : entries(f, "schemas")) {
        read_schema(s);
      }
    } else if (f.name == "roles") {
      for (const auto& role : name_list(f)) {
        m_state.db.managed_roles.push_back(role);
      }
    } else if (f.name == "default_privileges") {
      read_default_privileges(f);
    }
  }
}

void Reader::read_schema(const Field& field) {
  Schema& schema = m_state.db.schemas[field.name];
  schema.name = field.name;
  if (!field.value || field.value.IsNull() || !expect_map(field, "schema `" + field.name + "`")) {
    return;
  }
  std::string what = "schema `" + field.name + "`";
  for (const Field& f : fields(field.value, what, k_schema_keys)) {
    if (f.name == "comment") {
      if (define("comment:" + field.name, "the comment of schema " + field.name, at(f.key))) {
        schema.comment = string_value(f);
      }
    } else if (f.name == "grants") {
      if (define("grants:" + field.name, "the grants of schema " + field.name, at(f.key))) {
        schema.grants = grants(f, "a schema");
      }
    } else {
      for (const Field& e : entries(f, f.name)) {
        if (f.name == "enums") read_enum(schema, e);
        else if (f.name == "domains") read_domain(schema, e);
        else if (f.name == "types") read_composite(schema, e);
        else if (f.name == "sequences") read_sequence(schema, e);
        else if (f.name == "tables") read_table(schema, e);
        else if (f.name == "views") read_view(schema, e);
        else if (f.name == "functions") read_functions(schema, e);
        else if (f.name == "aggregates") read_aggregates(schema, e);
      }
    }
  }
}

void Reader::read_extensions(const Field& field) {
  auto add = [&](const std::string& name, const YAML::Node& key, const YAML::Node& spec) {
    if (!check_name(name, at(key), "the extension name")) {
      return;
    }
    Extension ext{name, std::nullopt, std::nullopt, std::nullopt};
    if (spec && spec.IsMap()) {
      for (const Field& f : fields(spec, "extension", k_extension_keys)) {
        if (f.name == "schema") ext.schema = name_value(f);
        if (f.name == "version") ext.version = string_value(f);
      }
    } else if (spec && !spec.IsNull() && !spec.IsScalar()) {
      error(at(spec), "extension `" + name + "` must be a map, found " + std::string(kind_name(spec)));
    }
    if (define("ext:" + name, "extension " + name, at(key))) {
      m_state.db.extensions[name] = ext;
    }
  };
  if (field.value.IsMap()) {
    for (const Field& e : fields(field.value, "extensions", {})) {
      add(e.name, e.key, e.value);
    }
    return;
  }
  if (!expect_list(field, "`extensions`")) {
    return;
  }
  for (const Field& item : items(field)) {
    if (item.value.IsMap()) {
      YAML::Node name = item.value["name"];
      if (!name || !name.IsScalar()) {
        error(at(item), "extension without `name`");
        continue;
      }
      add(name.Scalar(), name, item.value);
    } else if (auto name = string_value(item)) {
      add(*name, item.value, YAML::Node());
    }
  }
}

std::vector<Grant> Reader::grants(const Field& field, std::string_view on) {
  std::vector<Grant> out;
  if (!expect_list(field, "`" + field.name + "`")) {
    return out;
  }
  for (const Field& item : items(field)) {
    if (!expect_map(item, "a grant")) {
      continue;
    }
    Grant g;
    bool has_role = false, has_privileges = false;
    for (const Field& f : fields(item.value, "grant", k_grant_keys)) {
      if (f.name == "role") {
        has_role = true;
        g.role = name_value(f).value_or("");
      } else if (f.name == "privileges") {
        has_privileges = true;
        for (const auto& entry : string_list(f)) {
          for (const auto& part : util::split(entry, ',')) {
            std::string privilege = upper(util::trim(part));
            if (std::find(k_privileges.begin(), k_privileges.end(), privilege) == k_privileges.end() &&
                privilege != "ALL PRIVILEGES") {
              std::string near = util::nearest(privilege, k_privileges);
              error(at(f), "unknown privilege `" + privilege + "`" + (near.empty() ? "" : "; did you mean `" + near + "`?"));
            }
            g.privileges.push_back(privilege);
          }
        }
      } else if (f.name == "columns") {
        g.columns = name_list(f);
        if (!g.columns.empty() && !on.empty()) {
          error(at(f), "`columns` of a grant on " + std::string(on) + ": only tables and views have column privileges");
        }
      } else if (f.name == "with_grant_option") {
        g.with_grant_option = bool_value(f).value_or(false);
      }
    }
    for (const auto& p : g.columns.empty() ? std::vector<std::string>{} : g.privileges) {
      if (p != "SELECT" && p != "INSERT" && p != "UPDATE" && p != "REFERENCES" && p != "ALL" && p != "ALL PRIVILEGES") {
        error(at(item), "a grant with `columns` takes SELECT, INSERT, UPDATE or REFERENCES only; found " + p);
      }
    }
    if (!has_role || !has_privileges) {
      error(at(item), std::string("a grant needs `") + (has_role ? "privileges" : "role") + "`");
      continue;
    }
    out.push_back(g);
  }
  return out;
}

void Reader::read_default_privileges(const Field& field) {
  if (!expect_list(field, "`default_privileges`")) {
    return;
  }
  static const std::vector<std::string> object_types = {"tables", "sequences", "functions", "types", "schemas"};
  for (const Field& item : items(field)) {
    if (!expect_map(item, "a default privilege")) {
      continue;
    }
    DefaultPrivilege d;
    YAML::Node grant_node(YAML::NodeType::Map);
    for (const Field& f : fields(item.value, "default privilege", k_default_privilege_keys)) {
      if (f.name == "owner") d.owner = name_value(f).value_or("");
      else if (f.name == "schema") d.schema = name_value(f).value_or("");
      else if (f.name == "object_type") d.object_type = one_of(f, object_types).value_or("tables");
      else grant_node[f.name] = f.value;
    }
    if (d.object_type.empty()) {
      error(at(item), "a default privilege needs `object_type`");
      continue;
    }
    YAML::Node list(YAML::NodeType::Sequence);
    list.push_back(grant_node);
    std::vector<Grant> g = grants(Field{"default_privileges", item.key, list}, "default privileges");
    if (!g.empty()) {
      d.grant = g[0];
      m_state.db.default_privileges.push_back(d);
    }
  }
}

}  // namespace yaml_detail

namespace {

using yaml_detail::LoadState;
using yaml_detail::SourceFile;

void read_file(const SourceFile& file, std::string_view text, LoadState& state) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    int line = e.mark.line >= 0 ? e.mark.line : -1;
    std::string source = line >= 0 && static_cast<size_t>(line) < file.lines.size() ? file.lines[line] : "";
    state.error(SourceLocation{file.name, line + 1, e.mark.column >= 0 ? e.mark.column + 1 : 0, source},
                "invalid YAML: " + e.msg);
    return;
  }
  yaml_detail::Reader(file, state).read_document(root);
}

Database finish(LoadState& state, std::vector<std::unique_ptr<SourceFile>>& /*kept alive for the checks*/) {
  yaml_detail::validate(state);
  if (!state.diagnostics.empty()) {
    std::stable_sort(state.diagnostics.begin(), state.diagnostics.end(), [](const Error& a, const Error& b) {
      return std::tie(a.where()->file, a.where()->line, a.where()->column) <
             std::tie(b.where()->file, b.where()->line, b.where()->column);
    });
    throw SchemaErrors(std::move(state.diagnostics));
  }
  normalize(state.db);
  return std::move(state.db);
}

}  // namespace

SchemaErrors::SchemaErrors(std::vector<Error> diagnostics)
    : Error(render_all(diagnostics)), m_diagnostics(std::move(diagnostics)) {}

std::string SchemaErrors::render_all(const std::vector<Error>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    out += (out.empty() ? "" : "\n") + d.render();
  }
  if (diagnostics.size() > 1) {
    out += "\n" + std::to_string(diagnostics.size()) + " errors";
  }
  return out;
}

Database load_schema_text(std::string_view yaml, const std::string& file_name) {
  LoadState state;
  std::vector<std::unique_ptr<SourceFile>> files;
  files.push_back(std::make_unique<SourceFile>(SourceFile{file_name, yaml_detail::split_lines(yaml)}));
  read_file(*files.back(), yaml, state);
  return finish(state, files);
}

Database load_schema(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::vector<fs::path> paths;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
      std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) {
        paths.push_back(entry.path());
      }
    }
    std::sort(paths.begin(), paths.end());
    if (paths.empty()) {
      throw Error("no *.yaml or *.yml files in " + path.string());
    }
  } else {
    paths.push_back(path);
  }
  LoadState state;
  std::vector<std::unique_ptr<SourceFile>> files;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      throw Error("cannot read " + p.string());
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    files.push_back(std::make_unique<SourceFile>(SourceFile{p.string(), yaml_detail::split_lines(text)}));
    read_file(*files.back(), text, state);
  }
  return finish(state, files);
}

}  // namespace pgshift::schema
