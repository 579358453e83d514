// Which kernel implementations ran: latency measurement (latency/measure/) stores them with each
// row, so that a board's rows show where its oneDNN ran reference code, or our own loops in its
// place (devices/cpu/reference_fallback.h). Backend-neutral, its own small file so that
// latency/ need not include a backend's headers; the CPU backend notes every oneDNN primitive
// it runs (devices/cpu/implementation_log.h).
#pragma once

#include <string>
#include <vector>

namespace hat {

// Records from construction to destruction, one recorder at a time (a second one while one
// records: hat::Error). Not recording, a kernel pays one relaxed atomic load.
class KernelImplementationRecorder {
 public:
  KernelImplementationRecorder();
  ~KernelImplementationRecorder();
  KernelImplementationRecorder(const KernelImplementationRecorder&) = delete;
  KernelImplementationRecorder& operator=(const KernelImplementationRecorder&) = delete;

  // The distinct implementations run so far, sorted, each "KIND:IMPL" as oneDNN names them
  // ("matmul:brg:avx512_core", "layer_normalization:simple:any") or, for our own loops,
  // "KIND:own loop (oneDNN has IMPL)" ("eltwise:own loop (oneDNN has ref:any)").
  std::vector<std::string> implementations() const;
};

}  // namespace hat
