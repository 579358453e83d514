// printf-style formatting into a std::string, for the tables the tools print (their columns are
// written as printf widths, which streams would spell at far greater length).
#pragma once

#include <string>

namespace hat::latency {

std::string format(const char* pattern, ...) __attribute__((format(printf, 1, 2)));

// 0.1234 -> "12.3%": a share rounded half up to one decimal.
std::string percent(double share);

}  // namespace hat::latency
