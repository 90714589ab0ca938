// What several commands print, written once: colour on a terminal, the yes/no confirmation, the
// executor's events, and the trash notes of soft drop (docs/soft-drop.md).
#pragma once

#include <functional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "executor/events.hpp"

namespace pgshift::cli {

// True when stdout is a terminal and NO_COLOR is unset or empty.
bool use_color();

// What a command asks before it changes something for good.
struct Confirmation {
  std::string question;   // e.g. "\nApply this plan?" (" Only 'yes' will be accepted: " is added)
  std::string action;     // "apply": in "refusing to apply without confirmation: stdin is not a terminal"
  std::string hint;       // the hint of that refusal
  std::string cancelled;  // printed when the answer is not "yes", e.g. "Apply cancelled."
};

// True when `yes` (--yes) was given or the user answers "yes" on the terminal. Otherwise prints
// `cancelled` and sets the exit code to 1. Throws pgshift::Error when it must ask and stdin is not a
// terminal.
bool confirmed(bool yes, const Confirmation& c);

// Runs `run` with an event sink that writes the executor's events to stdout (executor/event_text.hpp;
// a progress bar on a terminal), and finishes the progress display before returning or rethrowing.
void print_events(const std::function<void(const executor::EventSink&)>& run, int max_lock_retries = 8);

// Appends "N soft-dropped objects hold X (M past retention: `pgshift purge`)" when pgshift.trash has rows.
void add_trash_notes(pqxx::connection& conn, std::vector<std::string>& notes);
// After an apply: a line naming the trashed objects past retention, suggesting `pgshift purge`.
void print_expired_trash(pqxx::connection& conn);

}  // namespace pgshift::cli
