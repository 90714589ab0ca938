// Rendering backfill and dump/restore progress for the cli, which does the writing: on a terminal a bar redrawn in
// place ("\r...\x1b[K"), otherwise one plain line every few seconds.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "executor/events.hpp"

namespace pgshift::executor {

// "backfill:public.users.email_new  [#########-----------]  45% 450,000/1,000,000 rows  52,310 rows/s  ETA 0:11"
std::string render_progress_bar(const std::string& label, const BackfillProgress& p, int width = 30);
// "backfill users.email_new: 450,000/1,000,000 rows (45%), 52,310 rows/s, ETA 0:11"
std::string render_progress_line(const std::string& label, const BackfillProgress& p);
// "pg_dump: 12.3 MB written, 6.1 MB/s, 0:02"; with a total: "pg_restore: 45.0 MB of ~132.0 MB (34%), 15.2 MB/s, 0:03".
std::string render_transfer_line(const std::string& label, const TransferProgress& p);
// 1234567 -> "1,234,567"; 71 s -> "1:11"; 3725 s -> "1:02:05"; 36200000 bytes -> "34.5 MB" (MiB).
std::string format_bytes(int64_t bytes);
std::string group_thousands(int64_t n);
std::string format_duration(double seconds);

class ProgressRenderer {
 public:
  // terminal: redraw a bar (throttled to ~10 per second); else plain lines every `interval`.
  explicit ProgressRenderer(bool terminal, std::chrono::milliseconds interval = std::chrono::seconds(5));
  // What to write for this update now, or "" to write nothing. The first and the final (eta 0 with
  // rows_done >= rows_total) updates are always written.
  std::string update(const std::string& label, const BackfillProgress& p,
                     std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  // The same for a pg_dump / pg_restore: the line redrawn on a terminal, else plain lines; the
  // first and the finished updates are always written.
  std::string update(const std::string& label, const TransferProgress& p,
                     std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  // What to write when the progress display ends (a newline after a bar), then "".
  std::string finish();

 private:
  std::string show(bool final, const std::string& line, std::chrono::steady_clock::time_point now);

  bool m_terminal;
  std::chrono::milliseconds m_interval;
  std::optional<std::chrono::steady_clock::time_point> m_last;
  bool m_bar_open = false;
};

}  // namespace pgshift::executor
