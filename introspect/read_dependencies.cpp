// This file implements read_dependencies: PostgreSQL's own dependency records (pg_depend) between the
// objects introspect read, named as the model names them (queries/dependencies.sql). The planner orders
// drops and changes of the current database, and creates of the desired one, by them.
#include <algorithm>

#include "introspect/catalog.hpp"

namespace pgshift::introspect {
namespace {

// The named side of a row; nullopt when it is a routine introspect did not read (an aggregate, or a
// function of a schema left out), which no step of the plan creates or drops.
std::optional<schema::ObjectRef> object(Catalog& cat, const pqxx::row& row, const std::string& prefix) {
  schema::ObjectRef ref;
  ref.kind = text(row[prefix + "_kind"]);
  ref.schema = text(row[prefix + "_schema"]);
  ref.name = text(row[prefix + "_name"]);
  ref.sub = opt_text(row[prefix + "_sub"]).value_or("");
  if (ref.kind == "function") {
    auto it = cat.functions.find(row[prefix + "_fn"].as<uint32_t>());
    if (it == cat.functions.end()) return std::nullopt;
    ref.name = it->second->key();
  }
  return ref;
}

}  // namespace

void read_dependencies(Catalog& cat) {
  std::vector<schema::Dependency>& out = cat.db.dependencies;
  for (const auto& row : cat.query("dependencies")) {
    auto dependent = object(cat, row, "dep");
    auto referenced = object(cat, row, "ref");
    if (!dependent || !referenced || *dependent == *referenced) continue;
    // OWNED BY (a serial's or an identity's sequence on its column) is set after both exist: not an order
    if (dependent->kind == "sequence" && (referenced->kind == "column" || referenced->kind == "table")) continue;
    out.push_back({std::move(*dependent), std::move(*referenced)});
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace pgshift::introspect
