// This file implements run_process (process.hpp): fork + execvp with three descriptors, and a poll
// loop that feeds standard input, drains standard output and errors, and watches for cancellation.
// Standard input is a socket, so that writing to a child that exited early gives EPIPE, not SIGPIPE.
#include "executor/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <map>

extern char** environ;

namespace pgshift::executor {

namespace {

// Our environment with `env` set (a name given there replaces ours), as "NAME=value" strings.
std::vector<std::string> child_environment(const std::vector<std::pair<std::string, std::string>>& env) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry = *e;
    size_t eq = entry.find('=');
    if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [name, value] : env) vars[name] = value;
  std::vector<std::string> out;
  for (const auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 128;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Reads what is there into `into`; closes `fd` at end of file.
void drain(int& fd, std::string& into) {
  char buf[65536];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n > 0) {
    into.append(buf, static_cast<size_t>(n));
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    close_fd(fd);
  }
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::pair<std::string, std::string>>& env, const std::string& input,
                          const CancelCheck& cancelled) {
  std::vector<std::string> args = argv;
  std::vector<std::string> environment = child_environment(env);
  std::vector<char*> c_args = c_strings(args);
  std::vector<char*> c_env = c_strings(environment);
  int in[2], out[2], err[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0 || pipe2(out, O_CLOEXEC) != 0 ||
      pipe2(err, O_CLOEXEC) != 0) {
    throw Error(fmt::format("cannot start {}: {}", argv[0], std::strerror(errno)));
  }
  pid_t pid = fork();
  if (pid < 0) {
    throw Error(fmt::format("cannot start {}: {}", argv[0], std::strerror(errno)));
  }
  if (pid == 0) {  // child: only async-signal-safe calls from here on
    if (dup2(in[1], 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0) _exit(126);
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    execvpe(c_args[0], c_args.data(), c_env.data());
    _exit(127);
  }
  close(in[1]);
  close(out[1]);
  close(err[1]);
  int in_fd = in[0], out_fd = out[0], err_fd = err[0];
  fcntl(in_fd, F_SETFL, fcntl(in_fd, F_GETFL) | O_NONBLOCK);
  ProcessResult result;
  size_t written = 0;
  if (input.empty()) close_fd(in_fd);
  while (out_fd >= 0 || err_fd >= 0) {
    if (cancelled && cancelled()) {
      kill(pid, SIGTERM);
      close_fd(in_fd);
      close_fd(out_fd);
      close_fd(err_fd);
      wait_for(pid);
      throw Cancelled();
    }
    pollfd fds[3] = {{in_fd, POLLOUT, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    if (poll(fds, 3, 100) <= 0) continue;  // timeout or a signal: check cancellation again
    if (in_fd >= 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = send(in_fd, input.data() + written, input.size() - written, MSG_NOSIGNAL);
      if (n > 0) written += static_cast<size_t>(n);
      if (written == input.size() || (n < 0 && errno != EINTR && errno != EAGAIN)) close_fd(in_fd);
    }
    if (out_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) drain(out_fd, result.out);
    if (err_fd >= 0 && (fds[2].revents & (POLLIN | POLLHUP | POLLERR))) drain(err_fd, result.err);
  }
  close_fd(in_fd);
  result.status = wait_for(pid);
  check_cancel(cancelled);  // a Ctrl-C on the terminal reaches the child too: report the interruption
  if (result.status == 127 && result.err.empty()) {
    throw Error(fmt::format("cannot run {}: not found or not executable", argv[0]));
  }
  return result;
}

}  // namespace pgshift::executor
