// This file implements the markdown view of a plan, written as a pull-request comment: a summary
// table per phase, a hazards table by severity, the SQL per phase in collapsible blocks, and the
// reverse SQL in the order a rollback runs it.
#include <fmt/format.h>

#include <algorithm>

#include "planner/report/markdown.hpp"
#include "planner/report/phases.hpp"
#include "planner/report/render.hpp"

namespace pgshift::planner {

// Defined in render_sql.cpp (to move to render.hpp).
std::string render_step_sql(const Step& step);
std::string terminate_sql(std::string_view sql);

namespace {

// The graded severity (grading.cpp), blockers in bold; a hazard that needs --allow-hazards says so.
std::string severity_cell(const Hazard& h) {
  std::string name(planner::severity_name(h.severity));
  if (h.severity == Severity::blocker) name = "**" + name + "**";
  return hazard_needs_permission(h) ? name + " (needs `--allow-hazards`)" : name;
}

// A fenced ```sql block that the content cannot close early.
std::string sql_block(std::string_view sql) { return md_block("sql", std::string(sql) + "\n"); }

std::string details(std::string_view summary, std::string_view body) {
  return fmt::format("<details>\n<summary>{}</summary>\n\n{}\n</details>\n\n", summary, body);
}

std::string plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string summary_table(const Plan& plan) {
  std::string out = "| Phase | Steps | Add | Change | Drop |\n|---|--:|--:|--:|--:|\n";
  int number = 0;
  for (Phase phase : k_all_phases) {
    size_t add = 0, drop = 0, change = 0;
    auto steps = plan.steps_in(phase);
    for (const Step* step : steps) {
      add += step->change == '+';
      drop += step->change == '-';
      change += step->change != '+' && step->change != '-';
    }
    out += fmt::format("| {}. {} | {} | {} | {} | {} |\n", ++number, phase_name(phase), steps.size(), add, change, drop);
  }
  return out;
}

std::string hazards_section(const Plan& plan) {
  struct Row {
    int rank;  // blockers first, then what needs permission, then by severity
    const Step* step;
    const Hazard* hazard;
  };
  std::vector<Row> rows;
  for (const auto& step : plan.steps) {
    for (const auto& hazard : step.hazards) {
      int rank = (2 - static_cast<int>(hazard.severity)) * 2 + (hazard_needs_permission(hazard) ? 0 : 1);
      rows.push_back({rank, &step, &hazard});
    }
  }
  if (rows.empty()) {
    return "### Hazards\n\nNone.\n\n";
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.rank < b.rank; });
  std::string out = "### Hazards\n\n| Severity | Hazard | Phase | Step | Details |\n|---|---|---|---|---|\n";
  for (const auto& row : rows) {
    out += fmt::format("| {} | `{}` | {} | {} | {} |\n", severity_cell(*row.hazard), hazard_name(row.hazard->kind),
                       phase_name(row.step->phase), md_code(row.step->id), md_text(row.hazard->message));
  }
  return out + "\n";
}

std::string forward_section(const Plan& plan) {
  std::string out = "### SQL\n\n";
  for_each_phase(plan, [&](int number, Phase phase, const std::vector<const Step*>& steps) {
    std::string sql;
    for (const Step* step : steps) {
      sql += (sql.empty() ? "" : "\n") + render_step_sql(*step);
    }
    sql.pop_back();  // the block's closing fence brings its own line break
    out += details(fmt::format("Phase {}/4: {} ({})", number, phase_name(phase), plural(steps.size(), "step")),
                   sql_block(sql));
  });
  return out;
}

std::string reverse_step_sql(const Step& step) {
  if (!step.reverse_sql) {
    std::string reason = step.irreversible_reason.empty() ? "no reverse" : step.irreversible_reason;
    std::string line = fmt::format("-- {}: IRREVERSIBLE: {}", step.id, reason);
    std::replace(line.begin(), line.end(), '\n', ' ');
    return line + "\n";
  }
  std::string header = fmt::format("-- undo {}", step.id);
  std::replace(header.begin(), header.end(), '\n', ' ');
  if (step.reverse_sql->empty()) {
    return header + ": nothing to undo\n";
  }
  return header + "\n" + terminate_sql(*step.reverse_sql) + "\n";
}

std::string reverse_section(const Plan& plan) {
  std::string out = "### Reverse SQL\n\nA rollback runs these from the last step back to the first.\n\n";
  for (int number = 4; number >= 1; --number) {
    Phase phase = k_all_phases[number - 1];
    auto steps = plan.steps_in(phase);
    if (steps.empty()) {
      continue;
    }
    std::string sql;
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
      sql += (sql.empty() ? "" : "\n") + reverse_step_sql(**it);
    }
    sql.pop_back();
    out += details(fmt::format("Undo phase {}/4: {} ({})", number, phase_name(phase), plural(steps.size(), "step")),
                   sql_block(sql));
  }
  return out;
}

std::string notes_section(const Plan& plan) {
  if (plan.notes.empty()) {
    return "";
  }
  std::string out = "### Notes\n\n";
  for (const auto& note : plan.notes) {
    out += "- " + md_text(note) + "\n";
  }
  return out + "\n";
}

}  // namespace

std::string render_markdown(const Plan& plan) {
  std::string out = "## pgshift plan\n\n";
  if (plan.empty()) {
    out += "No changes. The database matches the desired schema.\n\n" + notes_section(plan);
  } else {
    size_t add = 0, drop = 0;
    for (const auto& step : plan.steps) {
      add += step.change == '+';
      drop += step.change == '-';
    }
    out += fmt::format("**{}**: {} to add, {} to change, {} to drop.\n\n", plural(plan.steps.size(), "step"), add,
                       plan.steps.size() - add - drop, drop);
    out += summary_table(plan) + "\n" + hazards_section(plan) + notes_section(plan) + forward_section(plan) +
           reverse_section(plan);
  }
  while (out.size() >= 2 && out.ends_with("\n\n")) {
    out.pop_back();
  }
  return out;
}

}  // namespace pgshift::planner
