// hatprofile remote: profiles a board from the workstation. Over OpenSSH (tools/hatprofile/
// remote_board.h) it finds the board's architecture, copies the board bundle there when the
// board lacks this one (scripts/build-board.sh makes it), runs `hatprofile run` there with the
// same options while showing its progress, then brings the board's dataset back and merges it
// into the device's dataset here. The board keeps every row it measured in its own dataset, so
// a dropped connection loses nothing and the same command continues where it stopped.
//
// On the board, --remote-dir (default ~/hat) holds:
//   hat-VERSION-linux-ARCH/  the bundle (replaced when the workstation's differs: bundle-id)
//   inputs/                  the device profile and any space or architecture file, sent each run
//   data/DEVICE-latency.sqlite  the board's dataset, kept across runs and bundle updates
//   run.lock                 held by the running hatprofile (flock), so two runs never overlap
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include "devices/error.h"
#include "latency/dataset/latency_dataset.h"
#include "latency/report/format.h"
#include "tools/cli/cli.h"
#include "tools/hatprofile/commands.h"
#include "tools/hatprofile/remote_board.h"
#include "util/data_dirs.h"
#include "util/sha256.h"
#include "util/subprocess.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace hat::latency;

namespace hat::hatprofile {

namespace {

// flock's exit status when the board's previous run still holds the lock after the wait.
constexpr int kBoardBusy = 75;
constexpr const char* kLockWait = "1800";  // seconds: a Pi measures a large sample in minutes

po::options_description remote_options() {
  po::options_description board(
      "Board (the run options below are passed to hatprofile run there)");
  board.add_options()
      ("ssh", po::value<std::string>()->required(),
       "the board: USER@HOST (or a Host of ~/.ssh/config)")
      ("port", po::value<int>(), "its ssh port (ssh's default, 22)")
      ("identity", po::value<std::string>(), "private key to log in with (ssh -i)")
      ("ssh-option", po::value<std::vector<std::string>>()->composing(),
       "another ssh option, as ssh -o takes it (repeat): ProxyJump=gateway, "
       "UserKnownHostsFile=FILE")
      ("remote-dir", po::value<std::string>()->default_value("hat"),
       "the toolkit's directory on the board, relative to the home directory unless absolute")
      ("bundle", po::value<std::string>(),
       "board bundle to copy (default: build-board/hat-VERSION-linux-ARCH.tar.gz, "
       "ARCH the board's, from scripts/build-board.sh)");
  po::options_description all;
  all.add(board).add(run_options());
  return all;
}

// Options of `run` that stay here: the local dataset, and what the board cannot be sent.
const std::set<std::string> kLocalOptions = {"ssh",          "port",   "identity", "ssh-option",
                                             "remote-dir",   "bundle", "dataset",  "device",
                                             "busy-timeout", "help"};
const std::set<std::string> kNotSent = {"checkpoint", "model", "data"};

// A local directory removed with everything in it when it goes out of scope.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = (fs::temp_directory_path() / "hatprofile-remote-XXXXXX").string();
    HAT_CHECK(::mkdtemp(pattern.data()) != nullptr, "cannot make a temporary directory in ",
              fs::temp_directory_path().string());
    path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// What the board said about itself before anything is copied.
struct BoardState {
  std::string machine;    // uname -m
  std::string bundle_id;  // "NAME SHA256" of the installed bundle, empty when none
  int64_t free_kb = -1;   // free space in the remote directory
};

// The last lines a board command printed, for the messages when it fails.
class RecentLines {
 public:
  void add(const std::string& line) {
    lines_.push_back(line);
    if (lines_.size() > 8) lines_.erase(lines_.begin());
  }
  const std::vector<std::string>& lines() const { return lines_; }
  bool said(const char* text) const {
    for (const std::string& l : lines_)
      if (l.find(text) != std::string::npos) return true;
    return false;
  }
  std::string last() const { return lines_.empty() ? "no message" : lines_.back(); }

