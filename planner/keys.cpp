// This file implements the graph keys (keys.hpp).
#include "planner/keys.hpp"

#include "util/strings.hpp"

namespace pgshift::planner::keys {

std::string schema(const std::string& name) { return "schema:" + name; }
std::string extension(const std::string& name) { return "extension:" + name; }
std::string type(const QualifiedName& name) { return "type:" + name.display(); }
std::string sequence(const QualifiedName& name) { return "sequence:" + name.display(); }
std::string table(const QualifiedName& name) { return "table:" + name.display(); }
std::string column(const QualifiedName& table, const std::string& column) { return "column:" + table.display() + "." + column; }
std::string columns_of(const QualifiedName& table) { return "columns_of:" + table.display(); }
std::string key(const QualifiedName& table, const std::vector<std::string>& columns) {
  return "key:" + table.display() + "(" + util::join(columns, ",") + ")";
}
std::string constraint(const QualifiedName& table, const std::string& name) { return "constraint:" + table.display() + "." + name; }
std::string index(const std::string& schema, const std::string& name) { return "index:" + schema + "." + name; }
std::string index_only(const std::string& schema, const std::string& name) { return "index_only:" + schema + "." + name; }
std::string partition_index(const std::string& schema, const std::string& name) {
  return "partition_index:" + schema + "." + name;
}
std::string view(const QualifiedName& name) { return "view:" + name.display(); }
std::string function(const std::string& schema, const std::string& signature) { return "function:" + schema + "." + signature; }
std::string routine(const std::string& schema, const std::string& name) { return "routine:" + schema + "." + name; }
std::string trigger(const QualifiedName& table, const std::string& name) { return "trigger:" + table.display() + "." + name; }
std::string policy(const QualifiedName& table, const std::string& name) { return "policy:" + table.display() + "." + name; }
std::string filled(const QualifiedName& table, const std::string& column) { return "filled:" + table.display() + "." + column; }
std::string shadow_ready(const QualifiedName& table, const std::string& column) {
  return "shadow_ready:" + table.display() + "." + column;
}
std::string switched(const QualifiedName& table, const std::string& column) { return "switched:" + table.display() + "." + column; }
std::string not_null(const QualifiedName& table, const std::string& column) { return "not_null:" + table.display() + "." + column; }
std::string enum_label(const QualifiedName& type, const std::string& label) { return "enum_label:" + type.display() + "." + label; }
std::string version_views(const QualifiedName& table) { return "version_views:" + table.display(); }

std::string of(const schema::ObjectRef& r) {
  QualifiedName qn{r.schema, r.name};
  if (r.kind == "schema") return schema(r.schema);
  if (r.kind == "extension") return extension(r.name);
  if (r.kind == "type") return type(qn);
  if (r.kind == "table") return table(qn);
  if (r.kind == "column") return column(qn, r.sub);
  if (r.kind == "view") return view(qn);
  if (r.kind == "sequence") return sequence(qn);
  if (r.kind == "index") return index(r.schema, r.name);
  if (r.kind == "function") return function(r.schema, r.name);
  if (r.kind == "constraint") return constraint(qn, r.sub);
  if (r.kind == "trigger") return trigger(qn, r.sub);
  if (r.kind == "policy") return policy(qn, r.sub);
  return "";
}

std::string relation_name(const std::string& key) {
  for (const char* kind : {"table:", "view:", "sequence:", "index:", "type:"}) {
    if (util::starts_with(key, kind)) return "relation_name:" + key.substr(std::string(kind).size());
  }
  return "";
}

}  // namespace pgshift::planner::keys
