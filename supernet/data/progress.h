// The callback through which long library steps report progress; library code never prints,
// a command-line main passes a function that does.
#pragma once

#include <functional>
#include <string>

namespace hat::data {

using Progress = std::function<void(const std::string&)>;

inline void report(const Progress& progress, const std::string& line) {
  if (progress) progress(line);
}

}  // namespace hat::data
