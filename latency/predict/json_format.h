// The start of reading latency/predict's JSON files (predictors, kernel costs): the text parsed
// and its "format" field checked, with errors that name the file and what it should have been.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace hat::latency {

// The JSON of `text`; throws "SOURCE: not a WHAT (...)" when it is not JSON or its "format" is
// not `format` (`hint`, e.g. "; hatpredict kernels writes one", ends that message).
nlohmann::json parse_json_of_format(const std::string& text, const std::string& source,
                                    const std::string& what, const std::string& format,
                                    const std::string& hint = "");

}  // namespace hat::latency
