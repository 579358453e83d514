// Starting the real command-line tools as child processes in tests, their stdout and stderr
// going to one file.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace hat::test {

enum class OutputFile { truncate, append };

// posix_spawn of args[0] (a path) with args, stdout and stderr both to `output`. Throws
// hat::Error when the program cannot be started.
pid_t spawn_logged(const std::vector<std::string>& args, const std::string& output,
                   OutputFile mode = OutputFile::truncate);

}  // namespace hat::test
