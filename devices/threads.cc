#include "devices/threads.h"

#include <omp.h>

#include "devices/error.h"

namespace hat {

void set_num_threads(int threads) {
  HAT_CHECK(threads >= 0, "threads: ", threads, " is negative; use 0 for all cores");
  omp_set_num_threads(threads == 0 ? omp_get_num_procs() : threads);
}

int num_threads() { return omp_get_max_threads(); }

ThreadLimit::ThreadLimit(int limit) {
  const int current = omp_get_max_threads();
  if (limit >= 1 && limit < current) {
    saved_ = current;
    omp_set_num_threads(limit);
  }
}

ThreadLimit::~ThreadLimit() {
  if (saved_ > 0) omp_set_num_threads(saved_);
}

}  // namespace hat