 private:
  std::vector<std::string> lines_;
};

// The board's directory as --remote-dir gives it, "~/x" read as "x": ssh and scp start in the
// home directory, and the path is quoted for the board's shell (no ~ expansion there).
std::string remote_directory(const std::string& dir) {
  const std::string relative = dir.rfind("~/", 0) == 0 ? dir.substr(2) : dir;
  if (relative.empty() || relative == "~")
    throw cli::UsageError(str("--remote-dir must name a directory, not '", dir, "'"));
  return relative;
}

class RemoteProfile {
 public:
  RemoteProfile(const po::variables_map& vm, std::vector<std::string> run_arguments)
      : vm_(vm),
        board_(BoardAddress{
            vm["ssh"].as<std::string>(),
            vm.count("port") ? std::optional(vm["port"].as<int>()) : std::nullopt,
            vm.count("identity") ? std::optional(vm["identity"].as<std::string>()) : std::nullopt,
            vm.count("ssh-option") ? vm["ssh-option"].as<std::vector<std::string>>()
                                   : std::vector<std::string>{}}),
        remote_dir_(remote_directory(vm["remote-dir"].as<std::string>())),
        dir_(util::shell_quote(remote_dir_)),
        device_(resolve_device(vm["device"].as<std::string>())),
        run_arguments_(std::move(run_arguments)) {
    dataset_ = device_dataset(vm, device_);
    board_dataset_ = str("data/", device_.name, "-latency.sqlite");
  }

  int operator()() {
    cli::install_stop_handler();
    const BoardState state = probe();
    const std::optional<std::string> arch = bundle_architecture(state.machine);
    if (!arch)
      throw Error(str(board_.address().target, " is a '", state.machine,
                      "' machine: board bundles are built for arm64 (aarch64) and amd64 (x86_64) "
                      "only; nothing was copied"));
    install_bundle(find_bundle(*arch), state);
    send_inputs();
    const int status = run_on_board();
    // Whatever happened to the run, bring back the rows the board has: nothing is lost here.
    fetch_and_merge(status == kSshFailed || status > 128);
    return finish(status);
  }

 private:
  // Ctrl-C or SIGTERM ends the step in progress, except the unpacking of a bundle and the fetch
  // of the rows, which are short and which a stop should not lose (a second Ctrl-C still ends
  // everything at once).
  static Board::StopRequest stoppable() {
    return [] { return cli::stop_requested(); };
  }

  Board::LineHandler keep(RecentLines& recent) {
    return [&recent](const std::string& line) { recent.add(line); };
  }

  // Fails with one clear line for ssh's own failures and a full disk, else with `what`.
  [[noreturn]] void fail(int status, const RecentLines& recent, const std::string& what) {
    if (cli::stop_requested())
      throw Error("stopped before the run began; nothing was changed here");
    if (status == kSshFailed || status > 128)
      throw Error(ssh_failure_message(board_.address(), recent.lines()));
    if (recent.said("No space left on device") || recent.said("disk is full"))
      throw Error(str("the board's disk is full (", recent.last(),
                      "): free space there, or give "
                      "--remote-dir on a larger disk; nothing here was changed"));
    throw Error(str(what, " (", recent.last(), ")"));
  }

  BoardState probe() {
    status_.print(str("hatprofile: connecting to ", board_.address().target, " ..."));
    const std::string script =
        str("mkdir -p ", dir_, "/inputs ", dir_, "/data && cd ", dir_,
            " || exit 1\n"
            "echo \"machine $(uname -m)\"\n"
            "if [ -f bundle-id ]; then echo \"bundle $(cat bundle-id)\"; fi\n"
            "echo \"free-kb $(df -Pk . | awk 'NR == 2 {print $4}')\"\n");
    BoardState state;
    RecentLines recent;
    const int status = board_.run(
        script,
        [&](const std::string& line) {
          recent.add(line);
          const auto value = [&](const char* key) {
            return line.substr(std::string(key).size() + 1);
          };
          if (line.rfind("machine ", 0) == 0) state.machine = value("machine");
          if (line.rfind("bundle ", 0) == 0) state.bundle_id = value("bundle");
          if (line.rfind("free-kb ", 0) == 0) state.free_kb = std::atoll(value("free-kb").c_str());
        },
        stoppable());
    if (status != 0 || state.machine.empty())
      fail(status, recent,
           str("cannot prepare the directory ", remote_dir_, " on ", board_.address().target));
    return state;
  }

  fs::path find_bundle(const std::string& arch) {
    const std::string name = str("hat-", HAT_VERSION, "-linux-", arch, ".tar.gz");
    if (vm_.count("bundle")) {
      const fs::path given = vm_["bundle"].as<std::string>();
      if (!fs::is_regular_file(given))
        throw cli::UsageError(str("--bundle ", given.string(), " is not a file"));
      return given;
    }
    std::vector<fs::path> candidates = {fs::current_path() / "build-board" / name};
    try {
      candidates.push_back(util::data_root() / "build-board" / name);
    } catch (const Error&) {
      // no data root: only the current directory is looked in
    }
    std::string looked;
    for (const fs::path& c : candidates) {
      if (fs::is_regular_file(c)) return c;
      looked += (looked.empty() ? "" : ", ") + c.string();
    }
    throw Error(str(board_.address().target, " is an ", arch, " board and there is no ", arch,
                    " bundle here (looked for ", looked, "): make it with scripts/build-board.sh ",
                    arch, ", or give --bundle FILE; nothing was copied"));
  }

