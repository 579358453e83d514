#include "devices/cpu/cpu_kernels.h"

namespace hat::cpu {

const CpuKernels& kernels() {
  static const CpuKernels instance;
  return instance;
}

}  // namespace hat::cpu
