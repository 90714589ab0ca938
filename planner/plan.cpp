// This file implements the small vocabulary of plan.hpp: phase and hazard names, their parsing,
// and the per-phase view of a plan.
#include "planner/plan.hpp"

#include <array>
#include <utility>

#include "util/strings.hpp"

namespace pgshift::planner {

namespace {

constexpr std::array<std::pair<HazardKind, std::string_view>, 9> k_hazard_names{{
    {HazardKind::access_exclusive_lock, "ACCESS_EXCLUSIVE_LOCK"},
    {HazardKind::share_lock, "SHARE_LOCK"},
    {HazardKind::table_rewrite, "TABLE_REWRITE"},
    {HazardKind::full_table_scan, "FULL_TABLE_SCAN"},
    {HazardKind::index_build, "INDEX_BUILD"},
    {HazardKind::long_backfill, "LONG_BACKFILL"},
    {HazardKind::deletes_data, "DELETES_DATA"},
    {HazardKind::backward_incompatible, "BACKWARD_INCOMPATIBLE"},
    {HazardKind::irreversible, "IRREVERSIBLE"},
}};

// Upper case with '-' read as '_', so "deletes-data" and "Deletes_Data" both name DELETES_DATA.
std::string normalize_word(std::string_view text) {
  std::string out = util::to_lower(util::trim(text));
  for (char& c : out) {
    if (c == '-') {
      c = '_';
    } else if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

}  // namespace

std::string_view phase_name(Phase phase) {
  switch (phase) {
    case Phase::add: return "add";
    case Phase::backfill: return "backfill";
    case Phase::switch_over: return "switch";
    case Phase::drop: return "drop";
  }
  return "unknown";
}

std::optional<Phase> parse_phase(std::string_view text) {
  std::string word = util::to_lower(util::trim(text));
  if (word == "add" || word == "expand") {
    return Phase::add;
  }
  if (word == "backfill") {
    return Phase::backfill;
  }
  if (word == "switch" || word == "switch_over" || word == "switch-over") {
    return Phase::switch_over;
  }
  if (word == "drop" || word == "contract") {
    return Phase::drop;
  }
  return std::nullopt;
}

std::string_view hazard_name(HazardKind kind) {
  for (const auto& [k, name] : k_hazard_names) {
    if (k == kind) {
      return name;
    }
  }
  return "UNKNOWN";
}

std::optional<HazardKind> parse_hazard(std::string_view text) {
  std::string word = normalize_word(text);
  for (const auto& [kind, name] : k_hazard_names) {
    if (word == name) {
      return kind;
    }
  }
  return std::nullopt;
}

bool hazard_needs_permission(HazardKind kind) {
  switch (kind) {
    case HazardKind::deletes_data:
    case HazardKind::table_rewrite:
    case HazardKind::backward_incompatible:
    case HazardKind::irreversible:
      return true;
    default:
      return false;
  }
}

bool hazard_needs_permission(const Hazard& hazard) {
  return hazard_needs_permission(hazard.kind) || hazard.severity == Severity::blocker;
}

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::note:
      return "note";
    case Severity::warning:
      return "warning";
    case Severity::blocker:
      return "blocker";
  }
  return "warning";
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (Severity s : {Severity::note, Severity::warning, Severity::blocker}) {
    if (text == severity_name(s)) return s;
  }
  return std::nullopt;
}

std::vector<const Step*> Plan::steps_in(Phase phase) const {
  std::vector<const Step*> out;
  for (const auto& step : steps) {
    if (step.phase == phase) {
      out.push_back(&step);
    }
  }
  return out;
}

}  // namespace pgshift::planner
