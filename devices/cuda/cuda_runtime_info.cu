// What the CUDA runtime sees on this machine; the CUDA backend's first building block.
#include <cuda_runtime.h>

#include "devices/backends.h"

namespace hat {

int cuda_device_count() {
  int count = 0;
  // A machine with the toolkit but no GPU (or no driver) reports an error: that is zero GPUs.
  if (cudaGetDeviceCount(&count) != cudaSuccess) return 0;
  return count;
}

}  // namespace hat
