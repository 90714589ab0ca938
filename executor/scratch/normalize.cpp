// This file implements normalize_through_server (normalize.hpp).
#include "executor/scratch/normalize.hpp"

#include <algorithm>

#include <unistd.h>

#include <chrono>
#include <fmt/format.h>
#include <random>

#include "executor/apply.hpp"
#include "executor/connection.hpp"
#include "introspect/introspect.hpp"
#include "planner/planner.hpp"
#include "schema/sql_text.hpp"
#include "schema/yaml_io.hpp"
#include "util/error.hpp"

namespace pgshift::executor {
namespace {

std::string scratch_name() {
  std::mt19937_64 rng{static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                      static_cast<uint64_t>(getpid())};
  return fmt::format("pgshift_shadow_{}_{:08x}", getpid(), static_cast<uint32_t>(rng()));
}

std::set<planner::HazardKind> every_hazard() {
  std::set<planner::HazardKind> out;
  for (int k = 0; k <= static_cast<int>(planner::HazardKind::irreversible); ++k) out.insert(static_cast<planner::HazardKind>(k));
  return out;
}

template <typename Map>
void copy_named_hints(const Map& from, Map& to) {
  for (const auto& [name, obj] : from) {
    if (auto it = to.find(name); it != to.end()) it->second.renamed_from = obj.renamed_from;
  }
}

schema::Database build_and_read(const std::string& conninfo, const schema::Database& desired) {
  auto conn = connect(conninfo);
  introspect::IntrospectOptions opts;
  opts.managed_roles = desired.managed_roles;
  schema::Database empty = introspect::introspect(*conn, opts);
  schema::Database target = desired;
  schema::strip_hints(target);
  planner::Plan plan = planner::make_plan(empty, target);
  ApplyOptions apply_opts;
  apply_opts.allowed_hazards = every_hazard();
  apply_opts.lock_timeout_ms = 10000;
  apply(*conn, plan, apply_opts);
  schema::Database out = introspect::introspect(*conn, opts);
  out.managed_roles = desired.managed_roles;
  return out;
}

}  // namespace

void copy_hints(const schema::Database& from, schema::Database& to) {
  for (const auto& [sn, s] : from.schemas) {
    auto ts = to.schemas.find(sn);
    if (ts == to.schemas.end()) continue;
    for (const auto& [tn, t] : s.tables) {
      auto tt = ts->second.tables.find(tn);
      if (tt == ts->second.tables.end()) continue;
      tt->second.renamed_from = t.renamed_from;
      for (const auto& c : t.columns) {
        for (auto& tc : tt->second.columns) {
          if (tc.name != c.name) continue;
          tc.renamed_from = c.renamed_from;
          tc.using_expr = c.using_expr;
          tc.down_using = c.down_using;
        }
      }
      copy_named_hints(t.indexes, tt->second.indexes);
      copy_named_hints(t.uniques, tt->second.uniques);
      copy_named_hints(t.checks, tt->second.checks);
      copy_named_hints(t.foreign_keys, tt->second.foreign_keys);
    }
    for (const auto& [en, e] : s.enums) {
      auto te = ts->second.enums.find(en);
      if (te == ts->second.enums.end()) continue;
      for (const auto& v : e.values) {
        for (auto& tv : te->second.values) {
          if (tv.name == v.name) tv.renamed_from = v.renamed_from;
        }
      }
    }
  }
}

NormalizeResult normalize_through_server(const std::string& conninfo, const schema::Database& desired) {
  NormalizeResult result;
  result.desired = desired;
  std::string name = scratch_name();
  std::unique_ptr<pqxx::connection> admin;
  try {
    admin = connect(conninfo);
    pqxx::nontransaction tx(*admin);
    tx.exec("CREATE DATABASE " + schema::quote_ident(name) + " TEMPLATE template0 ENCODING 'UTF8'");
  } catch (const std::exception& e) {
    result.warning = std::string("could not create a scratch database to normalize the desired schema (") + e.what() +
                     "); expressions are compared in pgshift's own canonical form";
    return result;
  }
  auto drop = [&] {
    try {
      pqxx::nontransaction tx(*admin);
      tx.exec("DROP DATABASE IF EXISTS " + schema::quote_ident(name) + " WITH (FORCE)");
    } catch (const std::exception&) {
    }
  };
  try {
    result.desired = build_and_read(with_database(conninfo, name), desired);
    copy_hints(desired, result.desired);
    result.normalized = true;
  } catch (const Error& e) {
    drop();
    throw Error("the desired schema does not build on an empty database: " + e.message(), e.where(),
                e.hint().empty() ? "fix the schema files; `pgshift validate` checks them offline" : e.hint());
  } catch (const std::exception& e) {
    drop();
    throw Error(std::string("the desired schema does not build on an empty database: ") + e.what(), std::nullopt,
                "fix the schema files; `pgshift validate` checks them offline");
  }
  drop();
  return result;
}

}  // namespace pgshift::executor
