// The one CPU thread pool: OpenMP, which Debian's oneDNN also runs on. Our own kernels use
// OpenMP too, so the cores are never oversubscribed by a second pool.
#pragma once

namespace hat {

// Sets the number of threads every op (oneDNN's and ours) uses from now on; 0 = all cores.
void set_num_threads(int threads);
int num_threads();

}  // namespace hat
