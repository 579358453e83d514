// The one CPU thread pool: OpenMP, which Debian's oneDNN also runs on. Our own kernels use
// OpenMP too, so the cores are never oversubscribed by a second pool.
#pragma once

namespace hat {

// Sets the number of threads every op (oneDNN's and ours) uses from now on; 0 = all cores.
void set_num_threads(int threads);
int num_threads();

// Caps this thread's OpenMP threads at `limit` (when 1 <= limit < the current count) until the
// scope ends, then restores them: for work too small to split (threads are a per-thread setting).
class ThreadLimit {
 public:
  explicit ThreadLimit(int limit);
  ~ThreadLimit();
  ThreadLimit(const ThreadLimit&) = delete;
  ThreadLimit& operator=(const ThreadLimit&) = delete;

 private:
  int saved_ = 0;  // 0: nothing to restore
};

}  // namespace hat
