// What a searched SubTransformer must satisfy: predicted latency on one or more devices,
// parameter count, and an estimate of inference memory. Each bound is optional.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "latency/device_profile.h"
#include "latency/predict/predictor.h"
#include "supernet/arch/search_space.h"
#include "supernet/model/super_transformer.h"

namespace hat::search {

struct LatencyBound {
  latency::DeviceProfile device;
  latency::LatencyPredictor predictor;
  // The setting predictions are made in: the device's protocol (L, beam) with the searched
  // SuperTransformer's vocabulary and qkv width.
  latency::InferenceSetting setting;
  double budget_ms = 0;

  double predict_ms(const arch::ArchConfig& arch) const;
};

// Bytes a deployed SubTransformer needs for HAT-protocol inference in f32: every parameter
// (embeddings included), the decoder's packed weight copies (IncrementalDecoder), and the
// activations of the largest step: encoder outputs, encoder-decoder keys/values, the
// self-attention caches for beam x L positions, and the beam's logits.
int64_t inference_memory_bytes(const model::SuperTransformer& model, const arch::ArchConfig& arch,
                               int64_t source_length, int64_t beam);

// What a candidate costs, as the search records it (candidates.sqlite, result.json).
struct CandidateFacts {
  int64_t parameters = 0;                    // without embeddings (HAT's count)
  int64_t parameters_with_embeddings = 0;
  std::map<std::string, double> latency_ms;  // device name -> predicted ms, per latency bound
};

class Constraints {
 public:
  explicit Constraints(const model::SuperTransformer& model) : model_(model) {}

  void add_latency(LatencyBound bound) { latency_.push_back(std::move(bound)); }
  void set_max_parameters(int64_t count) { max_parameters_ = count; }   // without embeddings, as HAT
  void set_max_memory_bytes(int64_t bytes) { max_memory_ = bytes; }

  bool satisfied(const arch::ArchConfig& arch) const;
  CandidateFacts facts(const arch::ArchConfig& arch) const;
  const std::vector<LatencyBound>& latency() const { return latency_; }
  std::optional<int64_t> max_parameters() const { return max_parameters_; }
  std::optional<int64_t> max_memory_bytes() const { return max_memory_; }

  // Throws hat::Error when even the space's smallest SubTransformer breaks a bound, printing
  // each bound's feasible range: the smallest and the largest SubTransformer's value.
  void check_feasible(const arch::SearchSpace& space) const;

  // The protocol memory is estimated for: the first latency device's, else HAT's L 30, beam 5.
  int64_t protocol_length() const { return latency_.empty() ? 30 : latency_.front().setting.source_length; }
  int64_t protocol_beam() const { return latency_.empty() ? 5 : latency_.front().setting.beam; }

 private:
  const model::SuperTransformer& model_;
  std::vector<LatencyBound> latency_;
  std::optional<int64_t> max_parameters_, max_memory_;
};

}  // namespace hat::search
