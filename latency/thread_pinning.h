// Thread pinning for steadier timings: each thread of the OpenMP pool (which oneDNN shares) is
// bound to one of the cores this process may run on, so the scheduler cannot migrate it mid-run
// (a migration costs cache warmth and shows up as timing noise).
#pragma once

#include <string>

namespace hat::latency {

// Pins the current pool of `threads` OpenMP threads round-robin over the allowed cores. Does
// nothing when OMP_PROC_BIND is set (the user's binding wins; libgomp reads it at start-up).
// Returns what was done, for the log ("pinned 2 threads to cores 0,1").
std::string pin_openmp_threads(int threads);

}  // namespace hat::latency
