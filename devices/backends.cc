#include "devices/backends.h"

#include "devices/error.h"
#include "devices/threads.h"

namespace hat {

#ifdef HAT_WITH_CUDA
bool cuda_built() { return true; }
#else
bool cuda_built() { return false; }
int cuda_device_count() { return 0; }
#endif

std::string backend_summary() {
  std::string s = str("oneDNN ", onednn_version(), " (OpenMP, ", num_threads(), " threads)");
  if (cuda_built()) s += str(", CUDA (", cuda_device_count(), " GPU)");
  return s;
}

}  // namespace hat
