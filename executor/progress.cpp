// This file implements the progress display helpers (progress.hpp).
#include "executor/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace pgshift::executor {

namespace {

int percent(const BackfillProgress& p) {
  if (p.rows_total <= 0) {
    return p.eta_s && *p.eta_s == 0 ? 100 : 0;
  }
  return static_cast<int>(std::min<int64_t>(100, p.rows_done * 100 / p.rows_total));
}

std::string rate_and_eta(const BackfillProgress& p, const char* sep) {
  std::string out;
  if (p.rows_per_s > 0) {
    out += fmt::format("{}{} rows/s", sep, group_thousands(static_cast<int64_t>(std::llround(p.rows_per_s))));
  }
  if (p.eta_s) {
    out += fmt::format("{}ETA {}", sep, format_duration(*p.eta_s));
  }
  return out;
}

bool final_update(const BackfillProgress& p) {
  return p.eta_s && *p.eta_s == 0 && p.rows_done >= p.rows_total;
}

}  // namespace

std::string group_thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string format_duration(double seconds) {
  auto s = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  if (s >= 3600) {
    return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  }
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string format_bytes(int64_t bytes) {
  double b = static_cast<double>(bytes);
  if (b < 1024) {
    return fmt::format("{} B", bytes);
  }
  if (b < 1024.0 * 1024) {
    return fmt::format("{:.1f} kB", b / 1024);
  }
  if (b < 1024.0 * 1024 * 1024) {
    return fmt::format("{:.1f} MB", b / (1024.0 * 1024));
  }
  return fmt::format("{:.2f} GB", b / (1024.0 * 1024 * 1024));
}

std::string render_transfer_line(const std::string& label, const TransferProgress& p) {
  std::string out = fmt::format("{}: {}", label, format_bytes(p.bytes));
  if (p.total_bytes > 0) {
    out += fmt::format(" of ~{} ({}%)", format_bytes(p.total_bytes),
                       std::min<int64_t>(100, p.bytes * 100 / p.total_bytes));
  } else {
    out += " written";
  }
  if (p.elapsed_s > 0) {
    out += fmt::format(", {}/s, {}", format_bytes(static_cast<int64_t>(std::llround(p.bytes / p.elapsed_s))),
                       format_duration(p.elapsed_s));
  }
  return out;
}

std::string render_progress_bar(const std::string& label, const BackfillProgress& p, int width) {
  int pct = percent(p);
  int filled = width * pct / 100;
  std::string bar =
      std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(width - filled), '-');
  return fmt::format("{}  [{}] {:3}% {}/{} rows{}", label, bar, pct, group_thousands(p.rows_done),
                     group_thousands(p.rows_total), rate_and_eta(p, "  "));
}

std::string render_progress_line(const std::string& label, const BackfillProgress& p) {
  return fmt::format("{}: {}/{} rows ({}%){}", label, group_thousands(p.rows_done), group_thousands(p.rows_total),
                     percent(p), rate_and_eta(p, ", "));
}

ProgressRenderer::ProgressRenderer(bool terminal, std::chrono::milliseconds interval)
    : m_terminal(terminal), m_interval(terminal ? std::chrono::milliseconds(100) : interval) {}

std::string ProgressRenderer::update(const std::string& label, const BackfillProgress& p,
                                     std::chrono::steady_clock::time_point now) {
  return show(final_update(p), m_terminal ? render_progress_bar(label, p) : render_progress_line(label, p), now);
}

std::string ProgressRenderer::update(const std::string& label, const TransferProgress& p,
                                     std::chrono::steady_clock::time_point now) {
  return show(p.finished, render_transfer_line(label, p), now);
}

std::string ProgressRenderer::show(bool final, const std::string& line, std::chrono::steady_clock::time_point now) {
  bool due = !m_last || now - *m_last >= m_interval || final;
  if (!due) {
    return "";
  }
  m_last = now;
  if (m_terminal) {
    m_bar_open = true;
    return "\r" + line + "\x1b[K";
  }
  return line + "\n";
}

std::string ProgressRenderer::finish() {
  m_last.reset();
  if (m_bar_open) {
    m_bar_open = false;
    return "\n";
  }
  return "";
}

}  // namespace pgshift::executor
