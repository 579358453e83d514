// Our own loops for the ops where oneDNN has only its reference implementation on the CPU at
// hand. On arm64 without SVE (a Raspberry Pi 4's Cortex-A72) Debian's oneDNN 2.6 runs ReLU and
// (log-)softmax as `ref:any` (docs/experiments/board-arm64.md): generic code that computes each
// element's offset through its memory descriptor. These plain loops over contiguous f32 are
// vectorised by the compiler for the target (NEON on arm64) except for the exponential.
// Everywhere oneDNN has a JIT kernel (x86, SVE) it keeps running that.
// Where a loop runs, an open implementation log (implementation_log.h) notes it as
// "KIND:own loop (oneDNN has IMPL)", so that a board's latency rows show the fallback ran.
#pragma once

#include <cstdint>
#include <string>

namespace hat::cpu {

// True for a oneDNN implementation name that is its reference code ("ref:any", "ref:...").
bool is_reference_implementation(const std::string& impl_info);

// y = max(x, 0) over n contiguous floats (y may be x).
void relu_loop(const float* x, float* y, int64_t n);

// Row-wise softmax (log = false) or log-softmax (log = true) of a row-major [rows, width]
// array, in place, each row shifted by its maximum:
//   softmax(x)_i = exp(x_i - m) / s,  log_softmax(x)_i = x_i - m - log s,  s = sum_j exp(x_j - m).
void softmax_rows_loop(float* x, int64_t rows, int64_t width, bool log);

}  // namespace hat::cpu
