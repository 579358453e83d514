#include "latency/thread_pinning.h"

#include <omp.h>
#include <sched.h>

#include <cstdlib>
#include <vector>

#include "devices/error.h"

namespace hat::latency {

std::string pin_openmp_threads(int threads) {
  if (const char* bind = std::getenv("OMP_PROC_BIND"); bind != nullptr && *bind != '\0')
    return str("threads bound by OMP_PROC_BIND=", bind);
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return "threads not pinned (no affinity mask)";
  std::vector<int> cores;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &allowed)) cores.push_back(c);
  if (cores.empty() || threads < 1) return "threads not pinned";
  std::vector<int> failed(static_cast<size_t>(threads), 0);
  // The same team size as the ops use, so these very pool threads are the ones pinned.
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cores[static_cast<size_t>(t) % cores.size()], &one);
    failed[static_cast<size_t>(t)] = sched_setaffinity(0, sizeof one, &one) != 0;
  }
  std::string list;
  for (int t = 0; t < threads; ++t)
    list += (t ? "," : "") + std::to_string(cores[static_cast<size_t>(t) % cores.size()]);
  for (int f : failed)
    if (f) return "threads not pinned (sched_setaffinity refused)";
  return str("pinned ", threads, " thread", threads == 1 ? "" : "s", " to cores ", list);
}

}  // namespace hat::latency
