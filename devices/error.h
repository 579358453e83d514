// Errors the library throws: one exception type whose message a user can act on.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace hat {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Concatenates anything streamable into one string: str("linear: x ", shape, " ...").
template <typename... Args>
std::string str(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}

// HAT_CHECK(cond, "op: message ", value, ...) throws hat::Error with the message when cond is false.
#define HAT_CHECK(cond, ...)                          \
  do {                                                \
    if (!(cond)) throw ::hat::Error(::hat::str(__VA_ARGS__)); \
  } while (false)

}  // namespace hat
