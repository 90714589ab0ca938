// The words for apply and rollback events, for the cli to write: the executor itself never prints.
#pragma once

#include <functional>
#include <string>

#include "executor/events.hpp"
#include "executor/progress.hpp"

namespace pgshift::executor {

// One or more lines ending in '\n' for `e`, or "" for events shown otherwise (backfill and transfer progress).
//   step_started   "==> [add] add_column:public.users.email: adds the column (no rewrite)\n"
//   step_finished  "    done in 0.12 s\n"
//   step_retry     "    lock not available (SQLSTATE 55P03); retry 2 of 9 in 230 ms\n"
//   blocking_sessions  the message, then "    pid 123, idle in transaction for 12.3 s, on public.users: SELECT ...\n"
std::string event_text(const Event& e, int max_lock_retries = 8);

// Writes events through `write`: text lines as above, backfill and transfer progress through a ProgressRenderer
// (a bar when `terminal`). Call finish() before writing anything else after the last event.
class EventPrinter {
 public:
  EventPrinter(bool terminal, std::function<void(const std::string&)> write, int max_lock_retries = 8);
  void operator()(const Event& e);
  void finish();

 private:
  ProgressRenderer m_progress;
  std::function<void(const std::string&)> m_write;
  int m_max_lock_retries;
};

}  // namespace pgshift::executor
