// This file implements the text and markdown views of a verify report (verify.hpp). The text view is
// for a terminal; the markdown one a pull-request comment, in the style of `plan --format markdown`.
#include <fmt/format.h>

#include <algorithm>

#include "executor/scratch/verify.hpp"
#include "planner/report/markdown.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

using planner::md_block;
using planner::md_code;
using planner::md_text;

std::string seconds(const std::optional<double>& s) { return s ? fmt::format("{:.2f} s", *s) : "-"; }

std::string plural(size_t n, std::string_view word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

int64_t total_rows(const VerifyReport& r) {
  int64_t rows = 0;
  for (const auto& t : r.tables) rows += t.rows;
  return rows;
}

size_t phase_count(const VerifyReport& r) {
  size_t n = 0;
  for (auto p : planner::k_all_phases) n += r.plan.steps_in(p).empty() ? 0 : 1;
  return n;
}

std::string verdict_line(const VerifyReport& r) {
  if (r.divergence) return fmt::format("NOT PROVEN: {}", r.divergence->stage);
  if (!r.needs_permission.empty()) {
    return fmt::format("NOT PROVEN: `pgshift apply` would refuse this plan without --allow-hazards {}",
                       util::join(r.needs_permission, ","));
  }
  if (r.plan.empty()) return "nothing to prove: the database already matches the desired schema";
  return "PROVEN on a scratch copy";
}

std::string phase_outcome(const PhaseProof& p) {
  if (!p.checked) return "stopped here (see the first divergence)";
  if (!p.schema_restored) return "schema not restored";
  if (!p.data_restored) return "data not restored";
  if (p.lost.empty() && p.side_effects.empty()) return "schema and data as before";
  return fmt::format("schema and data as before, except {}",
                     p.side_effects.empty() ? "what lossy steps lose"
                     : p.lost.empty()       ? "what triggers changed"
                                            : "what lossy steps lose and triggers changed");
}

// A statement on one line for a report: whole-line "--" comments left out, white space runs made one space.
std::string one_line_sql(const std::string& sql) {
  std::vector<std::string> words;
  for (const auto& line : util::split(sql, '\n')) {
    if (util::starts_with(util::trim(line), "--")) continue;
    std::string word;
    for (char c : line + " ") {
      if (c == ' ' || c == '\t' || c == '\r') {
        if (!word.empty()) words.push_back(word);
        word.clear();
      } else {
        word += c;
      }
    }
  }
  return util::join(words, " ");
}

std::string rows_text(const StepRun& s) { return s.rows_backfilled ? std::to_string(*s.rows_backfilled) : "-"; }

std::string retries_text(const StepRun& s) {
  return s.lock_retries == 0 ? "0" : fmt::format("{} ({} ms)", s.lock_retries, s.retry_wait_ms);
}

// Columns padded to their widest cell.
std::string text_table(const std::vector<std::vector<std::string>>& rows, const std::string& indent) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = indent;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out += util::trim(line).empty() ? "\n" : line + "\n";
  }
  return out;
}

std::string text_steps(const VerifyReport& r) {
  std::vector<std::vector<std::string>> rows = {{"phase", "step", "apply", "undo", "lock retries", "rows", "lock"}};
  for (const auto& s : r.steps) {
    rows.push_back({std::string(planner::phase_name(s.phase)), s.id, seconds(s.apply_s), seconds(s.undo_s),
                    retries_text(s), rows_text(s), s.lock});
  }
  return "Steps (the last full apply and rollback on the copy):\n" + text_table(rows, "  ");
}

std::string text_phases(const VerifyReport& r) {
  std::string out = "Rollback from every phase:\n";
  for (const auto& p : r.phases) {
    out += fmt::format("  after {:<9} apply {:.2f} s, rollback {:.2f} s: {}\n", planner::phase_name(p.through),
                       p.apply_s, p.rollback_s, phase_outcome(p));
    for (const auto& l : p.lost) out += "      lost: " + l + "\n";
    for (const auto& e : p.side_effects) out += "      side effect: " + e + "\n";
    for (const auto& n : p.notes) out += "      note: " + n + "\n";
  }
  return out;
}

std::string text_queries(const VerifyReport& r) {
  if (r.queries.empty()) return "";
  std::string out = "Queries (EXPLAIN with enable_seqscan = off, before and after the plan):\n";
  for (size_t i = 0; i < r.queries.size(); ++i) {
    const auto& q = r.queries[i];
    out += fmt::format("  {}. {}: {}\n", i + 1, q.changed ? "plan changed" : "same plan", one_line_sql(q.sql));
    auto side = [&](const char* label, const std::string& plan, const std::string& error) {
      out += fmt::format("       {} {}\n", label, error.empty() ? plan : "fails: " + error);
    };
    side("before:", q.plan_before, q.error_before);
    if (q.changed) side("after: ", q.plan_after, q.error_after);
  }
  if (!r.new_indexes.empty()) {
    out += "  new indexes used: " + (r.new_indexes_used.empty() ? "none" : util::join(r.new_indexes_used, ", ")) + "\n";
    out += "  new indexes no query uses: " +
           (r.new_indexes_unused.empty() ? "none" : util::join(r.new_indexes_unused, ", ")) + "\n";
  }
  return out + "\n";
}