  // The bundle's folder (the one top-level entry, holding bin/hatprofile) and the bytes it
  // takes unpacked, for the free-space check: from tar's listing.
  struct BundleContents {
    std::string folder;
    int64_t unpacked_bytes = 0;
  };
  static BundleContents inspect_bundle(const fs::path& bundle) {
    BundleContents contents;
    std::set<std::string> folders;
    bool has_hatprofile = false;
    RecentLines recent;
    const int status =
        util::run_process({"tar", "-tvzf", bundle.string()}, [&](const std::string& line) {
          recent.add(line);
          std::istringstream fields(line);  // mode owner size date time path
          std::string mode, owner, date, time, path;
          int64_t size = 0;
          if (!(fields >> mode >> owner >> size >> date >> time >> path)) return;
          contents.unpacked_bytes += size;
          folders.insert(path.substr(0, path.find('/')));
          has_hatprofile |= path.find("/bin/hatprofile") != std::string::npos;
        });
    if (status != 0 || folders.size() != 1 || !has_hatprofile)
      throw Error(str(bundle.string(),
                      " is not a board bundle (one folder holding bin/hatprofile, as "
                      "scripts/build-board.sh makes it)",
                      status != 0 ? ": " + recent.last() : ""));
    contents.folder = *folders.begin();
    return contents;
  }

  void install_bundle(const fs::path& bundle, const BoardState& state) {
    const BundleContents contents = inspect_bundle(bundle);
    bundle_name_ = contents.folder;
    const std::string id = str(bundle_name_, " ", util::sha256_file(bundle));
    if (state.bundle_id == id) {
      status_.print(str("hatprofile: ", board_.address().target, " (", state.machine, ") has ",
                        bundle_name_, " already"));
      return;
    }
    const int64_t compressed = static_cast<int64_t>(fs::file_size(bundle));
    const int64_t need_kb = (compressed + contents.unpacked_bytes) / 1024 + 16 * 1024;
    if (state.free_kb >= 0 && state.free_kb < need_kb)
      throw Error(str("the board's disk is full: ", state.free_kb / 1024, " MB free in ",
                      remote_dir_, " on ", board_.address().target, ", and the bundle needs about ",
                      need_kb / 1024,
                      " MB: free space there, or give --remote-dir on a larger "
                      "disk; nothing was copied"));
    status_.print(str("hatprofile: copying ", bundle.filename().string(), " (",
                      format("%.1f", static_cast<double>(compressed) / 1e6), " MB) to ",
                      board_.address().target,
                      state.bundle_id.empty() ? "" : " (it has another build)", " ..."));
    TemporaryDirectory staging;
    const fs::path incoming = staging.path() / "incoming.tar.gz";
    fs::create_symlink(fs::absolute(bundle), incoming);
    RecentLines recent;
    int status = board_.copy_to({incoming}, remote_dir_, keep(recent), stoppable());
    if (status != 0) {
      // A partial copy would fill the board's disk: removed when the board can still be reached.
      RecentLines ignored;
      board_.run(str("rm -f ", dir_, "/incoming.tar.gz"), keep(ignored));
      fail(status, recent, "cannot copy the bundle to the board");
    }
    // Unpacked beside the old one, then swapped in: an interrupted copy leaves the old bundle
    // working, and a failed one leaves no partial files (the trap). `--help` checks that the
    // tools start there (libraries, architecture, C library).
    const std::string name = util::shell_quote(bundle_name_);
    const std::string script =
        str("set -e\ncd ", dir_,
            "\n"
            "trap 'rm -rf .unpack incoming.tar.gz' EXIT\n"
            "rm -rf .unpack && mkdir .unpack\n"
            "tar -xzf incoming.tar.gz -C .unpack\n"
            "rm -rf ",
            name,
            ".old\n"
            "if [ -d ",
            name, " ]; then mv ", name, " ", name,
            ".old; fi\n"
            "mv .unpack/",
            name, " ", name,
            "\n"
            "rm -rf ",
            name, ".old\n", name,
            "/bin/hatprofile --help >/dev/null\n"
            "echo ",
            util::shell_quote(id), " > bundle-id.tmp && mv bundle-id.tmp bundle-id\n");
    status = board_.run(script, keep(recent));
    if (status != 0)
      fail(status, recent, str("cannot unpack or start ", bundle_name_, " on the board"));
  }

