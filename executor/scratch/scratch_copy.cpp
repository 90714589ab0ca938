// This file implements copy_to_scratch (scratch_copy.hpp): choosing pg_dump and pg_restore for the
// server's version, running them with the password in their environment, and the restore in two
// sections around the sample rows.
#include "executor/scratch/scratch_copy.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <optional>

#include "executor/connection.hpp"
#include "executor/backup/pg_tools.hpp"
#include "executor/backup/process.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace fs = std::filesystem;

namespace pgshift::executor {

namespace {

struct Programs {
  std::string pg_dump, pg_restore;
};

ProcessResult run_checked(const std::vector<std::string>& argv, const ToolConnection& conn, const std::string& input,
                          const CancelCheck& cancelled, const std::string& what) {
  ProcessSpec spec{.argv = argv, .env = conn.env, .tick_interval = std::chrono::milliseconds(100), .input = input};
  spec.tick = [&cancelled] { check_cancel(cancelled); };  // Cancelled kills the child (SIGTERM) on its way out
  ProcessResult r = run_process(spec);
  if (r.exit_code != 0) {
    throw Error(fmt::format("{} failed (exit {}): {}", what, r.exit_code, util::mask_password(tail_lines(r.err, 8))), {},
                fmt::format("the command was: {}", util::mask_password(util::join(argv, " "))));
  }
  return r;
}

std::string dump_schema(const Programs& p, const CopyOptions& o) {
  ToolConnection src = tool_connection(o.source_conninfo);
  std::vector<std::string> argv = {p.pg_dump,
                                   "--schema-only",
                                   "--format=custom",
                                   "--no-subscriptions",
                                   "--no-publications",
                                   "--no-tablespaces",
                                   "--exclude-schema=pgshift",
                                   "--exclude-schema=pgshift_trash"};
  for (auto& a : connection_args(src)) argv.push_back(a);
  return run_checked(argv, src, "", o.cancelled, "pg_dump of the source database").out;
}

// "role "x" does not exist" from pg_restore's errors, or "".
std::string missing_role(const std::string& errors) {
  for (const auto& line : util::split(errors, '\n')) {
    size_t role = line.find("role ");
    if (role != std::string::npos && line.find("does not exist", role) != std::string::npos) {
      return util::trim(line.substr(role));
    }
  }
  return "";
}

// Restores one section; when a role it grants to does not exist there, again without privileges.
void restore_section(const Programs& p, const CopyOptions& o, const std::string& archive, const std::string& section,
                     std::vector<std::string>& notes) {
  ToolConnection dst = tool_connection(o.scratch_conninfo);
  std::vector<std::string> argv = {p.pg_restore, "--section=" + section, "--no-owner", "--no-tablespaces", "--exit-on-error",
                                   "--single-transaction"};
  for (auto& a : connection_args(dst)) argv.push_back(a);
  std::string what = fmt::format("pg_restore ({}) into the scratch database", section);
  try {
    run_checked(argv, dst, archive, o.cancelled, what);
  } catch (const Cancelled&) {
    throw;
  } catch (const Error& e) {
    // The server's 'role "x" does not exist'. --single-transaction: the failed run left nothing behind.
    std::string missing = missing_role(e.message());
    if (missing.empty()) {
      throw;
    }
    argv.insert(argv.begin() + 1, "--no-privileges");
    run_checked(argv, dst, archive, o.cancelled, what);
    notes.push_back(fmt::format("{}: privileges left out: {} on the scratch server", section, missing));
  }
}

}  // namespace

CopyResult copy_to_scratch(const CopyOptions& o) {
  auto source = connect(o.source_conninfo);
  auto scratch = connect(o.scratch_conninfo);
  int major = source->server_version() / 10000;
  Programs programs{find_pg_tool("pg_dump", major).program, find_pg_tool("pg_restore", major).program};
  std::string archive = dump_schema(programs, o);
  CopyResult result;
  restore_section(programs, o, archive, "pre-data", result.notes);
  result.tables = copy_sample_rows(*source, *scratch, o.sample_rows, o.cancelled);
  restore_section(programs, o, archive, "post-data", result.notes);
  check_cancel(o.cancelled);
  pqxx::nontransaction tx(*scratch);
  tx.exec0("ANALYZE");
  return result;
}

}  // namespace pgshift::executor
