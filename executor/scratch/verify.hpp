// `verify`: proves a plan on a scratch copy of a database before it runs for real.
//
//  1. copies the database into a scratch database (scratch.hpp, scratch_copy.hpp): the schema, and
//     up to `sample_rows` rows per table with every foreign key satisfied; requires the copy's schema
//     to equal the source's;
//  2. plans from the copy to the desired schema (or takes a saved plan, whose starting fingerprint
//     must be the copy's);
//  3. for each phase P that has steps, in order: applies the plan through P with the real executor
//     (every hazard allowed: it is a scratch copy), and after the last phase requires the copy to equal
//     the desired schema with an empty re-plan; then rolls everything back and requires the schema and
//     the sampled data (row count, per-column and per-row checksums) to be as before. Steps that say
//     they lose data (DELETES_DATA, or no reverse SQL) are allowed to lose exactly what they name, and
//     BEFORE UPDATE row triggers fired by a backfill to change their table's columns (verify_checks.hpp):
//     both are reported, not failures;
//  4. with queries: EXPLAINs each before and after the plan;
//  5. drops the scratch database, whatever happened.
// The first divergence ends the proof; it is reported with a unified diff where one applies.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "executor/cancel.hpp"
#include "executor/scratch/scratch_copy.hpp"
#include "planner/plan.hpp"
#include "planner/planner.hpp"
#include "schema/model.hpp"

namespace pgshift::executor {

struct VerifyOptions {
  std::string source_conninfo;                   // the database to copy (only read)
  std::string scratch_server_conninfo;           // where to create the scratch database; "" = the source's server
  int sample_rows = 1000;                        // per table; 0 = schema only
  std::optional<schema::Database> desired;       // normalized; required unless `plan` is set
  std::optional<planner::Plan> plan;             // a saved plan, run as it is
  std::vector<std::string> managed_roles;        // for introspection when `desired` is not given
  planner::PlanOptions plan_options;             // when planning from `desired`
  std::set<planner::HazardKind> allowed_hazards;  // what the real apply will be allowed: the verdict checks it
  std::vector<std::string> queries;              // statements to EXPLAIN before and after the plan
  CancelCheck cancelled;                         // polled; true = stop, drop the scratch database, throw Cancelled
  std::function<void(const std::string&)> progress;    // one line per stage; may be empty
  std::function<bool(const std::string&)> before_step;  // test seam, as ApplyOptions::before_step
};

// One plan step: how it ran in the last full apply and rollback.
struct StepRun {
  std::string id;
  planner::Phase phase = planner::Phase::add;
  std::string lock;                  // the step's `lock` field: what it locks, as planned
  std::vector<std::string> hazards;  // hazard names
  bool loses_data = false;           // DELETES_DATA, or no reverse SQL
  std::optional<double> apply_s, undo_s;
  int lock_retries = 0;        // lock timeouts and deadlocks retried (apply and rollback)
  int64_t retry_wait_ms = 0;   // time spent waiting between those retries
  std::optional<int64_t> rows_backfilled;
};

// Applying through one phase, then rolling back.
struct PhaseProof {
  planner::Phase through = planner::Phase::add;
  double apply_s = 0, rollback_s = 0;
  bool checked = false;            // the rollback ran and was compared (false: the proof stopped in this phase)
  bool schema_restored = false;    // the schema is the original one (or differs only as the lossy steps say)
  bool data_restored = false;      // every sampled value is back, except what lossy steps name
  std::vector<std::string> lost;   // "public.products.stock: values not as before (drop_column:... (DELETES_DATA))"
  std::vector<std::string> side_effects;  // values changed by triggers a backfill fired (not undone by a rollback)
  std::vector<std::string> notes;  // e.g. recreated columns come last
};

struct QueryProof {
  std::string sql;
  std::string plan_before, plan_after;    // plan shape: "Hash Join (Seq Scan on orders, ...)"
  std::string error_before, error_after;  // when EXPLAIN failed there
  std::vector<std::string> indexes_before, indexes_after;
  bool changed = false;
};

struct Divergence {
  std::string stage;    // "copy", "apply through add", "desired schema", "rollback after switch", ...
  std::string message;  // what differs
  std::string diff;     // unified diff (expected, actual) of the schema YAML; may be empty
};

struct VerifyReport {
  std::string scratch_database;
  std::string scratch_server;  // conninfo, password masked
  std::string scratch_note;    // e.g. the locale fell back
  bool proven = false;
  std::optional<Divergence> divergence;
  std::vector<std::string> needs_permission;  // hazards `apply` would refuse without --allow-hazards
  int sample_rows = 0;
  std::vector<SampledTable> tables;
  std::vector<std::string> copy_notes;  // e.g. privileges left out on another server
  double copy_s = 0;
  planner::Plan plan;
  std::vector<StepRun> steps;
  std::vector<PhaseProof> phases;
  bool desired_reached = false;  // after the last phase: schema equal to the desired one, re-plan empty
  std::vector<QueryProof> queries;
  std::vector<std::string> new_indexes, new_indexes_used, new_indexes_unused;
  bool scratch_dropped = false;
  double total_s = 0;
};

// Runs the proof (see the top of this file). Returns the report, proven or not; a plan step failing
// on the copy is a divergence, not an exception. Throws pgshift::Error when the proof cannot be made
// (cannot connect, create the scratch database, dump or restore; a saved plan made for another
// schema), Cancelled when `cancelled` says so; the scratch database is dropped in every case.
VerifyReport verify(const VerifyOptions& options);

// The report for people: text (a terminal), markdown (a pull-request comment); and JSON (stable keys,
// docs/verify.md).
std::string render_verify_text(const VerifyReport& report);
std::string render_verify_markdown(const VerifyReport& report);
nlohmann::json verify_report_to_json(const VerifyReport& report);

}  // namespace pgshift::executor
