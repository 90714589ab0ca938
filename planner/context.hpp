// The planner's working state: the two models, the options, and the steps emitted so far with the
// object keys each creates, drops and uses (the edges of the dependency graph, see graph.cpp).
// The keys are made by planner/keys.hpp, one function per kind.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "planner/keys.hpp"
#include "planner/plan.hpp"
#include "planner/planner.hpp"
#include "schema/model.hpp"

namespace pgshift::planner {

struct PlannedStep {
  Step step;
  int priority = 50;  // order within a phase when the graph leaves a choice (lower first)
  std::set<std::string> creates, drops, uses;
  // Keys whose drop this step must follow although it does not use them (a DROP NOT NULL after the
  // primary key over the column is dropped); see graph.cpp.
  std::set<std::string> after_drop;
};

class PlanContext {
 public:
  PlanContext(const schema::Database& current, const schema::Database& desired, const PlanOptions& options)
      : current(current), desired(desired), options(options) {}

  const schema::Database& current;
  const schema::Database& desired;
  const PlanOptions& options;
  std::vector<PlannedStep> steps;
  std::vector<std::string> notes;
  // Views recreated by a step that also changes what they depend on (type change, view change).
  std::set<schema::QualifiedName> views_handled;
  // Enums whose label removal the shadow-column pass carries out (plan_enums leaves them alone).
  std::set<schema::QualifiedName> enums_by_shadow;

  // Appends a step with the options' default timeouts; returns it for the caller to add keys.
  PlannedStep& add(Phase phase, int priority, Step step);
  // " (~2.1M rows, 480 MB)" when the table's size is known, else "".
  std::string size_note(const schema::QualifiedName& table) const;
  // True when the table exists in the current database (so it may hold rows).
  bool table_exists(const schema::QualifiedName& table) const { return current.find_table(table) != nullptr; }
};

// Priorities within a phase (lower first), where the dependency graph leaves a choice.
namespace prio {
inline constexpr int schema = 0, extension = 2, type = 5, enum_value = 6, sequence = 8, function = 10, table = 20,
                     column = 22, column_alter = 24, key_index = 28, key = 30, index = 32, check = 34, foreign_key = 36,
                     sequence_owner = 38, view = 40, trigger = 50, policy = 55, comment = 60, grant = 65;
inline constexpr int backfill = 10, validate = 20;
inline constexpr int set_not_null = 10, switch_key = 15, swap = 20;
inline constexpr int drop_view = 10, drop_trigger = 20, drop_policy = 22, drop_fk = 30, drop_constraint = 40,
                     drop_index = 50, drop_column = 60, drop_table = 70, drop_function = 80, drop_sequence = 85,
                     drop_type = 90, drop_schema = 95, drop_extension = 97;
}  // namespace prio

// Appends a step on `column` of `t`: it uses the table and the column.
PlannedStep& column_step(PlanContext& ctx, Phase phase, int priority, Step step, const schema::QualifiedName& t,
                         const std::string& column);
// A step with the fields every step has; the caller sets the rest (hazards, in_transaction, ...).
Step make_step(std::string id, char change, std::string object, std::string description, std::string forward,
               std::optional<std::string> reverse, std::string lock);

// The key of a type used by a column or a routine: "type:s.n" for user types, "table:s.t" or "view:s.v"
// for a relation's row type, "" for built-ins (best effort).
std::string key_for_type_name(const std::string& canonical_type, const schema::Database& db);
// Views of `db` that depend on `table`, directly or through other views, dependents last.
std::vector<const schema::View*> dependent_views(const schema::Database& db, const schema::QualifiedName& table);
// The "sequence:s.n" keys of the sequences the table's columns own or call nextval() on.
std::set<std::string> sequences_used(const schema::Database& db, const schema::Table& t);

// Adds the edges PostgreSQL's own dependency records give (Database::dependencies): a step that creates an
// object uses what the object depends on in `desired`; a step that drops one uses what it depends on in
// `current` (so it runs before the drops of those). No-op for models read from YAML.
void add_catalog_edges(std::vector<PlannedStep>& steps, const schema::Database& current, const schema::Database& desired);
// Adds the edges the desired model shows through its expressions: a step that creates a domain, a table,
// a column, a check or an index uses the "routine:s.name" keys of the routines its expressions call.
void add_expression_edges(std::vector<PlannedStep>& steps, const schema::Database& desired);
// Sorts the steps: phases in order; within a phase, Kahn's algorithm over the graph picking the smallest
// (priority, id) first. A step that must follow a step of a later phase moves to that phase (its
// description says so). Throws pgshift::Error on a cycle, with the cycle as DOT in the hint.
std::vector<Step> order_steps(std::vector<PlannedStep> steps);
// Sets each hazard's severity from the live statistics of its table (grading.cpp).
void grade_hazards(std::vector<Step>& steps, const schema::Database& current, const PlanOptions& options);
std::string steps_to_dot(const std::vector<PlannedStep>& steps);

// Planning passes, one per object family (planner/ops/*.cpp).
// Emits rename steps from renamed_from hints (recipes/rename.hpp), the shadow columns and the version
// schemas, and applies the renames to `current` (a copy of ctx.current).
void plan_renames(PlanContext& ctx, schema::Database& current);
// Plans the shadow-column strategy (recipes/shadow_column) for renamed columns and type changes that
// are not binary coercible, and rewrites `current` so that the other passes see those columns done.
void plan_shadow_columns(PlanContext& ctx, schema::Database& current);
void plan_schemas_and_extensions(PlanContext& ctx);
void plan_types(PlanContext& ctx);
// True when going from `cur` to `des` removes or reorders labels (after `renamed_from` renames), which
// needs a new type rather than ALTER TYPE ... ADD VALUE / RENAME VALUE.
bool enum_needs_rebuild(const schema::Enum& cur, const schema::Enum& des);
void plan_sequences(PlanContext& ctx);
void plan_tables(PlanContext& ctx);
void plan_views(PlanContext& ctx);
// After every other pass: kept views over what a step drops are dropped before it and created again
// after (planner/ops/view.cpp).
void plan_dependent_view_rebuilds(PlanContext& ctx);
void plan_functions(PlanContext& ctx);
void plan_aggregates(PlanContext& ctx);
void plan_grants(PlanContext& ctx);

}  // namespace pgshift::planner
