#include "tools/hatprofile/remote_board.h"

#include "devices/error.h"
#include "util/subprocess.h"

namespace hat::hatprofile {

std::optional<std::string> bundle_architecture(const std::string& machine) {
  if (machine == "aarch64" || machine == "arm64") return "arm64";
  if (machine == "x86_64" || machine == "amd64") return "amd64";
  return std::nullopt;
}

std::string ssh_failure_message(const BoardAddress& board, const std::vector<std::string>& lines) {
  const auto said = [&](const char* text) {
    for (const std::string& l : lines)
      if (l.find(text) != std::string::npos) return true;
    return false;
  };
  if (lines.empty()) return str("the connection to ", board.target, " ended");  // ssh was killed
  const std::string& last = lines.back();
  if (said("Permission denied"))
    return str("the board refused the login (", last,
               "): give the key it accepts with --identity "
               "KEY, or install yours there (ssh-copy-id ",
               board.target, ")");
  if (said("REMOTE HOST IDENTIFICATION HAS CHANGED") || said("Host key verification failed"))
    return str("ssh refused ", board.target, "'s host key (", last,
               "): if the board was "
               "reinstalled, remove its old key with ssh-keygen -R HOST");
  if (said("Could not resolve hostname") || said("Connection refused") || said("timed out") ||
      said("No route to host") || said("Network is unreachable"))
    return str("cannot reach ", board.target, board.port ? str(" on port ", *board.port) : "", " (",
               last, "): is the board on, on this network, and running an ssh server?");
  return str("the connection to ", board.target, " ended (", last, ")");
}

std::vector<std::string> Board::options(const char* port_flag) const {
  // BatchMode: never prompt for a password or passphrase; a refused key fails at once.
  // ServerAlive: a dropped link is noticed within a minute rather than TCP's quarter of an hour.
  // accept-new: the first connection to a new board records its host key; a changed key is
  // still refused. LogLevel=ERROR keeps "Permanently added ..." out of the progress.
  std::vector<std::string> o = {"-o", "BatchMode=yes",
                                "-o", "ConnectTimeout=15",
                                "-o", "ServerAliveInterval=15",
                                "-o", "ServerAliveCountMax=4",
                                "-o", "StrictHostKeyChecking=accept-new",
                                "-o", "LogLevel=ERROR"};
  if (address_.port) o.insert(o.end(), {port_flag, std::to_string(*address_.port)});
  if (address_.identity) o.insert(o.end(), {"-i", *address_.identity, "-o", "IdentitiesOnly=yes"});
  for (const std::string& option : address_.options) o.insert(o.end(), {"-o", option});
  return o;
}

int Board::run(const std::string& script, const LineHandler& on_line,
               const StopRequest& stop) const {
  std::vector<std::string> argv = {"ssh"};
  for (std::string& o : options("-p")) argv.push_back(std::move(o));
  // ssh hands the remote side one string, which the user's login shell runs: name sh there.
  argv.insert(argv.end(), {address_.target, "--", "sh -c " + util::shell_quote(script)});
  return util::run_process(argv, on_line, stop);
}

int Board::copy_to(const std::vector<std::filesystem::path>& files, const std::string& remote_dir,
                   const LineHandler& on_line, const StopRequest& stop) const {
  HAT_CHECK(!files.empty(), "copy_to: no files");
  std::vector<std::string> argv = {"scp", "-q"};
  for (std::string& o : options("-P")) argv.push_back(std::move(o));
  argv.push_back("--");
  for (const std::filesystem::path& f : files) argv.push_back(f.string());
  argv.push_back(address_.target + ":" + remote_dir + "/");
  return util::run_process(argv, on_line, stop);
}

int Board::copy_from(const std::string& remote_file, const std::filesystem::path& file,
                     const LineHandler& on_line, const StopRequest& stop) const {
  std::vector<std::string> argv = {"scp", "-q"};
  for (std::string& o : options("-P")) argv.push_back(std::move(o));
  argv.insert(argv.end(), {"--", address_.target + ":" + remote_file, file.string()});
  return util::run_process(argv, on_line, stop);
}

}  // namespace hat::hatprofile
