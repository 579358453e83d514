// Running another program (ssh, scp) and reading what it prints as it prints it: `hatprofile
// remote` shows a board's progress lines while they arrive and keeps the last ones for its
// error messages.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace hat::util {

// Runs argv[0] (searched in PATH) with argv, stdin from /dev/null, its stdout and stderr merged
// into one pipe read line by line: each line (without its end; a carriage return also ends a
// line, as a redrawn progress line does) goes to on_line as soon as it is complete. Returns the
// exit status, or 128 + the signal that ended it. Throws hat::Error when the program cannot be
// started (not installed). A Ctrl-C on the terminal reaches the child as it reaches this process
// (the same process group); `stop`, asked a few times a second, ends the child with SIGTERM once
// it returns true (a SIGTERM sent to this process alone, say).
int run_process(const std::vector<std::string>& argv,
                const std::function<void(const std::string& line)>& on_line,
                const std::function<bool()>& stop = {});

// `text` as one word of a POSIX shell command line: single-quoted, each ' as '\''. What ssh
// needs, which hands the remote shell one string.
std::string shell_quote(const std::string& text);

}  // namespace hat::util
