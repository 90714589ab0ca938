// This file implements running client programs (process.hpp) with posix_spawnp: no shell, stdin from
// /dev/null or fed from a string, stdout and stderr through pipes read with poll(), and a periodic
// tick for progress. A fed stdin is a socket, so that writing to a child that exited early gives
// EPIPE (send with MSG_NOSIGNAL), never SIGPIPE.
#include "executor/backup/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <thread>

#include "util/error.hpp"
#include "util/strings.hpp"

extern char** environ;

namespace pgshift::executor {

namespace {

using Clock = std::chrono::steady_clock;

// Our environment with `extra` set on top: the child sees what we were given, plus the connection
// settings the caller derived from a conninfo.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry = *e;
    std::string name = entry.substr(0, entry.find('='));
    if (!extra.count(name)) {
      out.push_back(std::move(entry));
    }
  }
  for (const auto& [name, value] : extra) {
    out.push_back(name + "=" + value);
  }
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      throw Error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
    }
    read = fds[0];
    write = fds[1];
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read >= 0) {
      ::close(read);
    }
    read = -1;
  }
  void close_write() {
    if (write >= 0) {
      ::close(write);
    }
    write = -1;
  }
};

int exit_code_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Reads what is available on the pipe into `into` (up to `max` bytes kept); closes it at EOF.
void drain(Pipe& p, std::string& into, size_t max) {
  char buf[65536];
  ssize_t n = ::read(p.read, buf, sizeof buf);
  if (n > 0) {
    size_t keep = std::min(static_cast<size_t>(n), max - std::min(max, into.size()));
    into.append(buf, keep);
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    p.close_read();
  }
}

}  // namespace

ProcessResult run_process(const ProcessSpec& spec) {
  ProcessResult result;
  Pipe out, err;
  int in_fds[2] = {-1, -1};  // [0] ours, [1] the child's stdin
  if (!spec.input.empty() && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_fds) != 0) {
    throw Error(fmt::format("cannot create a socket pair: {}", std::strerror(errno)));
  }
  auto close_in = [&](int i) {
    if (in_fds[i] >= 0) ::close(in_fds[i]);
    in_fds[i] = -1;
  };
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (in_fds[1] >= 0) {
    posix_spawn_file_actions_adddup2(&actions, in_fds[1], 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);  // our connections stay ours
  std::vector<std::string> args = spec.argv;
  std::vector<std::string> env = child_environment(spec.env);
  auto argv = pointers(args);
  auto envp = pointers(env);
  auto began = Clock::now();
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  out.close_write();
  err.close_write();
  close_in(1);
  if (in_fds[0] >= 0) fcntl(in_fds[0], F_SETFL, fcntl(in_fds[0], F_GETFL) | O_NONBLOCK);
  size_t written = 0;
  if (rc != 0) {
    close_in(0);
    result.exit_code = 127;
    result.err = fmt::format("cannot run {}: {}", spec.argv[0], std::strerror(rc));
    return result;
  }
  auto next_tick = began + spec.tick_interval;
  int status = 0;
  bool exited = false;
  try {
    while (!exited) {
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - Clock::now());
      int timeout = static_cast<int>(std::clamp<int64_t>(wait.count(), 0, 100));
      if (out.read >= 0 || err.read >= 0 || in_fds[0] >= 0) {
        pollfd fds[3] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}, {in_fds[0], POLLOUT, 0}};
        if (poll(fds, 3, timeout) > 0) {
          if (fds[0].revents != 0) {
            drain(out, result.out, spec.max_output);
          }
          if (fds[1].revents != 0) {
            drain(err, result.err, spec.max_output);
          }
          if (fds[2].revents != 0 && in_fds[0] >= 0) {
            ssize_t n = send(in_fds[0], spec.input.data() + written, std::min<size_t>(spec.input.size() - written, 1 << 16),
                             MSG_NOSIGNAL);
            if (n > 0) written += static_cast<size_t>(n);
            if (written == spec.input.size() || (n < 0 && errno != EINTR && errno != EAGAIN)) close_in(0);
          }
        }
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(timeout, 5)));
      }
      exited = waitpid(pid, &status, WNOHANG) == pid;
      if (!exited && spec.tick && Clock::now() >= next_tick) {
        spec.tick();
        next_tick += spec.tick_interval;
      }
    }
  } catch (...) {
    close_in(0);
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    throw;
  }
  close_in(0);
  // What the child wrote just before it exited (a grandchild keeping the pipes open is not waited for).
  for (Pipe* p : {&out, &err}) {
    pollfd fd{p->read, POLLIN, 0};
    while (p->read >= 0 && poll(&fd, 1, 0) > 0) {
      drain(*p, p == &out ? result.out : result.err, spec.max_output);
    }
  }
  result.exit_code = exit_code_of(status);
  result.elapsed_s = std::chrono::duration<double>(Clock::now() - began).count();
  return result;
}

std::string tail_lines(const std::string& text, size_t max_lines) {
  std::vector<std::string> lines;
  for (const auto& line : util::split(text, '\n')) {
    if (!util::trim(line).empty()) {
      lines.push_back(util::trim(line));
    }
  }
  if (lines.size() > max_lines) {
    lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(max_lines));
  }
  return util::join(lines, "\n");
}

}  // namespace pgshift::executor
