// This file implements the JSON form of a verify report (verify.hpp; keys in docs/verify.md).
#include "executor/scratch/verify.hpp"

namespace pgshift::executor {

namespace {

using json = nlohmann::json;

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json step_json(const StepRun& s) {
  return {{"id", s.id},
          {"phase", planner::phase_name(s.phase)},
          {"lock", s.lock},
          {"hazards", s.hazards},
          {"loses_data", s.loses_data},
          {"apply_s", optional_number(s.apply_s)},
          {"undo_s", optional_number(s.undo_s)},
          {"lock_retries", s.lock_retries},
          {"retry_wait_ms", s.retry_wait_ms},
          {"rows_backfilled", s.rows_backfilled ? json(*s.rows_backfilled) : json(nullptr)}};
}

json phase_json(const PhaseProof& p) {
  return {{"through", planner::phase_name(p.through)},
          {"apply_s", p.apply_s},
          {"rollback_s", p.rollback_s},
          {"checked", p.checked},
          {"schema_restored", p.schema_restored},
          {"data_restored", p.data_restored},
          {"lost", p.lost},
          {"side_effects", p.side_effects},
          {"notes", p.notes}};
}

json query_json(const QueryProof& q) {
  auto text_or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  return {{"sql", q.sql},
          {"changed", q.changed},
          {"plan_before", text_or_null(q.plan_before)},
          {"plan_after", text_or_null(q.plan_after)},
          {"error_before", text_or_null(q.error_before)},
          {"error_after", text_or_null(q.error_after)},
          {"indexes_before", q.indexes_before},
          {"indexes_after", q.indexes_after}};
}

}  // namespace

nlohmann::json verify_report_to_json(const VerifyReport& r) {
  json tables = json::array(), steps = json::array(), phases = json::array(), queries = json::array();
  for (const auto& t : r.tables) tables.push_back({{"table", t.table}, {"rows", t.rows}, {"orphans_removed", t.orphans_removed}});
  for (const auto& s : r.steps) steps.push_back(step_json(s));
  for (const auto& p : r.phases) phases.push_back(phase_json(p));
  for (const auto& q : r.queries) queries.push_back(query_json(q));
  json divergence = nullptr;
  if (r.divergence) {
    divergence = {{"stage", r.divergence->stage}, {"message", r.divergence->message}, {"diff", r.divergence->diff}};
  }
  return {{"format_version", 1},
          {"proven", r.proven},
          {"divergence", divergence},
          {"needs_permission", r.needs_permission},
          {"scratch", {{"database", r.scratch_database}, {"server", r.scratch_server}, {"dropped", r.scratch_dropped},
                       {"note", r.scratch_note.empty() ? json(nullptr) : json(r.scratch_note)}}},
          {"sample", {{"rows_per_table", r.sample_rows}, {"copy_s", r.copy_s}, {"tables", tables}, {"notes", r.copy_notes}}},
          {"plan", {{"current_fingerprint", r.plan.current_fingerprint},
                    {"desired_fingerprint", r.plan.desired_fingerprint},
                    {"steps", r.plan.steps.size()}}},
          {"steps", steps},
          {"phases", phases},
          {"desired_reached", r.desired_reached},
          {"queries", queries},
          {"new_indexes", {{"all", r.new_indexes}, {"used", r.new_indexes_used}, {"unused", r.new_indexes_unused}}},
          {"total_s", r.total_s}};
}

}  // namespace pgshift::executor
