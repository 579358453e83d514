// HAT's published SubTransformers (experiments/hat-configs/<task>/subtransformer), whose file
// names carry the latency HAT measured on the device they were searched for:
// HAT_wmt14ende_raspberrypi@6.0s_bleu@28.2.yml -> device "raspberrypi", 6000 ms.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "supernet/arch/arch_config.h"
#include "supernet/arch/arch_file.h"  // published_configs_directory(): where they are shipped

namespace hat::latency {

struct PublishedArch {
  std::filesystem::path file;
  std::string device;  // as in the file name ("raspberrypi", "xeon", "titanxp")
  double latency_ms = 0;
  arch::ArchConfig arch;
};

// Every HAT_<task>_<device>@<latency>(s|ms)_bleu@<bleu>.yml of `directory`, sorted by file name.
// Throws hat::Error naming a file whose name or YAML is malformed.
std::vector<PublishedArch> read_published_archs(const std::filesystem::path& directory);

}  // namespace hat::latency
