// This file implements the backfill phase of the shadow column (shadow.hpp): the shadow column filled
// in keyset batches (each batch touches its rows and the sync trigger converts them), its helper NOT
// NULL check validated, and its indexes and unique keys built concurrently under temporary names
// (recipes/concurrent_index).
#include <fmt/format.h>

#include <algorithm>

#include "planner/ddl.hpp"
#include "planner/hazards.hpp"
#include "planner/naming.hpp"
#include "planner/recipes/shadow_column/shadow.hpp"
#include "schema/expr.hpp"
#include "schema/sql_text.hpp"
#include "util/strings.hpp"
#include "planner/recipes/concurrent_index.hpp"

namespace pgshift::planner::recipes {

using schema::qualified;
using schema::quote_ident;
using schema::quote_literal;

namespace {

// An index on the shadow column, built concurrently as naming::new_index(final_name).
void build_shadow_index(PlanContext& ctx, const Shadow& s, const schema::Index& idx, const std::string& final_name) {
  const auto& T = s.table();
  std::string tmp = naming::new_index(final_name);
  schema::Index on_shadow = index_on(idx, s.dc, s.shadow);
  auto& ps = build_index_concurrently(ctx, Phase::backfill, prio::validate + 1,
                                      {.table = T, .index = on_shadow, .name = tmp,
                                       .id = "build_shadow_index:" + T.schema + "." + final_name,
                                       .object = "index " + T.schema + "." + final_name,
                                       .description = "builds the index on " + s.shadow + " concurrently as " + tmp});
  ps.uses.insert(keys::filled(T, s.shadow));
  ps.creates.insert(keys::shadow_ready(T, s.dc));
}

}  // namespace

void emit_backfill(PlanContext& ctx, const Shadow& s) {
  const auto& T = s.table();
  std::string id = s.id();
  std::string obj = s.object();
  std::string nn_check = s.not_null_check();
  Step bf = make_step("backfill:" + id, '~', obj, "fills " + s.shadow + " from " + s.oc + " in batches through the trigger", "", "",
                      "ROW EXCLUSIVE per batch");
  Backfill b;
  b.table = T;
  b.key = s.cur_t.primary_key->columns;
  b.columns = {s.shadow};
  b.expressions = {"NULL"};  // unchanged shadow: the trigger computes it from the old column
  b.where = quote_ident(s.shadow) + " IS NULL AND " + quote_ident(s.oc) + " IS NOT NULL";
  b.batch_size = ctx.options.batch_size;
  bf.backfill = b;
  bf.hazards.push_back(hazards::long_backfill(T.display(), ctx.size_note(T)));
  auto& bfs = ctx.add(Phase::backfill, prio::backfill, std::move(bf));
  bfs.uses.insert(keys::column(T, s.shadow));
  bfs.creates.insert(keys::filled(T, s.shadow));

  if (!s.des.nullable) {
    auto& v = ctx.add(Phase::backfill, prio::validate,
                      make_step("validate_not_null_check:" + id, '~', obj, "validates CHECK (" + s.shadow + " IS NOT NULL) without blocking writes",
                                ddl::alter_table(T) + " VALIDATE CONSTRAINT " + quote_ident(nn_check), "", "SHARE UPDATE EXCLUSIVE on " + T.display()));
    v.step.statement_timeout_ms = 0;
    v.uses.insert(keys::filled(T, s.shadow));
    v.creates.insert(keys::shadow_ready(T, s.dc));
  }

  for (const auto& idx : s.des_indexes) build_shadow_index(ctx, s, idx, idx.name);
  if (s.des_pk) {
    const auto& pk = *s.des_t->primary_key;
    build_shadow_index(ctx, s, key_index(pk.name, pk.columns, false), pk.name);
  }
  for (const auto& u : s.des_uniques) build_shadow_index(ctx, s, key_index(u.name, u.columns, u.nulls_not_distinct), u.name);
}

}  // namespace pgshift::planner::recipes
