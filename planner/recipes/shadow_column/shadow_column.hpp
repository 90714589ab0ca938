// The shadow column recipe: the expand/contract strategy for a column whose values must be rewritten or
// whose name changes while old and new application code both run: a type change that is not binary
// coercible, and a column rename (`renamed_from`).
//
//   add       a shadow column (the new name for a rename, _pgshift_new_<col> for a type change) and a
//             trigger that keeps old and new in step on every INSERT and UPDATE, both ways;
//   backfill  the shadow filled in keyset batches (each batch touches its rows: the trigger converts),
//             its indexes and unique keys built CONCURRENTLY, its helper NOT NULL check validated;
//   switch    one short transaction: defaults, identity, NOT NULL, keys, checks, foreign keys (also
//             those of other tables pointing here), dependent views and sequence ownership move to the
//             new column; for a type change the two columns swap names. Moved checks and foreign keys
//             come back NOT VALID and are validated right after, without blocking writes;
//   drop      the trigger, its function and the old column go.
// Every step has its reverse; the reverse of the drop refills the old column from the new one, so a
// rollback from any phase keeps every value, including rows written in the meantime under either name.
// Before the first step, a read-only precheck proves the conversion on the live rows and names the
// first row that would not convert.
//
// Its files follow the phases: collect.cpp (what references the column, and the model rewritten so the
// other passes see the column done), sync_trigger.cpp, add.cpp (with the precheck), backfill.cpp,
// switch.cpp, drop.cpp, and enum.cpp (an enum losing labels: its columns move one by one to a
// replacement enum through shadow columns).
#pragma once

#include <string>

#include "planner/context.hpp"

namespace pgshift::planner::recipes {

// Why the shadow column cannot be used for `cur` -> `des` of table `t` ("" when it can): a
// partitioned table, no primary key, generated columns, exclusion constraints, policies, triggers or
// column grants that name it.
std::string shadow_column_not_possible(const schema::Database& current, const schema::Table& t, const schema::Column& cur,
                                       const schema::Column& des);

// Plans the add, backfill, switch and drop steps of one shadow column, then rewrites `cur_t` (the
// working copy of the current table) and the other tables of `current` so that the ordinary diff sees
// nothing left to do for this column.
void shadow_column(PlanContext& ctx, schema::Database& current, schema::Table& cur_t, const schema::Table& des_t,
                   const schema::Column& cur, const schema::Column& des);

// Enums of ctx.desired that lose or reorder labels: when every column using one can take a shadow
// column, a replacement enum (add), each column moved to it (shadow columns) and the type swapped in
// (drop); otherwise a note (plan_types rebuilds the type in one transaction).
void enum_shadows(PlanContext& ctx, schema::Database& current);

}  // namespace pgshift::planner::recipes
