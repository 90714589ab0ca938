// This file implements the drift report views: text for a terminal or a cron mail, JSON for alerting
// (keys documented in docs/drift-format.md), and markdown for an issue or pull-request comment.
#include <fmt/format.h>

#include <algorithm>

#include "planner/drift.hpp"
#include "planner/report/markdown.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {

using nlohmann::json;

namespace {

struct Counts {
  size_t changed = 0, extra = 0, missing = 0;
};

Counts count(const DriftReport& report) {
  Counts c;
  for (const auto& item : report.items) {
    c.changed += item.status == DriftStatus::changed;
    c.extra += item.status == DriftStatus::extra;
    c.missing += item.status == DriftStatus::missing;
  }
  return c;
}

std::string plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string_view status_json(const DriftReport& report) {
  if (!report.has_verdict()) {
    return "migration_in_flight";
  }
  return report.drifted() ? "drift" : "match";
}

char status_sign(DriftStatus status) {
  switch (status) {
    case DriftStatus::changed: return '~';
    case DriftStatus::extra: return '+';
    case DriftStatus::missing: return '-';
  }
  return '?';
}

std::string_view status_phrase(DriftStatus status) {
  switch (status) {
    case DriftStatus::changed: return "differs";
    case DriftStatus::extra: return "in the database, not in the schema files";
    case DriftStatus::missing: return "in the schema files, missing from the database";
  }
  return "";
}

std::string summary(const DriftReport& report) {
  Counts c = count(report);
  return fmt::format("{} ({} changed, {} extra, {} missing)", plural(report.items.size(), "difference"), c.changed,
                     c.extra, c.missing);
}

std::string migration_line(const MigrationInFlight& m) {
  return fmt::format("Migration {} is in flight (last completed phase: {})", m.id,
                     m.last_phase.empty() ? "none" : m.last_phase);
}

// Terminal-safe: control bytes other than line breaks shown as '?'.
std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n') || byte == 0x7f) {
      c = '?';
    }
  }
  return out;
}

// "expected: first line" with further lines indented under it.
std::string labelled(std::string_view label, std::string_view text) {
  std::string out;
  std::string head = fmt::format("{:<10}", fmt::format("{}:", label));
  auto lines = util::split(printable(text), '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    out += fmt::format("      {}{}\n", i == 0 ? head : std::string(head.size(), ' '), lines[i]);
  }
  return out;
}

std::string text_item(const DriftItem& item, bool color) {
  std::string_view on = color ? (item.status == DriftStatus::changed ? "\x1b[33m" : item.status == DriftStatus::extra ? "\x1b[32m" : "\x1b[31m") : "";
  std::string_view off = color ? "\x1b[0m" : "";
  std::string out = fmt::format("  {}{}{} {} {}: {}\n", on, status_sign(item.status), off, item.kind,
                                printable(item.name), item.what.empty() ? status_phrase(item.status) : item.what);
  std::replace(out.begin(), out.end() - 1, '\n', ' ');
  if (item.status != DriftStatus::extra) {
    out += labelled("expected", item.expected);
  }
  if (item.status != DriftStatus::missing) {
    out += labelled("actual", item.actual);
  }
  return out;
}

std::string md_item_definitions(const DriftItem& item) {
  std::string body;
  if (item.status != DriftStatus::extra) {
    body += "-- expected (schema files)\n" + item.expected + "\n";
  }
  if (item.status != DriftStatus::missing) {
    body += "-- actual (database)\n" + item.actual + "\n";
  }
  return fmt::format("**{}** {} {}\n\n{}\n", drift_status_name(item.status), md_text(item.kind), md_code(item.name),
                     md_block("sql", body));
}

}  // namespace

