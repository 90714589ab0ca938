// This file implements the text of apply and rollback events (event_text.hpp).
#include "executor/event_text.hpp"

#include <fmt/format.h>

namespace pgshift::executor {

namespace {

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      c = ' ';
    }
  }
  return text;
}

std::string sessions_text(const Event& e) {
  std::string out = "pgshift: warning: " + e.message + "\n";
  for (const auto& s : e.sessions) {
    out +=
        fmt::format("    pid {}, {} for {:.1f} s, on {}{}: {}\n", s.pid, s.state.empty() ? "active" : s.state, s.age_s,
                    s.tables, s.application_name.empty() ? "" : " (" + s.application_name + ")", one_line(s.query));
  }
  return out;
}

}  // namespace

std::string event_text(const Event& e, int max_lock_retries) {
  std::string phase = e.phase ? std::string(planner::phase_name(*e.phase)) : "";
  switch (e.kind) {
    case EventKind::info:
      return e.message + "\n";
    case EventKind::warning:
      return fmt::format("pgshift: warning: {}{}\n", e.step_id.empty() ? "" : e.step_id + ": ", e.message);
    case EventKind::blocking_sessions:
      return sessions_text(e);
    case EventKind::step_started:
      return fmt::format("==> [{}] {}{}\n", phase, e.step_id, e.message.empty() ? "" : ": " + one_line(e.message));
    case EventKind::step_skipped:
      return fmt::format("    [{}] {}: {}\n", phase, e.step_id, e.message);
    case EventKind::step_finished:
      return fmt::format("    done in {:.2f} s\n", e.elapsed_s);
    case EventKind::step_retry:
      return fmt::format("    {} (SQLSTATE {}); retry {} of {} in {} ms\n", one_line(e.message), e.sqlstate, e.attempt,
                         max_lock_retries, e.delay_ms);
    case EventKind::step_failed:  // the error that follows says what and why
      return fmt::format("    failed after {} attempt(s) (SQLSTATE {})\n", e.attempt, e.sqlstate);
    case EventKind::backfill_progress:
    case EventKind::transfer_progress:
      return "";
    case EventKind::phase_finished:
      return fmt::format("--- phase {} done\n", phase);
  }
  return "";
}

EventPrinter::EventPrinter(bool terminal, std::function<void(const std::string&)> write, int max_lock_retries)
    : m_progress(terminal), m_write(std::move(write)), m_max_lock_retries(max_lock_retries) {}

void EventPrinter::operator()(const Event& e) {
  if (e.kind == EventKind::backfill_progress && e.progress) {
    std::string text = m_progress.update(e.step_id, *e.progress);
    if (!text.empty()) {
      m_write(text);
    }
    return;
  }
  if (e.kind == EventKind::transfer_progress && e.transfer) {
    std::string text = m_progress.update(e.step_id, *e.transfer);
    if (!text.empty()) {
      m_write(text);
    }
    if (e.transfer->finished) {
      finish();
    }
    return;
  }
  finish();
  std::string text = event_text(e, m_max_lock_retries);
  if (!text.empty()) {
    m_write(text);
  }
}

void EventPrinter::finish() {
  std::string text = m_progress.finish();
  if (!text.empty()) {
    m_write(text);
  }
}

}  // namespace pgshift::executor
