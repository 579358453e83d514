// Where a tensor's memory lives and where its ops run.
#pragma once

#include <string_view>

namespace hat {

enum class Device { cpu, cuda };

constexpr std::string_view device_name(Device d) { return d == Device::cpu ? "cpu" : "cuda"; }

}  // namespace hat
