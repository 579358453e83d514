// Loops on the OpenMP pool that stay on the calling thread when they are too small to pay for
// a parallel region. Entering one costs about 1 us even with a single thread (libgomp builds and
// frees a team each time; an `if` clause does not avoid it) and several us with two, against a
// few us of work in each of the ~30 loops of a one-sentence decoder step (measured on the 2-core
// VM: a region of 64 additions took 1.2 us with one thread, 6.3 us with two, another job running).
#pragma once

#include <omp.h>

#include <cstdint>

namespace hat {

// Loops below this many element operations run inline.
constexpr int64_t kMinParallelWork = int64_t{1} << 15;

// Calls body(begin, end) on contiguous chunks covering [0, n): one per thread of the pool when
// n * work_per_item reaches kMinParallelWork, otherwise once, body(0, n), on the calling thread
// (also inside a parallel region). Each chunk may keep its own scratch.
template <typename Body>
void parallel_chunks(int64_t n, int64_t work_per_item, const Body& body) {
  if (n <= 0) return;
  const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  if (threads <= 1 || n == 1 || n * work_per_item < kMinParallelWork) {
    body(int64_t{0}, n);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const int64_t t = omp_get_thread_num(), count = omp_get_num_threads();
    const int64_t begin = n * t / count, end = n * (t + 1) / count;
    if (begin < end) body(begin, end);
  }
}

}  // namespace hat
