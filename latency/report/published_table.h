// hatpredict eval --published: HAT's published SubTransformers of a device (latency from their
// file names) against what each evaluated kind predicts for them.
#pragma once

#include <filesystem>
#include <ostream>

#include "latency/device_profile.h"
#include "latency/predict/evaluation.h"

namespace hat::latency {

// The published configs of `directory` (published.h) that `profile` matches, one row each: the
// file, HAT's latency, and per kind the prediction at `setting` and its error. Nothing when the
// device has none.
void print_published(std::ostream& out, const std::filesystem::path& directory,
                     const DeviceProfile& profile, const InferenceSetting& setting,
                     const Evaluation& evaluation);

}  // namespace hat::latency
