// This file implements create/drop of schemas and extensions, and schema comments.
#include <fmt/format.h>

#include "planner/ops/common.hpp"

namespace pgshift::planner {

using namespace ops;
using schema::quote_ident;

namespace {

std::string create_extension_sql(const schema::Extension& e) {
  std::string sql = "CREATE EXTENSION IF NOT EXISTS " + quote_ident(e.name);
  if (e.schema) sql += " SCHEMA " + quote_ident(*e.schema);
  if (e.version) sql += " VERSION " + schema::quote_literal(*e.version);
  return sql;
}

void plan_extensions(PlanContext& ctx) {
  for (const auto& [name, e] : ctx.desired.extensions) {
    auto it = ctx.current.extensions.find(name);
    if (it != ctx.current.extensions.end() && (!e.version || it->second.version == e.version) &&
        it->second.schema == e.schema) {
      continue;
    }
    if (it != ctx.current.extensions.end()) {
      if (e.version && it->second.version != e.version) {
        // Extensions seldom ship a script back to an older version, and going back by DROP + CREATE
        // would drop every object using the extension: the update is not undone.
        auto& ps = ctx.add(Phase::add, prio::extension,
                           make_step("update_extension:" + name, '~', "extension " + name,
                                     "updates the extension from version " + it->second.version.value_or("?") + " to " +
                                         *e.version,
                                     "ALTER EXTENSION " + quote_ident(name) + " UPDATE TO " + schema::quote_literal(*e.version),
                                     std::nullopt, "none"));
        ps.step.irreversible_reason = "extensions rarely have a downgrade path: rollback keeps version " + *e.version;
        ps.uses.insert(keys::extension(name));
      }
      continue;
    }
    auto& ps = ctx.add(Phase::add, prio::extension,
                       make_step("create_extension:" + name, '+', "extension " + name, "installs the extension",
                                 create_extension_sql(e), "DROP EXTENSION " + quote_ident(name), "none"));
    ps.creates.insert(keys::extension(name));
    if (e.schema) ps.uses.insert(keys::schema(*e.schema));
  }
  for (const auto& [name, e] : ctx.current.extensions) {
    if (ctx.desired.extensions.count(name)) continue;
    auto& ps = ctx.add(Phase::drop, prio::drop_extension,
                       make_step("drop_extension:" + name, '-', "extension " + name, "removes the extension and its objects",
                                 "DROP EXTENSION " + quote_ident(name), create_extension_sql(e), "none"));
    ps.step.hazards.push_back(hazards::deletes_data("drops extension " + name + " with every object it provides"));
    ps.drops.insert(keys::extension(name));
    if (e.schema) ps.uses.insert(keys::schema(*e.schema));
  }
}

}  // namespace

void plan_schemas_and_extensions(PlanContext& ctx) {
  for (const auto& [name, s] : ctx.desired.schemas) {
    auto it = ctx.current.schemas.find(name);
    if (it == ctx.current.schemas.end()) {
      auto& ps = ctx.add(Phase::add, prio::schema,
                         make_step("create_schema:" + name, '+', "schema " + name, "creates the schema",
                                   "CREATE SCHEMA " + quote_ident(name), "DROP SCHEMA " + quote_ident(name), "none"));
      ps.creates.insert(keys::schema(name));
    }
    std::optional<std::string> cur = it == ctx.current.schemas.end() ? std::nullopt : it->second.comment;
    plan_comment(ctx, "SCHEMA " + quote_ident(name), "schema." + name, "schema " + name, cur, s.comment, keys::schema(name));
  }
  for (const auto& [name, s] : ctx.current.schemas) {
    // public exists in every new database; a schema file that does not mention it leaves it alone.
    if (ctx.desired.schemas.count(name) || name == "public") continue;
    auto& ps = ctx.add(Phase::drop, prio::drop_schema,
                       make_step("drop_schema:" + name, '-', "schema " + name, "drops the (by then empty) schema",
                                 "DROP SCHEMA " + quote_ident(name), "CREATE SCHEMA " + quote_ident(name), "none"));
    ps.drops.insert(keys::schema(name));
    (void)s;
  }
  plan_extensions(ctx);
}

}  // namespace pgshift::planner
