// This file implements the text view of a plan, read like Terraform's: a summary line, then per
// non-empty phase its steps as `+`/`~`/`-` object: description, with hazards under each step.
#include <fmt/format.h>

#include "planner/report/phases.hpp"
#include "planner/report/render.hpp"

namespace pgshift::planner {

namespace {

struct Palette {
  std::string_view bold, dim, red, green, yellow, reset;
};
constexpr Palette k_color{"\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[0m"};
constexpr Palette k_plain{"", "", "", "", "", ""};

std::string_view phase_blurb(Phase phase) {
  switch (phase) {
    case Phase::add: return "new objects, the old application keeps working";
    case Phase::backfill: return "batched data changes and validations";
    case Phase::switch_over: return "the schema switches to its new shape";
    case Phase::drop: return "old objects are removed";
  }
  return "";
}

std::string plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string_view change_color(char change, const Palette& p) {
  switch (change) {
    case '+': return p.green;
    case '-': return p.red;
    default: return p.yellow;
  }
}

// "Plan: 2 to add, 1 to change, 1 to drop (4 steps in 3 phases)."
std::string summary_line(const Plan& plan, const Palette& p) {
  size_t add = 0, change = 0, drop = 0, phases = 0;
  for (const auto& step : plan.steps) {
    add += step.change == '+';
    drop += step.change == '-';
    change += step.change != '+' && step.change != '-';
  }
  for (Phase phase : k_all_phases) {
    phases += plan.steps_in(phase).empty() ? 0 : 1;
  }
  return fmt::format("{}Plan:{} {} to add, {} to change, {} to drop ({} in {}).\n", p.bold, p.reset, add, change,
                     drop, plural(plan.steps.size(), "step"), plural(phases, "phase"));
}

// One line of text: a newline in a description would break the layout, and a control character in a
// hostile name could drive the terminal, so whitespace becomes ' ' and other control bytes '?'.
std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r' || c == '\t') {
      c = ' ';
    } else if (byte < 0x20 || byte == 0x7f) {
      c = '?';
    }
  }
  return out;
}

void render_step(std::string& out, const Step& step, const Palette& p) {
  auto color = change_color(step.change, p);
  const std::string& object = step.object.empty() ? step.id : step.object;
  out += fmt::format("  {}{}{} {}{}{}", color, step.change, p.reset, p.bold, one_line(object), p.reset);
  if (!step.description.empty()) {
    out += ": " + one_line(step.description);
  }
  if (!step.in_transaction) {
    out += fmt::format(" {}(not in a transaction){}", p.dim, p.reset);
  }
  out += "\n";
  for (const auto& hazard : step.hazards) {
    auto hazard_color = hazard_needs_permission(hazard) ? p.red : hazard.severity == Severity::note ? p.dim : p.yellow;
    out += fmt::format("      {}! {} ({}){}: {}\n", hazard_color, hazard_name(hazard.kind), severity_name(hazard.severity), p.reset,
                       one_line(hazard.message));
  }
}

}  // namespace

std::string render_text(const Plan& plan, const RenderOptions& options) {
  const Palette& p = options.color ? k_color : k_plain;
  std::string out;
  if (plan.empty()) {
    out = fmt::format("{}No changes.{} The database matches the desired schema.\n", p.bold, p.reset);
  } else {
    out = summary_line(plan, p);
    for_each_phase(plan, [&](int number, Phase phase, const std::vector<const Step*>& steps) {
      out += fmt::format("\n{}Phase {}/4: {}{} ({}; {})\n", p.bold, number, phase_name(phase), p.reset,
                         plural(steps.size(), "step"), phase_blurb(phase));
      for (const Step* step : steps) {
        render_step(out, *step, p);
      }
    });
  }
  if (!plan.notes.empty()) {
    out += fmt::format("\n{}Notes:{}\n", p.bold, p.reset);
    for (const auto& note : plan.notes) {
      out += "  - " + one_line(note) + "\n";
    }
  }
  return out;
}

}  // namespace pgshift::planner