std::string render_drift_text(const DriftReport& report, bool color) {
  std::string out;
  if (report.migration) {
    out += migration_line(*report.migration);
    out += report.strict ? "; --strict: every difference is reported.\n"
                         : ": drift is not judged until it completes (use --strict to judge anyway).\n";
  }
  if (!report.has_verdict()) {
    if (report.drifted()) {
      out += fmt::format("\nDifferences while it runs (not judged: the migration makes some or all of them): {}.\n\n", summary(report));
    }
  } else if (!report.drifted()) {
    out += "No drift. The database matches the desired schema.\n";
  } else {
    out += fmt::format("Drift: {}.\n\n", summary(report));
  }
  for (const auto& item : report.items) {
    out += text_item(item, color);
  }
  if (report.ignored > 0) {
    out += fmt::format("\n({} ignored by --ignore patterns)\n", plural(report.ignored, "difference"));
  }
  if (!report.notes.empty()) {
    out += "\nNotes:\n";
    for (const auto& note : report.notes) {
      out += "  - " + printable(note) + "\n";
    }
  }
  return out;
}

json drift_to_json(const DriftReport& report) {
  Counts c = count(report);
  json items = json::array();
  for (const auto& item : report.items) {
    items.push_back(json{
        {"status", std::string(drift_status_name(item.status))},
        {"kind", item.kind},
        {"name", item.name},
        {"what", item.what},
        {"expected", item.status == DriftStatus::extra ? json(nullptr) : json(item.expected)},
        {"actual", item.status == DriftStatus::missing ? json(nullptr) : json(item.actual)},
    });
  }
  json migration = report.migration ? json{{"id", report.migration->id}, {"last_phase", report.migration->last_phase}}
                                    : json(nullptr);
  return json{
      {"format_version", 1},
      {"status", std::string(status_json(report))},
      {"strict", report.strict},
      {"migration", migration},
      {"summary", json{{"changed", c.changed}, {"extra", c.extra}, {"missing", c.missing}, {"ignored", report.ignored}}},
      {"differences", items},
      {"notes", report.notes},
  };
}

std::string drift_to_json_text(const DriftReport& report) {
  try {
    return drift_to_json(report).dump(2) + "\n";
  } catch (const json::type_error& e) {
    throw Error(fmt::format("cannot write the drift report as JSON: {}", e.what()), {},
                "an object name or definition is not valid UTF-8");
  }
}

std::string render_drift_markdown(const DriftReport& report) {
  std::string out = "## pgshift drift\n\n";
  if (report.migration) {
    out += md_text(migration_line(*report.migration)) +
           (report.strict ? "; differences are judged anyway (`--strict`).\n\n"
                          : ": drift is not judged until it completes.\n\n");
  }
  if (report.has_verdict() && !report.drifted()) {
    out += "**No drift.** The database matches the desired schema.\n\n";
  } else if (report.drifted()) {
    out += fmt::format("**{}**: {}.\n\n", report.has_verdict() ? "Drift" : "Differences (migration in flight)",
                       summary(report));
    out += "| Status | Kind | Object | Differs |\n|---|---|---|---|\n";
    for (const auto& item : report.items) {
      out += fmt::format("| {} | {} | {} | {} |\n", drift_status_name(item.status), md_text(item.kind), md_code(item.name),
                         md_text(item.what.empty() ? status_phrase(item.status) : item.what));
    }
    std::string definitions;
    for (const auto& item : report.items) {
      definitions += md_item_definitions(item);
    }
    out += "\n<details>\n<summary>Definitions: expected and actual</summary>\n\n" + definitions + "</details>\n\n";
  }
  if (report.ignored > 0) {
    out += fmt::format("{} ignored by `--ignore` patterns.\n\n", plural(report.ignored, "difference"));
  }
  if (!report.notes.empty()) {
    out += "### Notes\n\n";
    for (const auto& note : report.notes) {
      out += "- " + md_text(note) + "\n";
    }
    out += "\n";
  }
  while (out.ends_with("\n\n")) {
    out.pop_back();
  }
  return out;
}

}  // namespace pgshift::planner
