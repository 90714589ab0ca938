// This file implements the cli's soft-drop helpers (soft_drop.hpp).
#include "cli/soft_drop.hpp"

#include <fmt/format.h>

#include <iostream>

#include "executor/trash.hpp"
#include "planner/soft_drop.hpp"
#include "util/error.hpp"

namespace pgshift::cli {

void add_soft_drop_flag(CLI::App* cmd, std::string& retention) {
  // A flag with an optional `=value`: `--soft-drop plan.json` leaves plan.json to the positional.
  cmd->add_flag("--soft-drop{7d}", retention,
                "Drop phase keeps dropped tables and columns aside for RETENTION (default 7d; e.g. =12h, =2w), "
                "restorable by rollback and removed by `pgshift purge`");
}

void set_soft_drop(const std::string& retention, planner::PlanOptions& options) {
  if (retention.empty()) {
    return;
  }
  auto interval = planner::parse_retention(retention);
  if (!interval) {
    throw Error("invalid --soft-drop retention \"" + retention + "\"", {}, "write a number of hours, days or weeks: 12h, 7d, 2w");
  }
  options.soft_drop = true;
  options.soft_drop_retention = *interval;
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
