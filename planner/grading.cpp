// This file grades hazards by the live table they concern (PlanOptions::table_stats, read at plan
// time from pg_class and pg_stat_user_tables): the same TABLE_REWRITE is a note on an empty table, a
// warning on a mid-sized one and a blocker, which needs --allow-hazards like DELETES_DATA does, on a
// large or busy one. Without statistics (an offline plan) hazards stay warnings.
#include <fmt/format.h>

#include "planner/context.hpp"
#include "planner/planner.hpp"

namespace pgshift::planner {

namespace {

bool blocks_the_application(HazardKind kind) {
  return kind == HazardKind::table_rewrite || kind == HazardKind::access_exclusive_lock || kind == HazardKind::share_lock;
}

std::string rows_text(double rows) {
  if (rows >= 1e6) return fmt::format("~{:.1f}M rows", rows / 1e6);
  if (rows >= 1e3) return fmt::format("~{:.0f}k rows", rows / 1e3);
  return fmt::format("~{:.0f} rows", rows);
}

}  // namespace

void grade_hazards(std::vector<Step>& steps, const schema::Database& current, const PlanOptions& options) {
  const HazardGrading& g = options.grading;
  for (auto& step : steps) {
    for (auto& h : step.hazards) {
      if (h.table.empty()) continue;
      auto dot = h.table.find('.');
      if (dot == std::string::npos) continue;
      schema::QualifiedName name{h.table.substr(0, dot), h.table.substr(dot + 1)};
      if (!current.find_table(name) && !current.find_view(name)) {
        h.severity = Severity::note;  // created by this plan: empty, nobody uses it yet
        continue;
      }
      auto it = options.table_stats.find(name);
      if (it == options.table_stats.end()) continue;
      const TableStats& st = it->second;
      bool busy = st.writes_per_s >= g.busy_writes_per_s;
      bool large = st.rows >= g.large_rows || st.bytes >= g.large_bytes;
      bool small = st.rows <= g.small_rows && st.bytes < g.large_bytes && !busy;
      if (h.kind == HazardKind::deletes_data) {
        h.severity = st.rows <= 0 ? Severity::note : Severity::warning;
      } else if (small) {
        h.severity = Severity::note;
      } else if (blocks_the_application(h.kind) && (large || busy)) {
        h.severity = Severity::blocker;
        std::vector<std::string> why;
        if (large) why.push_back(rows_text(st.rows));
        if (busy) why.push_back(fmt::format("{:.0f} rows written/s", st.writes_per_s));
        h.message += fmt::format(" (a blocker here: {}; thresholds {:.0f} rows, {:.0f} writes/s)",
                                 why.size() == 2 ? why[0] + ", " + why[1] : why[0], g.large_rows, g.busy_writes_per_s);
      } else {
        h.severity = Severity::warning;
      }
    }
  }
}

}  // namespace pgshift::planner
