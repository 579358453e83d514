#include "latency/report/format.h"

#include <cstdarg>
#include <cstdint>
#include <cstdio>

#include "devices/error.h"

namespace hat::latency {

std::string format(const char* pattern, ...) {
  va_list args;
  va_start(args, pattern);
  va_list again;
  va_copy(again, args);
  const int size = std::vsnprintf(nullptr, 0, pattern, args);
  va_end(args);
  std::string out(size > 0 ? static_cast<size_t>(size) : 0, '\0');
  if (size > 0) std::vsnprintf(out.data(), out.size() + 1, pattern, again);
  va_end(again);
  return out;
}

std::string percent(double share) {
  return str(static_cast<double>(static_cast<int64_t>(share * 1000 + 0.5)) / 10, "%");
}

}  // namespace hat::latency
