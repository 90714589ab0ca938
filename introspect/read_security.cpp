// This file implements the readers of row-level security policies and of privileges: grants on
// schemas, relations, columns, sequences, functions and types, and default privileges, for managed roles only.
#include <algorithm>
#include <tuple>

#include "introspect/catalog.hpp"

namespace pgshift::introspect {
namespace {

std::string policy_command(const std::string& code) {
  switch (code.empty() ? '*' : code[0]) {
    case 'r': return "select";
    case 'a': return "insert";
    case 'w': return "update";
    case 'd': return "delete";
    default: return "all";
  }
}

std::string default_acl_object_type(const std::string& code) {
  switch (code.empty() ? 'r' : code[0]) {
    case 'S': return "sequences";
    case 'f': return "functions";
    case 'T': return "types";
    case 'n': return "schemas";
    default: return "tables";
  }
}

struct AclEntry {
  std::string role, privilege, column;  // column empty for an object-level privilege
  bool grantable = false;
};

// Object-level privileges: one Grant per (role, grant option). Column privileges: one Grant per
// (role, grant option, set of columns), so SELECT (a, b) + UPDATE (a) stays two grants.
std::vector<schema::Grant> group_grants(const std::vector<AclEntry>& entries) {
  std::map<std::pair<std::string, bool>, std::set<std::string>> object_level;
  std::map<std::tuple<std::string, std::string, bool>, std::set<std::string>> columns_by_privilege;
  for (const auto& e : entries) {
    if (e.column.empty()) {
      object_level[{e.role, e.grantable}].insert(e.privilege);
    } else {
      columns_by_privilege[{e.role, e.privilege, e.grantable}].insert(e.column);
    }
  }
  std::map<std::tuple<std::string, bool, std::set<std::string>>, std::set<std::string>> column_level;
  for (const auto& [key, columns] : columns_by_privilege) {
    const auto& [role, privilege, grantable] = key;
    column_level[{role, grantable, columns}].insert(privilege);
  }
  std::vector<schema::Grant> grants;
  for (const auto& [key, privileges] : object_level) {
    grants.push_back({key.first, {privileges.begin(), privileges.end()}, {}, key.second});
  }
  for (const auto& [key, privileges] : column_level) {
    const auto& [role, grantable, columns] = key;
    grants.push_back({role, {privileges.begin(), privileges.end()}, {columns.begin(), columns.end()}, grantable});
  }
  std::sort(grants.begin(), grants.end());
  return grants;
}

// A type's grants, by name: enums, domains and composite types have no oid map in the catalog.
std::vector<schema::Grant>* type_grants(Catalog& cat, const std::string& schema_name, const std::string& type_name) {
  auto s = cat.db.schemas.find(schema_name);
  if (s == cat.db.schemas.end()) return nullptr;
  if (auto e = s->second.enums.find(type_name); e != s->second.enums.end()) return &e->second.grants;
  if (auto d = s->second.domains.find(type_name); d != s->second.domains.end()) return &d->second.grants;
  if (auto t = s->second.types.find(type_name); t != s->second.types.end()) return &t->second.grants;
  return nullptr;
}

std::vector<schema::Grant>* grant_target(Catalog& cat, const pqxx::row& row) {
  const std::string kind = text(row["kind"]);
  const auto oid = row["oid"].as<uint32_t>();
  if (kind == "type") {
    return type_grants(cat, text(row["type_schema"]), text(row["type_name"]));
  }
  if (kind == "relation") {
    auto it = cat.relations.find(oid);
    return it == cat.relations.end() ? nullptr : it->second.grants;
  }
  if (kind == "function") {
    auto it = cat.functions.find(oid);
    if (it == cat.functions.end()) {
      auto agg = cat.aggregates.find(oid);
      return agg == cat.aggregates.end() ? nullptr : &agg->second->grants;
    }
    return &it->second->grants;
  }
  auto it = cat.schemas.find(oid);
  return it == cat.schemas.end() ? nullptr : &it->second->grants;
}

}  // namespace

void read_policies(Catalog& cat) {
  for (const auto& row : cat.query("policies")) {
    auto it = cat.relations.find(row["polrelid"].as<uint32_t>());
    if (it == cat.relations.end() || it->second.table == nullptr) {
      continue;
    }
    const std::string what = " of policy " + text(row["polname"]) + " on " + it->second.name.display();
    schema::Policy policy;
    policy.name = text(row["polname"]);
    policy.permissive = row["polpermissive"].as<bool>();
    policy.command = policy_command(text(row["polcmd"]));
    policy.roles = text_array(row["roles"]);
    std::sort(policy.roles.begin(), policy.roles.end());
    if (policy.roles == std::vector<std::string>{"public"}) {
      policy.roles.clear();
    }
    policy.comment = opt_text(row["description"]);
    auto& slot = it->second.table->policies[policy.name];
    slot = std::move(policy);
    if (auto expr = opt_text(row["using_expr"])) {
      slot.using_expr = schema::Expr{*expr, ""};
      cat.defer_expr(*expr, "the USING expression" + what, [&slot]() -> schema::Expr& { return *slot.using_expr; });
    }
    if (auto expr = opt_text(row["with_check"])) {
      slot.with_check = schema::Expr{*expr, ""};
      cat.defer_expr(*expr, "the WITH CHECK expression" + what,
                     [&slot]() -> schema::Expr& { return *slot.with_check; });
    }
  }
}

void read_grants(Catalog& cat) {
  std::map<std::vector<schema::Grant>*, std::vector<AclEntry>> entries;
  for (const auto& row : cat.query("grants")) {
    std::string role = text(row["grantee"]);
    if (!cat.managed_role(role)) {
      continue;
    }
    auto* target = grant_target(cat, row);
    if (target != nullptr) {
      entries[target].push_back(
          {std::move(role), text(row["privilege_type"]), text(row["column_name"]), row["is_grantable"].as<bool>()});
    }
  }
  for (auto& [target, acl] : entries) {
    *target = group_grants(acl);
  }
}

void read_default_privileges(Catalog& cat) {
  using Key = std::tuple<std::string, std::string, std::string, std::string, bool>;
  std::map<Key, std::set<std::string>> grouped;
  for (const auto& row : cat.query("default_privileges")) {
    std::string role = text(row["grantee"]);
    if (!cat.managed_role(role)) {
      continue;
    }
    Key key{text(row["owner"]), text(row["nspname"]), default_acl_object_type(text(row["defaclobjtype"])),
            std::move(role), row["is_grantable"].as<bool>()};
    grouped[key].insert(text(row["privilege_type"]));
  }
  for (const auto& [key, privileges] : grouped) {
    const auto& [owner, schema_name, object_type, role, grantable] = key;
    schema::Grant grant{role, {privileges.begin(), privileges.end()}, {}, grantable};
    cat.db.default_privileges.push_back({owner, schema_name, object_type, grant});
  }
}

}  // namespace pgshift::introspect
