// Deterministic train/valid/test split of sentence pairs such that no valid or test sentence
// appears in train on either side.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "supernet/data/parallel_text.h"

namespace hat::data {

struct SplitOptions {
  size_t valid = 1000;  // at least this many pairs in valid
  size_t test = 1000;   // and in test
  uint64_t seed = 1;
};

struct SplitResult {
  ParallelText train, valid, test;
};

// Pairs sharing a source or a target sentence form a group; whole groups go, in an order fixed
// by a hash of (seed, group text), to test until it holds `test` pairs, then to valid, then to
// train. Each split keeps the corpus order. Throws hat::Error (naming `what`) when the corpus is
// too small: train must keep at least as many pairs as valid and test together.
SplitResult split_pairs(const ParallelText& pairs, const SplitOptions& options, const std::string& what);

// For each pair of `train`: whether its source or its target sentence occurs in any of `held_out`.
std::vector<bool> overlaps(const ParallelText& train, const std::vector<const ParallelText*>& held_out);

}  // namespace hat::data
