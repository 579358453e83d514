// Micro-benchmarks of the kernels a decoder step runs (supernet/decode: packed GEMMs, decode
// attention, log-softmax) on this machine, at the current thread setting; the result prices the
// operator model's decoder step (latency/predict/kernel_costs.h has the models fitted here).
//
// GEMMs are timed in two regimes: hot, one matrix of at most 1 MB multiplied again and again
// (its weights stay in cache), and cold, a rotation through `cold_bytes` of copies (each call
// streams its weights from memory). The footprint sweep then cycles through F bytes of 1 MB
// matrices for F from 1 MB up: the share of the cold-hot difference paid at F is the
// machine's cache as a decoder step meets it (a step reads each of its weights once). Last,
// the step replay times the layers' GEMMs and the output projection of steps of a grid of
// sizes, as a decoder step runs them one after the other (kernel_costs.h, StepReplay).
// Every figure is the median per-call time over several batches of calls.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "latency/predict/kernel_costs.h"

namespace hat::latency {

struct KernelBenchmarkOptions {
  std::vector<int64_t> rows = {1, 2, 3, 4, 5, 6, 8, 12, 16};  // GEMM M: beams, a few sentences
  double cold_bytes = 256e6;   // beyond any last-level cache this is likely to meet
  double max_footprint_bytes = 128e6;
  int batches = 7;             // timed batches per figure (the median is kept)
  // The step replay's grid: row counts, the layers' weights and the output projection's.
  std::vector<int64_t> replay_rows = {1, 2, 3, 5, 8, 16};
  std::vector<double> replay_layer_weights = {0.25e6, 0.5e6, 1e6, 2e6, 4e6, 8e6, 16e6, 32e6};
  std::vector<double> replay_output_weights = {1e6, 2e6, 4e6, 8e6, 16e6, 32e6};
  int replay_rounds = 5;
  std::function<void(const std::string&)> progress;  // a line per stage, optional
};

// Throws hat::Error when a timing is not positive (a clock that does not advance).
KernelCosts benchmark_kernels(const KernelBenchmarkOptions& options = {});

}  // namespace hat::latency
