#include "devices/threads.h"

#include <omp.h>

#include "devices/error.h"

namespace hat {

void set_num_threads(int threads) {
  HAT_CHECK(threads >= 0, "threads: ", threads, " is negative; use 0 for all cores");
  omp_set_num_threads(threads == 0 ? omp_get_num_procs() : threads);
}

int num_threads() { return omp_get_max_threads(); }

}  // namespace hat
