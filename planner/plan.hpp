// A plan: the ordered, reversible steps that take a database from its current schema to the desired
// one, in four phases (add, backfill, switch, drop). Plain values; serialised by plan_json.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/model.hpp"

namespace pgshift::planner {

// "switch" is a keyword, hence switch_over; it prints as "switch".
enum class Phase { add = 0, backfill = 1, switch_over = 2, drop = 3 };
inline constexpr Phase k_all_phases[] = {Phase::add, Phase::backfill, Phase::switch_over, Phase::drop};
std::string_view phase_name(Phase phase);
// Accepts add | expand, backfill, switch, drop | contract. nullopt otherwise.
std::optional<Phase> parse_phase(std::string_view text);

enum class HazardKind {
  access_exclusive_lock,
  share_lock,
  table_rewrite,
  full_table_scan,
  index_build,
  long_backfill,
  deletes_data,
  backward_incompatible,
  irreversible,
};
// ACCESS_EXCLUSIVE_LOCK, ..., the spelling used by `apply --allow-hazards`.
std::string_view hazard_name(HazardKind kind);
std::optional<HazardKind> parse_hazard(std::string_view text);
// Hazards that need --allow-hazards: DELETES_DATA, TABLE_REWRITE, BACKWARD_INCOMPATIBLE (and IRREVERSIBLE).
bool hazard_needs_permission(HazardKind kind);

// How much a hazard matters on this database, graded from the live table's size and write rate
// (planner/grading.cpp): a table rewrite is a note on an empty table and a blocker on a large busy one.
enum class Severity { note = 0, warning = 1, blocker = 2 };
std::string_view severity_name(Severity severity);  // note | warning | blocker
std::optional<Severity> parse_severity(std::string_view text);

struct Hazard {
  HazardKind kind;
  std::string message;  // names the object: "drops column public.users.email and its data"
  Severity severity = Severity::warning;
  std::string table;  // "schema.table" the hazard is about, when it is about one (for grading)
  bool operator==(const Hazard&) const = default;
};
// A hazard needs --allow-hazards when its kind does (above) or when it is graded a blocker.
bool hazard_needs_permission(const Hazard& hazard);

// A batched backfill, described as data: the executor runs
//   UPDATE table SET col1 = expr1, ... WHERE (key) > (last) AND (key) <= (max at start) [AND where]
// over keyset batches of `batch_size` rows, checkpointing the last key after each batch.
struct Backfill {
  schema::QualifiedName table;
  std::vector<std::string> key;  // primary key or unique not-null key columns
  std::vector<std::string> columns;
  std::vector<std::string> expressions;  // canonical SQL, one per column, in terms of the row's columns
  std::optional<std::string> where;      // extra row filter, e.g. "email_new IS NULL"
  int batch_size = 10000;
  bool operator==(const Backfill&) const = default;
};

struct Step {
  std::string id;  // stable, "add_column:public.users.email"; the key in the state table
  Phase phase = Phase::add;
  char change = '~';        // '+' create, '~' change, '-' drop: for the text view
  std::string object;       // "column public.users.email": for the text view
  std::string description;  // one line, what and why it is safe
  std::string forward_sql;  // empty for a pure backfill step
  // Reverse SQL: "" = nothing to undo (e.g. VALIDATE), nullopt = irreversible (reason below).
  std::optional<std::string> reverse_sql;
  std::string irreversible_reason;
  std::vector<Hazard> hazards;
  std::string lock;  // "ACCESS EXCLUSIVE on public.users", "SHARE UPDATE EXCLUSIVE on public.users", "none"
  bool in_transaction = true;  // false for CONCURRENTLY and enum ADD VALUE
  int64_t lock_timeout_ms = 500;
  int64_t statement_timeout_ms = 0;  // 0 = none
  std::optional<Backfill> backfill;
  // For non-transactional steps: a query returning one row with one boolean, true when the step has
  // already taken effect (resume after a crash), e.g. an index exists and is valid.
  std::string done_check_sql;
  // For non-transactional steps that may leave debris (CREATE INDEX CONCURRENTLY): SQL run before a retry.
  std::string cleanup_sql;
  // A read-only statement the executor runs before the migration's first step (and again before this
  // step when it has not run yet): it raises an error, naming the offending row, when the live data
  // would make the step fail or lose data (e.g. a value that does not convert to the new type).
  std::string precheck_sql;
  bool operator==(const Step&) const = default;
};

struct Plan {
  int format_version = 1;
  std::string current_fingerprint;
  std::string desired_fingerprint;
  std::vector<Step> steps;
  std::vector<std::string> notes;  // warnings for the reviewer (possible renames, unmanaged objects)
  bool operator==(const Plan&) const = default;

  bool empty() const { return steps.empty(); }
  std::vector<const Step*> steps_in(Phase phase) const;
};

}  // namespace pgshift::planner
