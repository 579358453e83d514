#include "latency/predict/published.h"

#include <algorithm>
#include <cstdlib>

#include "devices/error.h"
#include "supernet/arch/arch_yaml.h"

namespace hat::latency {

std::vector<PublishedArch> read_published_archs(const std::filesystem::path& directory) {
  HAT_CHECK(std::filesystem::is_directory(directory), "published configs: ", directory.string(),
            " is not a directory");
  std::vector<PublishedArch> out;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("HAT_", 0) != 0 || entry.path().extension() != ".yml") continue;
    // HAT_<task>_<device>@<number><unit>_bleu@...
    const size_t task_end = name.find('_', 4), at = name.find('@'), bleu = name.find("_bleu@");
    HAT_CHECK(task_end != std::string::npos && at != std::string::npos && bleu != std::string::npos &&
                  task_end < at && at < bleu,
              entry.path().string(), ": file name is not HAT_<task>_<device>@<latency>_bleu@<bleu>.yml");
    PublishedArch p;
    p.file = entry.path();
    p.device = name.substr(task_end + 1, at - task_end - 1);
    const std::string latency = name.substr(at + 1, bleu - at - 1);
    char* end = nullptr;
    const double value = std::strtod(latency.c_str(), &end);
    const std::string unit = end ? std::string(end) : "";
    HAT_CHECK(value > 0 && (unit == "s" || unit == "ms"), entry.path().string(), ": latency '", latency,
              "' in the file name is not a number of s or ms");
    p.latency_ms = unit == "s" ? value * 1000 : value;
    p.arch = arch::arch_from_file(entry.path().string());
    out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(), [](const PublishedArch& a, const PublishedArch& b) {
    return a.file.filename() < b.file.filename();
  });
  return out;
}

}  // namespace hat::latency
