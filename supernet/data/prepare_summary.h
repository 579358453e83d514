// The table hatdata prints after preparing a data directory: pairs and tokens per split, the
// vocabulary, where it went and how long it took.
#pragma once

#include <string>

#include "supernet/data/metadata.h"

namespace hat::data {

// One line per split ("train    12345 pairs     98765 de tokens ..."), then the vocabulary,
// the directory and the time, each line ending with "\n".
std::string format_prepare_summary(const DataMetadata& metadata, const std::string& out, double seconds);

}  // namespace hat::data
