#include "util/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "devices/error.h"

extern char** environ;

namespace hat::util {

namespace {

// Closes a descriptor once, on every path out.
struct Descriptor {
  int fd = -1;
  ~Descriptor() { close_now(); }
  void close_now() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// Reads the child's merged output until it closes, handing each line to on_line; SIGTERM to the
// child once `stop` says so.
void read_lines(int fd, pid_t pid, const std::function<void(const std::string& line)>& on_line,
                const std::function<bool()>& stop) {
  std::string line;
  char buffer[4096];
  bool stopping = false;
  for (;;) {
    // Waits a fifth of a second at most, so that `stop` is asked even when the child is silent.
    pollfd ready{fd, POLLIN, 0};
    const int polled = ::poll(&ready, 1, 200);
    if (stop && !stopping && stop()) {
      ::kill(pid, SIGTERM);
      stopping = true;
    }
    if (polled == 0 || (polled < 0 && errno == EINTR)) continue;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (buffer[i] == '\n' || buffer[i] == '\r') {
        if (!line.empty()) on_line(line);
        line.clear();
      } else {
        line += buffer[i];
      }
    }
  }
  if (!line.empty()) on_line(line);
}

}  // namespace

int run_process(const std::vector<std::string>& argv,
                const std::function<void(const std::string& line)>& on_line,
                const std::function<bool()>& stop) {
  HAT_CHECK(!argv.empty(), "run_process: no program");
  int pipe_fds[2];
  HAT_CHECK(::pipe2(pipe_fds, O_CLOEXEC) == 0, "cannot make a pipe: ", std::strerror(errno));
  Descriptor read_end{pipe_fds[0]}, write_end{pipe_fds[1]};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, write_end.fd, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  HAT_CHECK(spawned == 0, "cannot run ", argv[0], ": ", std::strerror(spawned));
  write_end.close_now();  // the child holds the only write end: end of file when it exits

  // The child is always waited for, even when on_line throws (then after a SIGTERM).
  const auto wait_for_child = [&] {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
      HAT_CHECK(errno == EINTR, "cannot wait for ", argv[0], ": ", std::strerror(errno));
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  };
  try {
    read_lines(read_end.fd, pid, on_line, stop);
  } catch (...) {
    ::kill(pid, SIGTERM);
    wait_for_child();
    throw;
  }
  return wait_for_child();
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace hat::util
