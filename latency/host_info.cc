#include "latency/host_info.h"

#include <sched.h>
#include <sqlite3.h>
#include <unistd.h>

#include <fstream>

#include "devices/backends.h"
#include "devices/error.h"

namespace hat::latency {

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "unknown";
  return buffer;
}

std::string cpu_description() {
  std::string model = "unknown CPU";
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0 || line.rfind("Model", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos && colon + 2 <= line.size()) {
        model = line.substr(colon + 2);
        break;
      }
    }
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  const int cores = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                                 : static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  return str(model, " (", cores, " cores available)");
}

std::string cpu_model(const std::string& description) {
  static const std::string suffix = " cores available)";
  const size_t open = description.rfind(" (");
  const bool has_cores = open != std::string::npos && description.size() >= suffix.size() &&
                         description.compare(description.size() - suffix.size(), suffix.size(), suffix) == 0;
  return has_cores ? description.substr(0, open) : description;
}

std::string library_versions() {
  return str("oneDNN ", onednn_version(), "; SQLite ",
             sqlite3_libversion(), "; GCC ", __VERSION__, "; OpenMP ", _OPENMP);
}

}  // namespace hat::latency
