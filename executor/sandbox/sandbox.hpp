// A throwaway local PostgreSQL 15 cluster for trying pgshift and for the integration tests, made with
// initdb + pg_ctl from /usr/lib/postgresql/15/bin. Everything it needs lives in one directory:
//   <dir>/port          the port, so `url`, `stop` and `destroy` need only the directory
//   <dir>/postgres.log  the output of initdb, pg_ctl and the server
//   <dir>/data          the data directory, or, when running as root and the `postgres` user cannot
//                       reach <dir>, a symlink to /var/tmp/pgshift-sandbox-<hash of <dir>>
// The server listens on 127.0.0.1:<port> and on a Unix socket in the data directory; fsync is off.
// As root, initdb and pg_ctl run as the `postgres` system user (created when absent).
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace pgshift::executor {

inline constexpr int k_sandbox_default_port = 54329;

struct SandboxOptions {
  std::filesystem::path dir;
  int port = 0;  // 0 = the port remembered in `dir`, else k_sandbox_default_port
  std::function<void(const std::string&)> progress;  // receives progress lines; may be empty
};

// Creates the cluster when `dir` has none, starts it when it is not running, and returns its URL
// (postgresql://postgres@127.0.0.1:PORT/postgres) once it accepts connections. Idempotent.
// Throws pgshift::Error when the server binaries are missing (naming the package), when it is
// already running on another port than `opts.port`, or when initdb/pg_ctl fail (log tail in the hint).
std::string sandbox_start(const SandboxOptions& opts);

// The URL of the sandbox in `dir`, running or not. Throws pgshift::Error when `dir` has no sandbox.
std::string sandbox_url(const std::filesystem::path& dir);

// True when the sandbox in `dir` exists and its server is running.
bool sandbox_running(const std::filesystem::path& dir);

// Stops the server (fast shutdown) and waits for it. Does nothing when it is not running or absent.
void sandbox_stop(const std::filesystem::path& dir);

// Stops the server and removes what sandbox_start created (data, port and log files, and `dir`
// itself when it is then empty). Does nothing when `dir` has no sandbox.
void sandbox_destroy(const std::filesystem::path& dir);

}  // namespace pgshift::executor
