// This file implements the throwaway sandbox cluster (sandbox.hpp): initdb once, pg_ctl start/stop,
// and running both as the `postgres` user when we are root (initdb and pg_ctl refuse to run as root).
// Programs are started with fork + execvp and an argument vector, never through a shell.
#include "executor/sandbox/sandbox.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <vector>

#include "util/error.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;

namespace pgshift::executor {

namespace {

const fs::path k_bin_dir = "/usr/lib/postgresql/15/bin";
constexpr const char* k_pg_user = "postgres";
constexpr size_t k_max_socket_path = 100;  // sun_path is 108 bytes, with ".s.PGSQL.NNNNN" appended

// Who runs initdb and pg_ctl: ourselves, or (as root) the postgres user.
struct Runner {
  bool drop = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};

struct Layout {
  fs::path dir, port_file, log_file, data_link;
};

Layout layout_of(const fs::path& dir) {
  fs::path abs = fs::absolute(dir).lexically_normal();
  if (abs.has_parent_path() && abs.filename().empty()) {
    abs = abs.parent_path();  // "x/" → "x"
  }
  return Layout{abs, abs / "port", abs / "postgres.log", abs / "data"};
}

// Runs argv as `runner` with stdout and stderr on `out_fd` (-1: /dev/null); returns the exit status.
int run(const std::vector<std::string>& argv, const Runner& runner, int out_fd) {
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    throw Error(fmt::format("cannot start {}: {}", argv[0], std::strerror(errno)));
  }
  if (pid == 0) {  // child: only async-signal-safe calls from here on
    int null_fd = open("/dev/null", O_RDWR);
    int out = out_fd >= 0 ? out_fd : null_fd;
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
      _exit(126);
    }
    if (runner.drop && (setgroups(runner.groups.size(), runner.groups.data()) != 0 ||
                        setgid(runner.gid) != 0 || setuid(runner.uid) != 0)) {
      _exit(126);
    }
    close_range(3, ~0U, 0);  // the server must not inherit our pipes and connections
    if (chdir("/") != 0) {
      _exit(126);
    }
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      throw Error(fmt::format("waiting for {}: {}", argv[0], std::strerror(errno)));
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::optional<Runner> lookup_pg_user() {
  struct passwd* pw = getpwnam(k_pg_user);
  if (pw == nullptr) {
    return std::nullopt;
  }
  Runner r{true, pw->pw_uid, pw->pw_gid, {}};
  int count = 32;
  r.groups.resize(static_cast<size_t>(count));
  if (getgrouplist(k_pg_user, pw->pw_gid, r.groups.data(), &count) < 0) {
    r.groups.resize(static_cast<size_t>(count));
    getgrouplist(k_pg_user, pw->pw_gid, r.groups.data(), &count);
  }
  r.groups.resize(static_cast<size_t>(count));
  return r;
}

Runner current_runner() {
  if (geteuid() != 0) {
    return Runner{};
  }
  if (auto r = lookup_pg_user()) {
    return *r;
  }
  std::vector<std::string> useradd = {"useradd", "--system", "--user-group", "--no-create-home",
                                      "--home-dir", "/var/lib/postgresql", "--shell", "/usr/sbin/nologin",
                                      k_pg_user};
  if (run(useradd, Runner{}, -1) != 0 || !lookup_pg_user()) {
    throw Error("running as root, and cannot create the `postgres` system user to run PostgreSQL as", {},
                "create it (useradd --system postgres) or run pgshift as an ordinary user");
  }
  return *lookup_pg_user();
}

// Whether `runner` can traverse `dir` (every parent included), checked in a child that drops privileges.
bool can_reach(const fs::path& dir, const Runner& runner) {
  if (!runner.drop) {
    return true;
  }
  pid_t pid = fork();
  if (pid == 0) {
    if (setgroups(runner.groups.size(), runner.groups.data()) != 0 || setgid(runner.gid) != 0 ||
        setuid(runner.uid) != 0) {
      _exit(2);
    }
    _exit(access(dir.c_str(), X_OK) == 0 ? 0 : 1);
  }
  int status = 0;
  while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void check_binaries() {
  for (const char* name : {"initdb", "pg_ctl", "postgres"}) {
    if (access((k_bin_dir / name).c_str(), X_OK) != 0) {
      throw Error(fmt::format("PostgreSQL 15 server program {} not found", (k_bin_dir / name).string()), {},
                  "install the Debian package postgresql-15 (./scripts/install-deps does)");
    }
  }
}

std::optional<int> read_port(const Layout& l) {
  std::ifstream in(l.port_file);
  int port = 0;
  if (in >> port && port > 0) {
    return port;
  }
  return std::nullopt;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out.flush()) {
    throw Error(fmt::format("cannot write {}", path.string()));
  }
}

std::string url_for(int port) { return fmt::format("postgresql://postgres@127.0.0.1:{}/postgres", port); }

fs::path data_dir(const Layout& l) {
  return fs::is_symlink(l.data_link) ? fs::read_symlink(l.data_link) : l.data_link;
}

bool initialized(const Layout& l) { return fs::exists(data_dir(l) / "PG_VERSION"); }

class LogFile {
 public:
  explicit LogFile(const fs::path& path) : m_fd(open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) {
    if (m_fd < 0) {
      throw Error(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
    }
  }
  ~LogFile() { close(m_fd); }
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;
  int fd() const { return m_fd; }

 private:
  int m_fd;
};

std::string log_tail(const Layout& l, size_t lines = 12) {
  std::ifstream in(l.log_file);
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (tail.size() > lines) {
      tail.pop_front();
    }
  }
  std::string out = fmt::format("see {}; its last lines:", l.log_file.string());
  for (const auto& line : tail) {
    out += "\n  " + line;
  }
  return out;
}

// pg_ctl pastes -D into a /bin/sh command line inside double quotes: refuse what would break out.
void check_shell_safe(const fs::path& dir) {
  if (dir.string().find_first_of("\"$`\\") != std::string::npos) {
    throw Error(fmt::format("the sandbox path {} contains one of \" $ ` \\, which pg_ctl cannot handle",
                            dir.string()),
                {}, "choose another --dir");
  }
}

// Root with a --dir the postgres user cannot traverse (e.g. under /root): keep the data outside, keyed by --dir.
fs::path choose_data_dir(const Layout& l, const Runner& runner) {
  if (can_reach(l.dir, runner)) {
    return l.data_link;
  }
  fs::path outside = fs::path("/var/tmp") / ("pgshift-sandbox-" + util::sha256_hex(l.dir.string()).substr(0, 16));
  if (fs::exists(outside) && !fs::exists(outside / "PG_VERSION")) {
    fs::remove_all(outside);  // our own name: a half-made cluster from an interrupted initdb
  }
  fs::remove(l.data_link);
  fs::create_directory_symlink(outside, l.data_link);
  return outside;
}

void init_cluster(const Layout& l, const Runner& runner, const SandboxOptions& opts) {
  fs::path data = choose_data_dir(l, runner);
  check_shell_safe(data);
  if (fs::exists(data / "PG_VERSION")) {
    return;
  }
  fs::create_directories(data);
  fs::permissions(data, fs::perms::owner_all);
  if (runner.drop && chown(data.c_str(), runner.uid, runner.gid) != 0) {
    throw Error(fmt::format("cannot give {} to the postgres user: {}", data.string(), std::strerror(errno)));
  }
  if (opts.progress) {
    opts.progress(fmt::format("initializing a PostgreSQL 15 cluster in {}", data.string()));
  }
  LogFile log(l.log_file);
  std::vector<std::string> argv = {(k_bin_dir / "initdb").string(), "-D", data.string(), "-U", "postgres",
                                   "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"};
  if (run(argv, runner, log.fd()) != 0) {
    throw Error(fmt::format("initdb failed for the sandbox in {}", l.dir.string()), {}, log_tail(l));
  }
  std::ofstream conf(data / "postgresql.conf", std::ios::app);
  conf << "\n# Settings of `pgshift sandbox start`, rewritten on every start.\ninclude_if_exists = 'pgshift.conf'\n";
}

std::string socket_dir_setting(const fs::path& data, int port) {
  std::string dir = data.string();
  bool plain = dir.find_first_of("'\\\", \t") == std::string::npos;
  bool short_enough = dir.size() + fmt::format("/.s.PGSQL.{}", port).size() < k_max_socket_path;
  return plain && short_enough ? dir : "";  // "" = TCP only
}

void write_settings(const fs::path& data, int port) {
  write_text(data / "pgshift.conf",
             fmt::format("port = {}\n"
                         "listen_addresses = '127.0.0.1'\n"
                         "unix_socket_directories = '{}'\n"
                         "fsync = off  # a throwaway cluster: speed over durability\n"
                         "synchronous_commit = off\n"
                         "full_page_writes = off\n"
                         "shared_buffers = 32MB\n"
                         "max_connections = 100\n",
                         port, socket_dir_setting(data, port)));
}

bool running(const Layout& l, const Runner& runner) {
  if (!initialized(l)) {
    return false;
  }
  return run({(k_bin_dir / "pg_ctl").string(), "status", "-D", data_dir(l).string()}, runner, -1) == 0;
}

}  // namespace

std::string sandbox_start(const SandboxOptions& opts) {
  check_binaries();
  Layout l = layout_of(opts.dir);
  check_shell_safe(l.dir);
  fs::create_directories(l.dir);
  std::optional<int> remembered = read_port(l);
  int port = opts.port != 0 ? opts.port : remembered.value_or(k_sandbox_default_port);
  if (port < 1 || port > 65535) {
    throw Error(fmt::format("invalid port {}", port));
  }
  Runner runner = current_runner();
  if (!initialized(l)) {
    init_cluster(l, runner, opts);
  }
  if (running(l, runner)) {
    if (remembered && *remembered != port) {
      throw Error(fmt::format("the sandbox in {} is already running on port {}", l.dir.string(), *remembered), {},
                  "stop it first (pgshift sandbox stop --dir DIR), or leave out --port");
    }
    return url_for(remembered.value_or(port));
  }
  fs::path data = data_dir(l);
  check_shell_safe(data);
  write_settings(data, port);
  write_text(l.port_file, fmt::format("{}\n", port));
  if (opts.progress) {
    opts.progress(fmt::format("starting PostgreSQL 15 on 127.0.0.1:{} (log: {})", port, l.log_file.string()));
  }
  LogFile log(l.log_file);
  std::vector<std::string> argv = {(k_bin_dir / "pg_ctl").string(), "start", "-w", "-t", "60", "-D", data.string()};
  if (run(argv, runner, log.fd()) != 0) {
    throw Error(fmt::format("the sandbox server in {} did not start on port {}", l.dir.string(), port), {},
                log_tail(l));
  }
  return url_for(port);
}

std::string sandbox_url(const fs::path& dir) {
  Layout l = layout_of(dir);
  std::optional<int> port = read_port(l);
  if (!port) {
    throw Error(fmt::format("no sandbox in {}", l.dir.string()), {},
                fmt::format("create one with `pgshift sandbox start --dir {}`", dir.string()));
  }
  return url_for(*port);
}

bool sandbox_running(const fs::path& dir) {
  Layout l = layout_of(dir);
  return initialized(l) && running(l, current_runner());
}

void sandbox_stop(const fs::path& dir) {
  Layout l = layout_of(dir);
  if (!initialized(l)) {
    return;
  }
  Runner runner = current_runner();
  if (!running(l, runner)) {
    return;
  }
  LogFile log(l.log_file);
  std::vector<std::string> argv = {(k_bin_dir / "pg_ctl").string(), "stop", "-m", "fast", "-w", "-t", "60",
                                   "-D", data_dir(l).string()};
  if (run(argv, runner, log.fd()) != 0) {
    throw Error(fmt::format("could not stop the sandbox server in {}", l.dir.string()), {}, log_tail(l));
  }
}

void sandbox_destroy(const fs::path& dir) {
  Layout l = layout_of(dir);
  if (!fs::exists(l.port_file) && !initialized(l)) {
    return;  // not a sandbox: remove nothing
  }
  sandbox_stop(dir);
  if (fs::is_symlink(l.data_link)) {
    fs::remove_all(fs::read_symlink(l.data_link));
    fs::remove(l.data_link);
  } else {
    fs::remove_all(l.data_link);
  }
  fs::remove(l.port_file);
  fs::remove(l.log_file);
  if (fs::is_empty(l.dir)) {
    fs::remove(l.dir);
  }
}

}  // namespace pgshift::executor
