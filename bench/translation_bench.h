// bench_decode's translation mode: a trained model translating real sentences, one at a time
// and in batches, at beam 1 and 5, with the memory the batch needed and the memory the process
// took. The peak RSS target (issue 26): at most 2 x (weights + the largest batch's keys/values)
// + 150 MB, whatever the number of sentences.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hat::bench {

struct TranslationBenchOptions {
  std::string model;           // a model directory from hatexport
  std::string input;           // source sentences, one a line
  int64_t sentences = 100;     // the first N lines
  std::vector<int64_t> beams = {1, 5};
  int64_t max_tokens = 1024;   // batched: source tokens per batch
  int repeats = 3;             // timed runs of each setting (median)
};

// Prints one line per setting (beam x one-at-a-time/batched) and the memory check; returns
// whether peak RSS stayed within the bound.
bool run_translation_bench(const TranslationBenchOptions& options);

// Bytes per second of reading a buffer larger than the caches (the median of a few passes),
// the ceiling of a decoder step that must read all its weights.
double read_bandwidth_bytes_per_s();

}  // namespace hat::bench
