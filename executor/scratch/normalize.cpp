// This file implements normalize_through_server (normalize.hpp).
#include "executor/scratch/normalize.hpp"

#include <algorithm>

#include <unistd.h>

#include <chrono>
#include <fmt/format.h>
#include <random>

#include "executor/runner.hpp"
#include "executor/connection.hpp"
#include "introspect/introspect.hpp"
#include "planner/planner.hpp"
#include "schema/sql_text.hpp"
#include "schema/yaml_io.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {
namespace {

std::string scratch_name() {
  std::mt19937_64 rng{static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                      static_cast<uint64_t>(getpid())};
  return fmt::format("pgshift_shadow_{}_{:08x}", getpid(), static_cast<uint32_t>(rng()));
}

// SQLSTATEs of a statement that names an object not created yet: undefined table, object (type),
// function, schema, column; a foreign key whose referenced key is not there yet.
bool missing_dependency(const std::string& sqlstate) {
  return sqlstate == "42P01" || sqlstate == "42704" || sqlstate == "42883" || sqlstate == "3F000" ||
         sqlstate == "42703" || sqlstate == "42830";
}

// Runs one step's forward SQL on the scratch database; returns the failure's SQLSTATE ("" when it ran).
// A transactional step leaves nothing behind when it fails.
std::string try_step(pqxx::connection& conn, const planner::Step& step, std::string& message) {
  Timeouts timeouts{10000, 0};
  try {
    if (step.in_transaction) {
      pqxx::work tx(conn);
      set_local(tx, timeouts);
      tx.exec(step.forward_sql);
      tx.commit();
    } else {
      run_autocommit(conn, step.forward_sql, timeouts);
    }
    return "";
  } catch (const pqxx::sql_error& e) {
    message = e.what();
    return e.sqlstate().empty() ? "?" : e.sqlstate();
  }
}

// Builds the plan of an empty database into the desired schema, step by step. The planner orders by
// what the YAML shows; where it cannot see a dependency (a function that takes a table's row type, a
// domain whose check calls a function), a step fails for want of an object created later in the plan:
// it is retried after the others, pass after pass, until a pass makes no progress. The catalog of the
// result then gives the real plan its order (Database::dependencies). Backfills have nothing to fill.
void build_empty(pqxx::connection& conn, const planner::Plan& plan) {
  std::vector<const planner::Step*> pending;
  for (const auto& step : plan.steps) {
    if (!step.backfill && !step.forward_sql.empty()) pending.push_back(&step);
  }
  while (!pending.empty()) {
    std::vector<const planner::Step*> deferred;
    std::string first_message, first_id;
    for (const auto* step : pending) {
      std::string message;
      std::string sqlstate = try_step(conn, *step, message);
      if (sqlstate.empty()) continue;
      if (!missing_dependency(sqlstate)) {
        throw Error(fmt::format("step {} failed: {}", step->id, util::trim(message)), std::nullopt,
                    "the SQL was:\n" + step->forward_sql);
      }
      if (deferred.empty()) {
        first_message = message;
        first_id = step->id;
      }
      deferred.push_back(step);
    }
    if (deferred.size() == pending.size()) {
      throw Error(fmt::format("step {} failed: {}", first_id, util::trim(first_message)), std::nullopt,
                  "the SQL was:\n" + deferred.front()->forward_sql);
    }
    pending = std::move(deferred);
  }
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
  build_empty(*conn, plan);
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
