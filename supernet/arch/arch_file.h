// Architecture files as a user names them: a path, or just the file name of one of HAT's
// published SubTransformers (HAT_wmt14ende_raspberrypi@6.0s_bleu@28.2.yml), which the toolkit
// ships under experiments/hat-configs/<task>/subtransformer of its data root (util/data_dirs.h).
#pragma once

#include <filesystem>
#include <string>

namespace hat::arch {

// experiments/hat-configs of the data root: HAT's configurations, one folder per task.
std::filesystem::path published_configs_directory();

// The file arch_from_file reads for `name_or_path`: itself when it holds a '/' or names an
// existing file; otherwise the one .yml file below published_configs_directory() (every task)
// whose name, or name without .yml, it is. Throws hat::Error naming the candidates when several
// match, and the directory looked in and the published names when none does.
std::string resolve_arch_file(const std::string& name_or_path);

}  // namespace hat::arch
