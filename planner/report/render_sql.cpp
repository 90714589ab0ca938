// This file implements the SQL view of a plan: per phase a comment header, then each step's SQL
// terminated by ';' under comments giving its id, lock, hazards and whether it runs in a transaction.
// Backfill steps are run in batches by `pgshift apply`; here they are a comment with the UPDATE template.
#include <fmt/format.h>

#include "planner/report/phases.hpp"
#include "planner/report/render.hpp"
#include "schema/sql_text.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {

// Shared with render_markdown.cpp and render_golden.cpp (declared there until render.hpp has them).
std::string backfill_update_template(const Backfill& backfill);
std::string render_step_sql(const Step& step);
std::string terminate_sql(std::string_view sql);

namespace {

// Text for a `--` comment: a line break would end the comment and turn the rest into SQL.
std::string comment_text(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return out;
}

std::string plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string key_row(const std::vector<std::string>& key) { return "(" + schema::quote_ident_list(key) + ")"; }

std::string backfill_comment(const Backfill& backfill) {
  std::string out = fmt::format(
      "-- backfill {} in batches of {} rows by ({}), one transaction per batch, resumable.\n"
      "-- Run by `pgshift apply`, not by this script; per batch, with :last_key the previous batch's last key\n"
      "-- (no lower bound for the first) and :max_key the largest key when the backfill started:\n",
      comment_text(backfill.table.display()), backfill.batch_size, comment_text(util::join(backfill.key, ", ")));
  for (const auto& line : util::split(backfill_update_template(backfill), '\n')) {
    out += "--   " + comment_text(line) + "\n";
  }
  return out;
}

std::string timeouts(const Step& step) {
  std::string out = fmt::format("lock_timeout {}ms", step.lock_timeout_ms);
  if (step.statement_timeout_ms > 0) {
    out += fmt::format(", statement_timeout {}ms", step.statement_timeout_ms);
  }
  return out;
}

}  // namespace

std::string backfill_update_template(const Backfill& backfill) {
  std::vector<std::string> sets;
  for (size_t i = 0; i < backfill.columns.size(); ++i) {
    std::string expr = i < backfill.expressions.size() ? backfill.expressions[i] : "NULL";
    sets.push_back(schema::quote_ident(backfill.columns[i]) + " = " + expr);
  }
  std::string key = key_row(backfill.key);
  std::string out = fmt::format("UPDATE {} SET {}\nWHERE {} > (:last_key) AND {} <= (:max_key)", schema::qualified(backfill.table),
                                util::join(sets, ", "), key, key);
  if (backfill.where && !backfill.where->empty()) {
    out += " AND (" + *backfill.where + ")";
  }
  return out;
}

// "x" -> "x;", "x;" stays, and a last line that is a comment gets the ';' on a line of its own.
std::string terminate_sql(std::string_view sql) {
  std::string out = util::trim(sql);
  if (out.empty() || out.back() == ';') {
    return out;
  }
  size_t line_start = out.rfind('\n');
  std::string last_line = util::trim(line_start == std::string::npos ? out : out.substr(line_start + 1));
  return out + (util::starts_with(last_line, "--") ? "\n;" : ";");
}

std::string render_step_sql(const Step& step) {
  std::string out = fmt::format("-- {}\n", comment_text(step.id));
  std::string line = fmt::format("-- {} {}", step.change, step.object.empty() ? step.id : step.object);
  if (!step.description.empty()) {
    line += ": " + step.description;
  }
  out += comment_text(line) + "\n";
  if (!step.lock.empty()) {
    out += fmt::format("-- lock: {}; {}\n", comment_text(step.lock), timeouts(step));
  }
  for (const auto& hazard : step.hazards) {
    out += fmt::format("-- hazard {}: {}\n", hazard_name(hazard.kind), comment_text(hazard.message));
  }
  if (!step.reverse_sql) {
    out += "-- irreversible: " + comment_text(step.irreversible_reason) + "\n";
  }
  if (!step.in_transaction) {
    out += "-- not in a transaction\n";
  }
  if (step.backfill) {
    out += backfill_comment(*step.backfill);
  }
  if (!util::trim(step.forward_sql).empty()) {
    out += terminate_sql(step.forward_sql) + "\n";
  }
  return out;
}

std::string render_sql(const Plan& plan) {
  if (plan.empty()) {
    return "-- No changes. The database matches the desired schema.\n";
  }
  std::string out = fmt::format("-- pgshift plan: {}\n", plural(plan.steps.size(), "step"));
  if (!plan.current_fingerprint.empty() || !plan.desired_fingerprint.empty()) {
    out += fmt::format("-- current schema {}\n-- desired schema {}\n", comment_text(plan.current_fingerprint),
                       comment_text(plan.desired_fingerprint));
  }
  for (const auto& note : plan.notes) {
    out += "-- note: " + comment_text(note) + "\n";
  }
  for_each_phase(plan, [&](int number, Phase phase, const std::vector<const Step*>& steps) {
    out += fmt::format("\n-- ==== Phase {}/4: {} ({}) ====\n", number, phase_name(phase), plural(steps.size(), "step"));
    for (const Step* step : steps) {
      out += "\n" + render_step_sql(*step);
    }
  });
  return out;
}

}  // namespace pgshift::planner
