// hatprofile: measures SubTransformer latency on this machine into a SQLite latency dataset, and
// profiles a board over ssh, moves data in and out (HAT's CSV files, merging boards' files, per-device statistics). The
// main dispatches to the commands (tools/hatprofile/); they parse options and call latency/.
#include <map>
#include <string>

#include "devices/error.h"
#include "tools/cli/cli.h"
#include "tools/hatprofile/commands.h"

using namespace hat;
using namespace hat::hatprofile;

namespace {

int dispatch(int argc, char** argv) {
  static const std::map<std::string, int (*)(int, char**)> commands = {
      {"run", run_command},       {"import-csv", import_command}, {"export-csv", export_command},
      {"merge", merge_command},   {"stats", stats_command},       {"remote", remote_command}};
  if (argc >= 2 && argv[1][0] != '-') {
    const auto it = commands.find(argv[1]);
    if (it == commands.end())
      throw cli::UsageError(str("unknown command '", argv[1],
                                "': run, remote, import-csv, export-csv, merge or stats"));
    return it->second(argc - 1, argv + 1);  // the command name takes argv[0]'s place
  }
  return run_command(argc, argv);
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hatprofile", [&] { return dispatch(argc, argv); });
}
