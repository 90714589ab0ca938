// Finding PostgreSQL's client programs (pg_dump, pg_restore) of the right version, and handing them a
// connection without putting the password on their command line, where `ps` would show it.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace pgshift::executor {

struct PgTool {
  std::string program;  // what to run: "pg_dump" (found in PATH) or an absolute path
  std::string version;  // "15.20"
  int major = 0;        // 15
};

// The client program `name` for a server of major version `server_major`, the first of:
//  1. <bin_dir>/<name> when bin_dir is given (then nothing else is tried);
//  2. /usr/lib/postgresql/<server_major>/bin/<name> (Debian and Ubuntu keep each major version's
//     programs there; /usr/bin/pg_dump is a wrapper that picks the newest one, and costs ~50 ms);
//  3. <name> in PATH.
// The program must be of the server's major version or newer (pg_dump reads older servers, pg_restore
// writes for them). Throws pgshift::Error naming both versions when it is older than the server, and
// naming the package to install when none is found.
PgTool find_pg_tool(const std::string& name, int server_major, const std::string& bin_dir = "");

// "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)" -> {"15.20", 15}; major 0 when unreadable.
PgTool parse_tool_version(const std::string& program, const std::string& version_output);

// How a client program reaches the database `conninfo` (URL or key=value; "" = libpq's defaults):
// libpq environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE, ...) for every setting
// that has one, and a key=value conninfo of the database name and the rest, never the password, to
// pass as `-d` (empty when there is nothing to pass). Throws pgshift::Error when libpq cannot parse `conninfo`.
struct ToolConnection {
  std::map<std::string, std::string> env;
  std::string conninfo;
};
ToolConnection tool_connection(const std::string& conninfo);

// The arguments that connect a client program: {"-d", conninfo} when tool_connection left one.
std::vector<std::string> connection_args(const ToolConnection& c);

}  // namespace pgshift::executor