std::string text_copy(const VerifyReport& r) {
  std::string out = fmt::format("Copy: {}, {} rows (up to {} per table) in {:.2f} s\n", plural(r.tables.size(), "table"),
                                total_rows(r), r.sample_rows, r.copy_s);
  for (const auto& t : r.tables) {
    out += fmt::format("  {}: {} rows{}\n", t.table, t.rows,
                       t.orphans_removed ? fmt::format(" ({} without a sampled parent left out)", t.orphans_removed)
                                         : "");
  }
  if (!r.scratch_note.empty()) out += "  note: " + r.scratch_note + "\n";
  for (const auto& note : r.copy_notes) out += "  note: " + note + "\n";
  return out;
}

}  // namespace

std::string render_verify_text(const VerifyReport& r) {
  std::string out = "pgshift verify: " + verdict_line(r) + "\n\n" + text_copy(r);
  out += fmt::format("Plan: {} in {} phase(s)\n\n", plural(r.plan.steps.size(), "step"), phase_count(r));
  if (!r.plan.empty()) {
    out += text_steps(r) + "\n";
    if (!r.phases.empty()) out += text_phases(r) + "\n";
    if (r.desired_reached) out += "After the last phase the copy matches the desired schema; a new plan is empty.\n\n";
  }
  out += text_queries(r);
  if (!r.needs_permission.empty()) {
    out += fmt::format("Permission: the plan has hazards that need --allow-hazards {} (pass them to verify as you "
                       "will to apply).\n\n",
                       util::join(r.needs_permission, ","));
  }
  if (r.divergence) {
    out += fmt::format("First divergence ({}): {}\n", r.divergence->stage, r.divergence->message);
    if (!r.divergence->diff.empty()) out += "\n" + r.divergence->diff;
    out += "\n";
  }
  out += fmt::format("Scratch database {} {}. Total {:.2f} s.\n", r.scratch_database,
                     r.scratch_dropped ? "dropped" : "NOT dropped: drop it by hand", r.total_s);
  return out;
}

std::string render_verify_markdown(const VerifyReport& r) {
  std::string out = "## pgshift verify\n\n";
  out += fmt::format("**{}**", md_text(verdict_line(r)));
  out += fmt::format(" (copy: {}, {} rows, up to {} per table; plan: {} in {} phase(s); {:.1f} s)\n\n",
                     plural(r.tables.size(), "table"), total_rows(r), r.sample_rows, plural(r.plan.steps.size(), "step"),
                     phase_count(r), r.total_s);
  if (r.divergence) {
    out += fmt::format("**First divergence** ({}): {}\n\n", md_text(r.divergence->stage), md_text(r.divergence->message));
    if (!r.divergence->diff.empty()) out += md_block("diff", r.divergence->diff) + "\n";
  }
  if (!r.plan.empty()) {
    out += "| Phase | Step | Apply | Undo | Lock retries | Rows | Lock |\n|---|---|--:|--:|--:|--:|---|\n";
    for (const auto& s : r.steps) {
      out += fmt::format("| {} | {}{} | {} | {} | {} | {} | {} |\n", planner::phase_name(s.phase), md_code(s.id),
                         s.loses_data ? " (loses data)" : "", seconds(s.apply_s), seconds(s.undo_s), retries_text(s),
                         rows_text(s), md_text(s.lock));
    }
    out += "\n";
  }
  if (!r.phases.empty()) {
    out += "| Rolled back after | Apply | Rollback | Result |\n|---|--:|--:|---|\n";
    for (const auto& p : r.phases) {
      std::string result = md_text(phase_outcome(p));
      for (const auto& l : p.lost) result += "<br>lost: " + md_text(l);
      for (const auto& e : p.side_effects) result += "<br>side effect: " + md_text(e);
      out += fmt::format("| {} | {:.2f} s | {:.2f} s | {} |\n", planner::phase_name(p.through), p.apply_s,
                         p.rollback_s, result);
    }
    out += "\n";
  }
  if (r.desired_reached && !r.plan.empty()) out += "After the last phase the copy matches the desired schema; a new plan is empty.\n\n";
  if (!r.queries.empty()) {
    out += "| Query | Plan | Before | After |\n|---|---|---|---|\n";
    for (const auto& q : r.queries) {
      auto cell = [](const std::string& plan, const std::string& error) {
        return error.empty() ? md_text(plan) : "fails: " + md_text(error);
      };
      out += fmt::format("| {} | {} | {} | {} |\n", md_code(one_line_sql(q.sql)), q.changed ? "**changed**" : "same",
                         cell(q.plan_before, q.error_before), q.changed ? cell(q.plan_after, q.error_after) : "");
    }
    out += fmt::format("\nNew indexes used: {}. New indexes no query uses: {}.\n\n",
                       r.new_indexes_used.empty() ? "none" : md_text(util::join(r.new_indexes_used, ", ")),
                       r.new_indexes_unused.empty() ? "none" : md_text(util::join(r.new_indexes_unused, ", ")));
  }
  out += fmt::format("<sub>Scratch database `{}` {}.</sub>\n", r.scratch_database,
                     r.scratch_dropped ? "dropped" : "**not dropped**");
  return out;
}

}  // namespace pgshift::executor
