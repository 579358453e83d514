#include "latency/predict/json_format.h"

#include "devices/error.h"

namespace hat::latency {

nlohmann::json parse_json_of_format(const std::string& text, const std::string& source,
                                    const std::string& what, const std::string& format,
                                    const std::string& hint) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": not a " + what + " (invalid JSON: " + e.what() + ")");
  }
  HAT_CHECK(j.is_object() && j.value("format", "") == format, source, ": not a ", what,
            " (field 'format' is not \"", format, "\"", hint, ")");
  return j;
}

}  // namespace hat::latency
