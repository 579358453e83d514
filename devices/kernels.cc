// The registry of backends: each one compiled in is listed here once.
#include "devices/kernels.h"

#include "devices/cpu/cpu_kernels.h"

namespace hat {

const std::vector<const Kernels*>& backends() {
  static const std::vector<const Kernels*> list{&cpu::kernels()};
  return list;
}

const Kernels& kernels(Device device) {
  for (const Kernels* k : backends())
    if (k->device() == device) return *k;
  throw Error(str("no backend for device ", device_name(device), " in this build"));
}

}  // namespace hat