  // The device profile, and any space or architecture given as a local file, go to inputs/;
  // the arguments name them there.
  void send_inputs() {
    TemporaryDirectory staging;
    std::vector<fs::path> files;
    const auto stage = [&](const fs::path& local, const std::string& name) {
      const fs::path staged = staging.path() / name;
      fs::create_symlink(fs::absolute(local), staged);
      files.push_back(staged);
      return "inputs/" + name;
    };
    remote_arguments_ = {"run", "--device", stage(device_.profile_file, "device.yml"), "--dataset",
                         board_dataset_};
    for (size_t i = 0; i < run_arguments_.size(); ++i) {
      const std::string& a = run_arguments_[i];
      remote_arguments_.push_back(a);
      // "--space FILE": the value follows the flag (the parser gave each option its tokens).
      for (const char* option : {"--space", "--arch", "--reference"})
        if (a == option && i + 1 < run_arguments_.size() &&
            fs::is_regular_file(run_arguments_[i + 1]))
          remote_arguments_.push_back(stage(run_arguments_[++i], std::string(option + 2) + ".yml"));
    }
    RecentLines recent;
    const int status = board_.copy_to(files, remote_dir_ + "/inputs", keep(recent), stoppable());
    if (status != 0) fail(status, recent, "cannot copy the device profile to the board");
  }

  // hatprofile run on the board, its progress shown here. Returns its exit status (ssh's 255
  // when the connection failed).
  int run_on_board() {
    std::string command;
    for (const std::string& a : remote_arguments_) {
      command += ' ';
      command += util::shell_quote(a);
    }
    const std::string script = str(
        "cd ", dir_,
        " || exit 1\n"
        "if ! flock -n run.lock true; then echo \"hatprofile: waiting for the board's previous run "
        "to finish its sample (its connection was lost)\"; fi\n"
        "exec flock -E ",
        kBoardBusy, " -w ", kLockWait, " run.lock ", util::shell_quote(bundle_name_),
        "/bin/hatprofile", command, "\n");
    const std::string prefix = str("hatprofile: ", board_.address().target, ": ");
    return board_.run(
        script,
        [&](const std::string& line) {
          run_output_.add(line);
          if (line.rfind("hatprofile: ", 0) != 0)
            ssh_output_.add(line);  // ssh's, or the board shell's
          const std::string text =
              line.rfind("hatprofile: ", 0) == 0 ? prefix + line.substr(12) : prefix + line;
          if (is_progress(line))
            status_.update(text);
          else
            status_.print(text);
        },
        stoppable());
  }

  // "hatprofile: 12/300 [###..." : a progress line of hatprofile run.
  static bool is_progress(const std::string& line) {
    size_t i = std::string("hatprofile: ").size();
    if (line.rfind("hatprofile: ", 0) != 0 || i >= line.size() || !std::isdigit(line[i]))
      return false;
    while (i < line.size() && std::isdigit(line[i])) ++i;
    return i < line.size() && line[i] == '/';
  }

