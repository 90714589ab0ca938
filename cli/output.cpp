// This file implements what several commands print (output.hpp).
#include "cli/output.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "executor/event_text.hpp"
#include "executor/trash.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::cli {

bool use_color() {
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || *no_color == '\0');
}

bool confirmed(bool yes, const Confirmation& c) {
  if (yes) {
    return true;
  }
  if (isatty(STDIN_FILENO) != 1) {
    throw Error("refusing to " + c.action + " without confirmation: stdin is not a terminal", {}, c.hint);
  }
  std::cout << c.question << " Only 'yes' will be accepted: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (util::trim(answer) == "yes") {
    return true;
  }
  std::cout << c.cancelled << "\n";
  set_exit_code(k_exit_error);
  return false;
}

void print_events(const std::function<void(const executor::EventSink&)>& run, int max_lock_retries) {
  executor::EventPrinter printer(
      isatty(STDOUT_FILENO) == 1, [](const std::string& text) { std::cout << text << std::flush; }, max_lock_retries);
  try {
    run([&printer](const executor::Event& e) { printer(e); });
  } catch (...) {
    printer.finish();
    throw;
  }
  printer.finish();
}

void add_trash_notes(pqxx::connection& conn, std::vector<std::string>& notes) {
  auto s = executor::summarize(executor::list_trash(conn));
  if (s.count == 0) {
    return;
  }
  std::string note = fmt::format("{} soft-dropped object(s) hold {} in the trash (ignored by plan and drift)", s.count,
                                 executor::format_bytes(s.bytes));
  if (s.expired > 0) {
    note += fmt::format("; {} past retention ({}): `pgshift purge` removes them", s.expired, executor::format_bytes(s.expired_bytes));
  }
  notes.push_back(note);
}

void print_expired_trash(pqxx::connection& conn) {
  auto s = executor::summarize(executor::list_trash(conn));
  if (s.expired > 0) {
    std::cout << fmt::format("Trash: {} soft-dropped object(s) past retention hold {}; `pgshift purge` removes them.\n",
                             s.expired, executor::format_bytes(s.expired_bytes));
  }
}

}  // namespace pgshift::cli
