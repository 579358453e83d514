// A board reached over OpenSSH, as `hatprofile remote` uses it: shell scripts run there with
// `ssh`, files copied with `scp`, and ssh's own failures (unreachable, key refused) turned into
// one line that says what to do. No daemon of ours runs on the board.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hat::hatprofile {

struct BoardAddress {
  std::string target;                   // USER@HOST (or HOST, or a Host of ~/.ssh/config)
  std::optional<int> port;              // ssh's -p / scp's -P
  std::optional<std::string> identity;  // ssh -i KEY
  std::vector<std::string> options;     // more ssh -o options ("ProxyJump=gateway")
};

// ssh's exit status for its own failures (connection, authentication), as opposed to the
// remote command's.
inline constexpr int kSshFailed = 255;

// The bundle architecture (build-board.sh's name) of a board whose `uname -m` is `machine`:
// aarch64 -> arm64, x86_64 -> amd64; nothing for the others (32-bit Arm, RISC-V, ...).
std::optional<std::string> bundle_architecture(const std::string& machine);

// One line for an ssh or scp failure (exit status 255 or a signal), from its last output lines:
// the host unreachable, the key refused, the host key changed, the connection dropped.
std::string ssh_failure_message(const BoardAddress& board, const std::vector<std::string>& lines);

// Runs commands on the board and copies files to and from it. Every call prints nothing itself:
// its output lines go to on_line, and the exit status is returned as ssh or scp gave it. When
// `stop` returns true (cli::stop_requested: a Ctrl-C, SIGTERM) the ssh or scp is ended at once;
// the board's side then ends when it next writes to the closed connection.
class Board {
 public:
  using LineHandler = std::function<void(const std::string& line)>;
  using StopRequest = std::function<bool()>;

  explicit Board(BoardAddress address) : address_(std::move(address)) {}
  const BoardAddress& address() const { return address_; }

  // `sh -c SCRIPT` on the board (whatever the user's login shell is).
  int run(const std::string& script, const LineHandler& on_line,
          const StopRequest& stop = {}) const;
  // Copies local files into the board's directory `remote_dir` (relative to the home directory
  // unless absolute), keeping their names.
  int copy_to(const std::vector<std::filesystem::path>& files, const std::string& remote_dir,
              const LineHandler& on_line, const StopRequest& stop = {}) const;
  // Copies the board's `remote_file` to the local `file`.
  int copy_from(const std::string& remote_file, const std::filesystem::path& file,
                const LineHandler& on_line, const StopRequest& stop = {}) const;

 private:
  std::vector<std::string> options(const char* port_flag) const;
  BoardAddress address_;
};

}  // namespace hat::hatprofile