  // A consistent copy of the board's dataset (hatprofile merge into a fresh file there: the
  // dataset may hold rows in its write-ahead log), brought here and merged into the local one.
  void fetch_and_merge(bool connection_lost) {
    if (cli::stop_requested())
      status_.print("hatprofile: stopping; fetching what the board has measured ...");
    else if (connection_lost)
      status_.print(
          str("hatprofile: the connection was lost during the run; fetching what the "
              "board has measured ..."));
    const std::string name = util::shell_quote(bundle_name_);
    const std::string dataset = util::shell_quote(board_dataset_);
    const std::string script =
        str("cd ", dir_,
            " || exit 1\n"
            "rm -f data/transfer.sqlite data/transfer.sqlite-wal data/transfer.sqlite-shm\n"
            "if [ ! -f ",
            dataset, " ]; then echo 'no dataset'; exit 0; fi\n", name,
            "/bin/hatprofile merge --into data/transfer.sqlite --from ", dataset, " >/dev/null\n");
    RecentLines recent;
    int status = board_.run(script, keep(recent));
    if (status == 0 && recent.said("no dataset")) {
      fetched_ = true;
      return;
    }
    TemporaryDirectory staging;
    const fs::path copy = staging.path() / "board.sqlite";
    if (status == 0)
      status = board_.copy_from(remote_dir_ + "/data/transfer.sqlite", copy, keep(recent));
    if (status != 0) {
      fetch_error_ = str(status == kSshFailed || status > 128
                             ? ssh_failure_message(board_.address(), recent.lines())
                             : str("cannot copy the board's dataset (", recent.last(), ")"),
                         "; the board keeps its rows in ", remote_dir_, "/", board_dataset_);
      return;
    }
    LatencyDataset local(dataset_, dataset_options(vm_, false));
    const MergeSummary merged = local.merge_from(copy, RepeatedRun::kLeaveOut);
    status_.print(str("hatprofile: merged ", merged.added, " new row", merged.added == 1 ? "" : "s",
                      " from ", board_.address().target, " into ", dataset_.string(), " (",
                      local.count(device_.name), " rows of ", device_.name, " there)"));
    if (merged.left_out > 0)
      status_.print(str("hatprofile: left out ", merged.left_out,
                        " rows of the board: they "
                        "measure samples of a run that is here already from another collection "
                        "(hatprofile merge --as-passes keeps both: ",
                        remote_dir_, "/", board_dataset_, " on the board)"));
    fetched_ = true;
  }

  int finish(int status) {
    const std::string again = "run the same command again to continue";
    if (!fetched_) {
      status_.print(str("hatprofile: ", fetch_error_));
      status_.print("hatprofile: nothing was lost: " + again + " once the board is reachable");
      return 1;
    }
    if (cli::stop_requested()) {
      status_.print("hatprofile: stopped; the board keeps its rows: " + again);
      return 130;
    }
    if (status == 0) return 0;
    if (status == kSshFailed || status > 128) {
      status_.print(str("hatprofile: ", ssh_failure_message(board_.address(), ssh_output_.lines()),
                        "; every row measured so far is kept: ", again));
      return 1;
    }
    if (status == kBoardBusy) {
      status_.print("hatprofile: the board's previous run still holds its dataset after " +
                    std::string(kLockWait) + " s; try again later");
      return 1;
    }
    if (run_output_.said("No space left on device") || run_output_.said("disk is full")) {
      status_.print(
          "hatprofile: the board's disk is full: free space there (or give --remote-dir "
          "on a larger disk), then " +
          again);
      return 1;
    }
    status_.print(str("hatprofile: hatprofile run failed on ", board_.address().target,
                      " (exit status ", status, "); the rows it measured are merged"));
    return status == 130 ? 130 : 1;
  }

  const po::variables_map& vm_;
  Board board_;
  std::string remote_dir_;  // as scp takes it
  std::string dir_;         // the same, quoted for the board's shell
  DeviceProfile device_;
  std::vector<std::string> run_arguments_, remote_arguments_;
  fs::path dataset_;
  std::string board_dataset_;
  std::string bundle_name_;  // the bundle's folder: hat-VERSION-linux-ARCH
  cli::StatusLine status_;
  RecentLines run_output_, ssh_output_;  // the run's lines; those not of the board's hatprofile
  bool fetched_ = false;
  std::string fetch_error_;
};

}  // namespace

int remote_command(int argc, char** argv) {
  po::options_description all = remote_options();
  const auto parsed = parse(argc, argv, all);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  for (const std::string& option : kNotSent)
    if (!vm[option].defaulted() && vm.count(option))
      throw cli::UsageError(str("--", option,
                                " is not sent to the board: remote profiles random "
                                "weights (latency does not depend on their values)"));
  if (vm["device"].defaulted())
    throw cli::UsageError(
        "give --device NAME, the board's device profile (docs/board.md: copy "
        "devices/profiles/host.yml and name it)");
  run_config(vm, resolve_device(vm["device"].as<std::string>()));  // usage errors before connecting

  // The run options as typed, for the board's hatprofile run.
  po::options_description described = all;
  po::options_description help("General");
  help.add_options()("help,h", "");
  described.add(help);
  std::vector<std::string> run_arguments;
  for (const po::option& o : po::command_line_parser(argc, argv).options(described).run().options) {
    if (kLocalOptions.count(o.string_key)) continue;
    run_arguments.push_back("--" + o.string_key);
    run_arguments.insert(run_arguments.end(), o.value.begin(), o.value.end());
  }
  return RemoteProfile(vm, std::move(run_arguments))();
}

}  // namespace hat::hatprofile
