#include "tools/cli/cli.h"

#include <unistd.h>

#include <algorithm>
#include <boost/program_options/errors.hpp>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace hat::cli {

int run_tool(const char* tool, const std::function<int()>& body) {
  try {
    return body();
  } catch (const UsageError& e) {
    std::cerr << tool << ": " << e.what() << " (see " << tool << " --help)\n";
    return 2;
  } catch (const boost::program_options::error& e) {
    std::cerr << tool << ": " << e.what() << " (see " << tool << " --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << tool << ": " << e.what() << "\n";
    return 1;
  }
}

int run_commands(const char* tool, const char* usage, int argc, char** argv,
                 const std::map<std::string, Command>& commands) {
  const std::vector<std::string> all(argv + 1, argv + argc);
  if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
    std::cout << usage;
    return all.empty() ? 2 : 0;
  }
  const auto it = commands.find(all[0]);
  if (it == commands.end()) {
    std::cerr << tool << ": unknown command '" << all[0] << "' (see " << tool << " --help)\n";
    return 2;
  }
  const std::string name = std::string(tool) + " " + all[0];
  const std::vector<std::string> args(all.begin() + 1, all.end());
  return run_tool(name.c_str(), [&] { return it->second(args); });
}

namespace {
// --help prints `about` and the options and gives nothing; otherwise the checked values.
std::optional<boost::program_options::variables_map> store_options(
    const boost::program_options::parsed_options& parsed,
    const boost::program_options::options_description& options, const std::string& about) {
  namespace po = boost::program_options;
  po::variables_map vm;
  po::store(parsed, vm);
  if (vm.count("help")) {
    std::cout << about << "\n" << options << "\n";
    return std::nullopt;
  }
  po::notify(vm);
  return vm;
}
}  // namespace

std::optional<boost::program_options::variables_map> parse_options(
    int argc, char** argv, const boost::program_options::options_description& options,
    const char* about) {
  return store_options(boost::program_options::parse_command_line(argc, argv, options), options, about);
}

std::optional<boost::program_options::variables_map> parse_options(
    const std::vector<std::string>& args, const boost::program_options::options_description& options,
    const std::string& about, const boost::program_options::positional_options_description& positional) {
  return store_options(
      boost::program_options::command_line_parser(args).options(options).positional(positional).run(),
      options, about);
}

void conflicting_options(const boost::program_options::variables_map& vm, const char* a,
                         const char* b) {
  const auto given = [&](const char* name) { return vm.count(name) && !vm[name].defaulted(); };
  if (!given(a) || !given(b)) return;
  std::string message = "--";  // appended piece by piece: GCC 12 warns falsely on a + chain
  message.append(a).append(" and --").append(b).append(" cannot be used together");
  throw UsageError(message);
}

double parse_duration_seconds(const std::string& text, const std::string& option) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string unit = text.substr(used);
  double scale = -1;
  if (unit.empty() || unit == "s") scale = 1;
  else if (unit == "ms") scale = 1e-3;
  else if (unit == "m" || unit == "min") scale = 60;
  else if (unit == "h") scale = 3600;
  if (used == 0 || scale < 0 || !std::isfinite(value) || value < 0)
    throw UsageError("--" + option + " '" + text + "' is not a duration (e.g. 90s, 250ms, 30m, 1.5h)");
  return value * scale;
}

std::string format_duration(double seconds) {
  const long total = std::lround(std::max(seconds, 0.0));
  char buffer[32];
  if (total >= 3600)
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld", total / 60, total % 60);
  return buffer;
}

namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int signal) {
  g_stop = true;
  std::signal(signal, SIG_DFL);  // a second Ctrl-C ends the process at once
}
}  // namespace

void install_stop_handler() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

bool stop_requested() { return g_stop; }

StatusLine::StatusLine() : interactive_(::isatty(STDERR_FILENO) == 1) {}

StatusLine::~StatusLine() {
  if (interactive_ && shown_ > 0) std::fputc('\n', stderr);
}

void StatusLine::update(const std::string& text) {
  if (!interactive_) {
    std::fprintf(stderr, "%s\n", text.c_str());
    return;
  }
  const size_t pad = shown_ > text.size() ? shown_ - text.size() : 0;
  std::fprintf(stderr, "\r%s%*s", text.c_str(), static_cast<int>(pad), "");
  std::fflush(stderr);
  shown_ = text.size();
}

void StatusLine::print(const std::string& text) {
  if (interactive_ && shown_ > 0) std::fprintf(stderr, "\r%*s\r", static_cast<int>(shown_), "");
  std::fprintf(stderr, "%s\n", text.c_str());
  shown_ = 0;
}

std::string progress_bar(double fraction, int width) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int filled = static_cast<int>(std::lround(fraction * width));
  char percent[8];
  std::snprintf(percent, sizeof percent, "%3.0f%%", 100 * fraction);
  return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] " + percent;
}

}  // namespace hat::cli
