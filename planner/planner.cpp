// This file implements make_plan: the passes over each object family, then deterministic ordering.
#include "planner/planner.hpp"

#include <future>

#include <map>

#include "planner/context.hpp"

namespace pgshift::planner {
namespace {

schema::Database prepared(const schema::Database& db) {
  schema::Database copy = db;
  schema::normalize(copy);
  return copy;
}

// Step ids must be unique (they key the state table): a repeated id gets "#2", "#3".
void make_ids_unique(std::vector<PlannedStep>& steps) {
  std::map<std::string, int> seen;
  for (auto& s : steps) {
    int n = ++seen[s.step.id];
    if (n > 1) s.step.id += "#" + std::to_string(n);
  }
}

// pgshift.yaml's per-table settings: the batch size of backfills over the table, the lock timeout of
// every step that uses it.
void apply_table_overrides(std::vector<PlannedStep>& steps, const PlanOptions& options) {
  if (options.table_overrides.empty()) return;
  for (auto& ps : steps) {
    if (ps.step.backfill) {
      auto it = options.table_overrides.find(ps.step.backfill->table);
      if (it != options.table_overrides.end() && it->second.batch_size) ps.step.backfill->batch_size = *it->second.batch_size;
    }
    std::optional<int64_t> lock_timeout;
    for (const auto& [name, o] : options.table_overrides) {
      if (!o.lock_timeout_ms || !ps.uses.count(keys::table(name))) continue;
      lock_timeout = lock_timeout ? std::min(*lock_timeout, *o.lock_timeout_ms) : *o.lock_timeout_ms;
    }
    if (lock_timeout) ps.step.lock_timeout_ms = *lock_timeout;
  }
}

struct Passes {
  std::vector<PlannedStep> steps;
  std::vector<std::string> notes;
};

// Runs every pass. `current` is renamed in place (renamed_from hints) before the other passes diff it.
Passes run_passes(schema::Database& current, const schema::Database& desired, const PlanOptions& options) {
  Passes out;
  PlanContext rename_ctx(current, desired, options);
  plan_renames(rename_ctx, current);
  PlanContext ctx(current, desired, options);
  ctx.steps = std::move(rename_ctx.steps);
  ctx.notes = std::move(rename_ctx.notes);
  ctx.views_handled = std::move(rename_ctx.views_handled);
  ctx.enums_by_shadow = std::move(rename_ctx.enums_by_shadow);
  plan_schemas_and_extensions(ctx);
  plan_types(ctx);
  plan_sequences(ctx);
  plan_functions(ctx);
  plan_aggregates(ctx);
  plan_tables(ctx);
  plan_views(ctx);
  plan_grants(ctx);
  plan_dependent_view_rebuilds(ctx);
  add_expression_edges(ctx.steps, desired);
  add_catalog_edges(ctx.steps, current, desired);
  make_ids_unique(ctx.steps);
  apply_table_overrides(ctx.steps, options);
  out.steps = std::move(ctx.steps);
  out.notes = std::move(ctx.notes);
  return out;
}

}  // namespace


Plan make_plan(const schema::Database& current_in, const schema::Database& desired_in, const PlanOptions& options) {
  return make_plan(schema::Database(current_in), schema::Database(desired_in), options);
}

Plan make_plan(schema::Database&& current, schema::Database&& desired, const PlanOptions& options) {
  schema::normalize(current);
  schema::normalize(desired);
  Plan plan;
  // The two fingerprints are the planner's largest cost on big schemas: hash them side by side.
  auto desired_fp = std::async(std::launch::async, [&] { return fingerprint_normalized(desired); });
  plan.current_fingerprint = fingerprint_normalized(current);
  plan.desired_fingerprint = desired_fp.get();
  Passes ctx = run_passes(current, desired, options);
  plan.notes = ctx.notes;
  plan.steps = order_steps(std::move(ctx.steps));
  grade_hazards(plan.steps, current, options);
  return plan;
}

std::string plan_to_dot(const schema::Database& current_in, const schema::Database& desired_in, const PlanOptions& options) {
  schema::Database current = prepared(current_in);
  schema::Database desired = prepared(desired_in);
  Passes ctx = run_passes(current, desired, options);
  return steps_to_dot(ctx.steps);
}

}  // namespace pgshift::planner
