// This file implements the golden-test text of a plan: per step its phase, id, forward SQL, reverse
// SQL and hazards, in a fixed layout with nothing time- or environment-dependent, so a plan change
// shows as a readable diff of tests/golden/<case>/plan.txt.
#include <fmt/format.h>

#include "planner/report/render.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {

// Defined in render_sql.cpp (to move to render.hpp).
std::string backfill_update_template(const Backfill& backfill);

namespace {

// Each line indented by two spaces; blank lines stay empty; trailing blank lines dropped.
std::string indented(std::string_view text) {
  std::string out;
  for (const auto& line : util::split(util::trim(text), '\n')) {
    std::string_view view = line;
    while (!view.empty() && (view.back() == ' ' || view.back() == '\t' || view.back() == '\r')) {
      view.remove_suffix(1);
    }
    out += view.empty() ? "\n" : fmt::format("  {}\n", view);
  }
  return out;
}

std::string reverse_text(const Step& step) {
  if (!step.reverse_sql) {
    return fmt::format("  IRREVERSIBLE: {}\n", step.irreversible_reason);
  }
  if (util::trim(*step.reverse_sql).empty()) {
    return "  (nothing to undo)\n";
  }
  return indented(*step.reverse_sql);
}

std::string hazards_text(const Step& step) {
  std::vector<std::string> names;
  for (const auto& hazard : step.hazards) {
    names.emplace_back(hazard_name(hazard.kind));
  }
  return names.empty() ? "none" : util::join(names, ", ");
}

std::string render_golden_step(const Step& step) {
  std::string out = fmt::format("phase: {}\nid: {}\n", phase_name(step.phase), step.id);
  if (!step.in_transaction) {
    out += "in_transaction: false\n";
  }
  out += "forward:\n";
  out += util::trim(step.forward_sql).empty() ? "  (none)\n" : indented(step.forward_sql);
  if (step.backfill) {
    const Backfill& backfill = *step.backfill;
    out += fmt::format("backfill: batches of {} by ({})\n", backfill.batch_size, util::join(backfill.key, ", "));
    out += indented(backfill_update_template(backfill));
  }
  out += "reverse:\n" + reverse_text(step);
  if (!step.precheck_sql.empty()) out += "precheck:\n" + indented(step.precheck_sql);
  out += "hazards: " + hazards_text(step) + "\n";
  return out;
}

}  // namespace

std::string render_golden(const Plan& plan) {
  if (plan.empty() && plan.notes.empty()) {
    return "(no changes)\n";
  }
  std::string out;
  for (const auto& step : plan.steps) {
    out += (out.empty() ? "" : "\n") + render_golden_step(step);
  }
  if (!plan.notes.empty() && !out.empty()) {
    out += "\n";
  }
  for (const auto& note : plan.notes) {
    out += fmt::format("note: {}\n", note);
  }
  return out;
}

}  // namespace pgshift::planner
