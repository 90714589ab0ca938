// This file implements finding pg_dump / pg_restore of a suitable version and passing them a
// connection through libpq's environment variables (pg_tools.hpp).
#include "executor/backup/pg_tools.hpp"

#include "executor/connection.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <fmt/format.h>
#include <optional>
#include <regex>

#include "executor/backup/process.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

std::optional<PgTool> probe(const std::string& program) {
  auto r = run_process({.argv = {program, "--version"}});
  if (r.exit_code != 0) {
    return std::nullopt;
  }
  return parse_tool_version(program, r.out);
}

}  // namespace

PgTool parse_tool_version(const std::string& program, const std::string& version_output) {
  static const std::regex k_version(R"(\(PostgreSQL\)\s+(\d+)(\.\d+)?)");
  PgTool tool{program, "", 0};
  std::smatch m;
  if (std::regex_search(version_output, m, k_version)) {
    tool.version = m[1].str() + m[2].str();
    tool.major = std::stoi(m[1].str());
  }
  return tool;
}

PgTool find_pg_tool(const std::string& name, int server_major, const std::string& bin_dir) {
  std::string versioned = fmt::format("/usr/lib/postgresql/{}/bin/{}", server_major, name);
  std::string program = !bin_dir.empty()                      ? bin_dir + "/" + name
                        : access(versioned.c_str(), X_OK) == 0 ? versioned
                                                              : name;
  auto tool = probe(program);
  std::string package = fmt::format("postgresql-client-{}", server_major);
  if (!tool) {
    throw Error(fmt::format("{} was not found ({})", name,
                            bin_dir.empty() ? fmt::format("/usr/lib/postgresql/{}/bin, PATH", server_major) : program),
                {},
                fmt::format("install {} (Debian/Ubuntu), or set PGSHIFT_PG_BIN to PostgreSQL {}'s bin directory",
                            package, server_major));
  }
  if (tool->major < server_major) {
    throw Error(
        fmt::format("{} {} ({}) is older than the server (PostgreSQL {}): it cannot {} a newer server's database",
                    name, tool->version.empty() ? "(unknown version)" : tool->version, program, server_major,
                    name == "pg_dump" ? "dump" : "restore into"),
        {},
        fmt::format("install {} (Debian/Ubuntu), or set PGSHIFT_PG_BIN to PostgreSQL {}'s bin directory",
                    package, server_major));
  }
  return *tool;
}

ToolConnection tool_connection(const std::string& conninfo) {
  ToolConnection out;
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &err);
  if (parsed == nullptr) {
    std::string why = err != nullptr ? util::trim(err) : "out of memory";
    PQfreemem(err);
    throw Error(fmt::format("invalid connection string \"{}\": {}", util::mask_password(conninfo), why));
  }
  std::vector<std::string> rest;
  for (auto* o = parsed; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') {
      continue;
    }
    // The database name goes on the command line: pg_restore wants -d, and it is no secret.
    if (o->envvar != nullptr && std::string_view(o->keyword) != "dbname") {
      out.env[o->envvar] = o->val;
    } else {
      rest.push_back(fmt::format("{}={}", o->keyword, conninfo_quote(o->val)));
    }
  }
  PQconninfoFree(parsed);
  out.conninfo = util::join(rest, " ");
  return out;
}

std::vector<std::string> connection_args(const ToolConnection& c) {
  if (c.conninfo.empty()) {
    return {};
  }
  return {"-d", c.conninfo};
}

}  // namespace pgshift::executor
