#include "tests/support/child_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include "devices/error.h"

extern char** environ;

namespace hat::test {

pid_t spawn_logged(const std::vector<std::string>& args, const std::string& output, OutputFile mode) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int flags = O_WRONLY | O_CREAT | (mode == OutputFile::append ? O_APPEND : O_TRUNC);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(), flags, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  HAT_CHECK(rc == 0, "cannot start ", args[0], ": error ", rc);
  return pid;
}

}  // namespace hat::test
