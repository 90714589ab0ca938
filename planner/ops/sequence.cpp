// This file implements sequences: create, alter options, owned-by, drop.
#include <fmt/format.h>

#include "planner/ops/table_ops.hpp"
#include "planner/recipes/soft_drop.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {

using namespace ops;
using schema::qualified;

namespace {

// "t.c" (same schema) or "s.t.c" -> (table, column)
std::optional<std::pair<schema::QualifiedName, std::string>> owner_of(const schema::Sequence& s) {
  if (!s.owned_by) return std::nullopt;
  auto parts = util::split(*s.owned_by, '.');
  if (parts.size() == 2) return std::make_pair(schema::QualifiedName{s.name.schema, parts[0]}, parts[1]);
  if (parts.size() == 3) return std::make_pair(schema::QualifiedName{parts[0], parts[1]}, parts[2]);
  return std::nullopt;
}

std::string owned_by_sql(const schema::Sequence& s) {
  auto owner = owner_of(s);
  std::string target = owner ? qualified(owner->first) + "." + schema::quote_ident(owner->second) : "NONE";
  return "ALTER SEQUENCE " + qualified(s.name) + " OWNED BY " + target;
}

bool options_equal(schema::Sequence a, schema::Sequence b) {
  a.owned_by.reset();
  b.owned_by.reset();
  a.comment.reset();
  b.comment.reset();
  a.grants.clear();
  b.grants.clear();
  return a == b;
}

void plan_owner(PlanContext& ctx, const schema::Sequence* cur, const schema::Sequence& des) {
  if (cur && cur->owned_by == des.owned_by) return;
  if (!cur && !des.owned_by) return;
  std::string reverse = cur ? owned_by_sql(*cur) : "";
  auto& ps = ctx.add(Phase::add, prio::sequence_owner,
                     make_step("set_sequence_owner:" + des.name.display(), '~', "sequence " + des.name.display(),
                               "ties the sequence's life to its column", owned_by_sql(des), reverse, "none"));
  ps.uses.insert(keys::sequence(des.name));
  if (auto owner = owner_of(des)) {
    ps.uses.insert(keys::table(owner->first));
    ps.uses.insert(keys::column(owner->first, owner->second));
  }
}

}  // namespace

void plan_sequences(PlanContext& ctx) {
  for (const auto& [sn, des_schema] : ctx.desired.schemas) {
    const schema::Schema* cur_schema = ctx.current.schemas.count(sn) ? &ctx.current.schemas.at(sn) : nullptr;
    for (const auto& [name, s] : des_schema.sequences) {
      const schema::Sequence* cur = cur_schema && cur_schema->sequences.count(name) ? &cur_schema->sequences.at(name) : nullptr;
      std::string obj = "sequence " + s.name.display();
      if (!cur) {
        auto& ps = ctx.add(Phase::add, prio::sequence,
                           make_step("create_sequence:" + s.name.display(), '+', obj, "creates the sequence",
                                     ddl::create_sequence(s), "DROP SEQUENCE IF EXISTS " + qualified(s.name), "none"));
        ps.creates.insert(keys::sequence(s.name));
        ps.uses.insert(keys::schema(sn));
      } else if (!options_equal(*cur, s)) {
        auto& ps = ctx.add(Phase::add, prio::sequence,
                           make_step("alter_sequence:" + s.name.display(), '~', obj, "changes the sequence's options",
                                     "ALTER SEQUENCE " + qualified(s.name) + ddl::alter_sequence_options(s),
                                     "ALTER SEQUENCE " + qualified(s.name) + ddl::alter_sequence_options(*cur), "none"));
        ps.uses.insert(keys::sequence(s.name));
      }
      plan_owner(ctx, cur, s);
      plan_comment(ctx, "SEQUENCE " + qualified(s.name), "sequence." + s.name.display(), obj, cur ? cur->comment : std::nullopt,
                   s.comment, keys::sequence(s.name));
    }
  }
  for (const auto& [sn, cur_schema] : ctx.current.schemas) {
    const schema::Schema* des_schema = ctx.desired.schemas.count(sn) ? &ctx.desired.schemas.at(sn) : nullptr;
    for (const auto& [name, s] : cur_schema.sequences) {
      if (des_schema && des_schema->sequences.count(name)) continue;
      auto owner = owner_of(s);
      bool owner_dropped = owner && !ctx.desired.find_table(owner->first);
      // A soft-dropped owner takes the sequence into the trash with it (ALTER TABLE ... SET SCHEMA).
      if (owner_dropped && ctx.current.find_table(owner->first) && recipes::keeps_table(ctx, *ctx.current.find_table(owner->first))) continue;
      std::string reverse = ddl::create_sequence(s);
      // A dropped owner table is recreated after this (rollback runs newest first) and takes the
      // sequence back itself (drop_table's reverse).
      if (s.owned_by && !owner_dropped) {
        reverse += ";\n" + owned_by_sql(s);
        // Its value is gone: continue above what the owning column holds (a serial's rows stay).
        reverse += fmt::format(";\nSELECT pg_catalog.setval({}, COALESCE((SELECT max({}) FROM {}), 0) + 1, false)",
                               schema::quote_literal(qualified(s.name)), schema::quote_ident(owner->second), qualified(owner->first));
      }
      // IF EXISTS: a sequence owned by a dropped column or table goes away with it; the table's drop
      // comes first (it uses the sequence), since its defaults depend on the sequence.
      auto& ps = ctx.add(Phase::drop, prio::drop_sequence,
                         make_step("drop_sequence:" + s.name.display(), '-', "sequence " + s.name.display(),
                                   "drops the sequence", "DROP SEQUENCE IF EXISTS " + qualified(s.name), reverse, "none"));
      ps.drops.insert(keys::sequence(s.name));
      ps.uses.insert(keys::schema(sn));
      if (owner && !owner_dropped) ps.uses.insert(keys::table(owner->first));
      ps.step.irreversible_reason = "the sequence's current value is lost; rollback recreates it at its start value";
    }
  }
}

}  // namespace pgshift::planner
