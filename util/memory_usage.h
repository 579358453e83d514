// The process's resident memory, for tools and benchmarks that report what they used.
#pragma once

#include <cstdint>
#include <string>

namespace hat::util {

// The largest resident set size this process has had so far (getrusage's ru_maxrss), in bytes.
int64_t peak_rss_bytes();

// The resident set size now (/proc/self/statm), in bytes; 0 where it cannot be read.
int64_t current_rss_bytes();

// "peak RSS 197.3 MB": the line the tools print at the end of their work.
std::string peak_rss_summary();

}  // namespace hat::util
