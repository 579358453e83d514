// What every command-line tool shares: exit codes, option errors, durations, Ctrl-C, and
// progress lines that redraw on a terminal and log plainly otherwise.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace hat::cli {

// Thrown for bad usage (exit status 2); anything else that escapes a tool is a failure (1).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs body(), printing "TOOL: message" on one line for any exception: 2 for usage errors
// (Boost.Program_options' included), 1 for failures. Returns body's status otherwise.
int run_tool(const char* tool, const std::function<int()>& body);

// A tool of several commands ("hatdata prepare ..."): with no command prints `usage` and
// returns 2; with --help, -h or help prints it and returns 0; an unknown command is a usage
// error (2). Otherwise runs the command through run_tool as "TOOL COMMAND" with the arguments
// after the command's name.
using Command = int (*)(const std::vector<std::string>& args);
int run_commands(const char* tool, const char* usage, int argc, char** argv,
                 const std::map<std::string, Command>& commands);

// Parses the command line against `options`; with --help prints `about` and the options and
// returns nothing (the tool then exits 0). Errors throw (run_tool turns them into status 2).
std::optional<boost::program_options::variables_map> parse_options(
    int argc, char** argv, const boost::program_options::options_description& options,
    const char* about);
// The same for a command's own arguments (those after its name, as hatdata's commands take
// them), with positional options.
std::optional<boost::program_options::variables_map> parse_options(
    const std::vector<std::string>& args, const boost::program_options::options_description& options,
    const std::string& about, const boost::program_options::positional_options_description& positional = {});

// Throws UsageError when both options were given on the command line (defaults do not count).
void conflicting_options(const boost::program_options::variables_map& vm, const char* a,
                         const char* b);

// "90", "90s", "250ms", "30m", "1.5h" -> seconds. Throws UsageError naming `option`.
double parse_duration_seconds(const std::string& text, const std::string& option);
// 75.2 -> "1:15", 3725 -> "1:02:05".
std::string format_duration(double seconds);

// After install_stop_handler(), the first SIGINT or SIGTERM sets stop_requested(); a second
// SIGINT ends the process at once (the default action).
void install_stop_handler();
bool stop_requested();

// A status line: on a terminal it redraws in place (\r); elsewhere each update() is a log line.
class StatusLine {
 public:
  StatusLine();
  ~StatusLine();
  void update(const std::string& text);  // replaces the status
  void print(const std::string& text);   // a permanent line above the status
  bool interactive() const { return interactive_; }

 private:
  bool interactive_;
  size_t shown_ = 0;  // characters of the status currently drawn
};

// "[#######.......] 45%" of the given width.
std::string progress_bar(double fraction, int width);

}  // namespace hat::cli
