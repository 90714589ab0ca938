// `pgshift purge [--db URL] [--all] [--yes] [--lock-timeout MS]`: drops the soft-dropped tables and
// columns (pgshift.trash, docs/soft-drop.md) past their retention, or all of them with --all, and
// prints what it removed and the space freed. A purged object can no longer be restored by rollback.

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "executor/trash.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::cli {

namespace {

struct PurgeCliOptions {
  std::string db;
  bool all = false;
  bool yes = false;
  int64_t lock_timeout_ms = 5000;
};

void print_entries(const std::vector<executor::TrashEntry>& entries) {
  for (const auto& e : entries) {
    std::cout << fmt::format("  {:<6} {}  ({}, {}, trashed {}, kept until {})\n", e.kind, e.original(), e.location(),
                             executor::format_bytes(e.bytes), e.trashed_at, e.retain_until);
  }
}

void run_purge(const PurgeCliOptions& o) {
  auto conn = open_db(o.db);
  std::vector<executor::TrashEntry> due;
  for (auto& e : executor::list_trash(*conn)) {
    if (o.all || e.expired) {
      due.push_back(std::move(e));
    }
  }
  if (due.empty()) {
    std::cout << (o.all ? "The trash is empty.\n" : "Nothing in the trash is past its retention (--all purges everything).\n");
    set_exit_code(k_exit_ok);
    return;
  }
  std::cout << "To purge (rollback can no longer restore them):\n";
  print_entries(due);
  if (!confirmed(o.yes, {.question = "Drop these for good?", .action = "purge", .hint = "run again with --yes",
                         .cancelled = "Purge cancelled."})) {
    return;
  }
  auto removed = executor::purge_trash(*conn, o.all, o.lock_timeout_ms);
  int64_t freed = 0;
  for (const auto& e : removed) {
    freed += e.bytes;
  }
  std::cout << fmt::format("Purged {} object(s), freeing about {}{}.\n", removed.size(), executor::format_bytes(freed),
                           removed.empty() ? "" : " (dropped columns free their space as rows are rewritten or vacuumed)");
  set_exit_code(k_exit_ok);
}

}  // namespace

void setup_purge(CLI::App& app) {
  auto opts = std::make_shared<PurgeCliOptions>();
  CLI::App* cmd = app.add_subcommand("purge", "Drop soft-dropped tables and columns past their retention");
  add_db_option(cmd, opts->db);
  cmd->add_flag("--all", opts->all, "Purge everything in the trash, whatever its retention");
  cmd->add_flag("-y,--yes", opts->yes, "Purge without asking (required when stdin is not a terminal)");
  cmd->add_option("--lock-timeout", opts->lock_timeout_ms, "lock_timeout of each drop, in ms (default 5000)")
      ->check(CLI::PositiveNumber);
  cmd->callback([opts] { run_purge(*opts); });
}

}  // namespace pgshift::cli
