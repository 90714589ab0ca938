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

// Asks `question` on the terminal, adding " Only 'yes' will be accepted: "; true only for "yes".
// When stdin is not a terminal, throws pgshift::Error "refusing to <action> without confirmation:
// stdin is not a terminal" with `hint`.
bool confirm(const std::string& question, const std::string& action, const std::string& hint);

// Runs `run` with an event sink that writes the executor's events to stdout (executor/event_text.hpp;
// a progress bar on a terminal), and finishes the progress display before returning or rethrowing.
void print_events(const std::function<void(const executor::EventSink&)>& run, int max_lock_retries = 8);

// Appends "N soft-dropped objects hold X (M past retention: `pgshift purge`)" when pgshift.trash has rows.
void add_trash_notes(pqxx::connection& conn, std::vector<std::string>& notes);
// After an apply: a line naming the trashed objects past retention, suggesting `pgshift purge`.
void print_expired_trash(pqxx::connection& conn);

}  // namespace pgshift::cli
