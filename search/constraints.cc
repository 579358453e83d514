#include "search/constraints.h"

#include <algorithm>

#include "devices/error.h"

namespace hat::search {

double LatencyBound::predict_ms(const arch::ArchConfig& arch) const {
  return predictor.predict(latency::summarize_arch(arch, setting)).total_ms;
}

int64_t inference_memory_bytes(const model::SuperTransformer& model, const arch::ArchConfig& arch,
                               int64_t source_length, int64_t beam) {
  const arch::ModelDims& d = model.dims();
  const int64_t params = model.parameter_count(arch, true);
  // Packed decoder weights: per layer q, k|v, out, cross q, cross out, fc1, fc2; the output
  // projection [d, V].
  const int64_t dd = arch.decoder_embed_dim, Q = d.qkv_dim;
  int64_t packed = dd * d.vocab_size;
  for (int64_t l = 0; l < arch.decoder_layers; ++l)
    packed += 3 * dd * Q + Q * dd + dd * Q + Q * dd + 2 * dd * arch.decoder_ffn_dims[l];
  const int64_t L = source_length;
  int64_t ende = 0;
  for (int64_t n : arch.decoder_ende_layers) ende += n * L * 2 * Q;
  const int64_t activations = arch.encoder_layers * L * arch.encoder_embed_dim  // encoder outputs
                              + ende                                             // cross k | v
                              + beam * L * 2 * Q * arch.decoder_layers          // self caches
                              + beam * d.vocab_size;                             // logits
  return 4 * (params + packed + activations);
}

bool Constraints::satisfied(const arch::ArchConfig& arch) const {
  for (const LatencyBound& b : latency_)
    if (b.predict_ms(arch) > b.budget_ms) return false;
  if (max_parameters_ && model_.parameter_count(arch, false) > *max_parameters_) return false;
  if (max_memory_ && inference_memory_bytes(model_, arch, protocol_length(), protocol_beam()) >
                         *max_memory_)
    return false;
  return true;
}

CandidateFacts Constraints::facts(const arch::ArchConfig& arch) const {
  CandidateFacts f;
  f.parameters = model_.parameter_count(arch, false);
  f.parameters_with_embeddings = model_.parameter_count(arch, true);
  for (const LatencyBound& b : latency_) f.latency_ms[b.device.name] = b.predict_ms(arch);
  return f;
}

void Constraints::check_feasible(const arch::SearchSpace& space) const {
  const arch::ArchConfig small = arch::smallest_arch(space), large = arch::largest_arch(space);
  for (const LatencyBound& b : latency_) {
    const double lo = b.predict_ms(small), hi = b.predict_ms(large);
    HAT_CHECK(lo <= b.budget_ms, "no SubTransformer of the space '", space.name, "' meets ",
              b.budget_ms, " ms on ", b.device.name, ": predicted latencies range from ", lo,
              " ms (smallest) to ", hi, " ms (largest)");
  }
  if (max_parameters_) {
    const int64_t lo = model_.parameter_count(small, false), hi = model_.parameter_count(large, false);
    HAT_CHECK(lo <= *max_parameters_, "no SubTransformer of the space '", space.name, "' has at most ",
              *max_parameters_, " parameters: they range from ", lo, " to ", hi,
              " (without embeddings)");
  }
  if (max_memory_) {
    const int64_t lo = inference_memory_bytes(model_, small, protocol_length(), protocol_beam()),
                  hi = inference_memory_bytes(model_, large, protocol_length(), protocol_beam());
    HAT_CHECK(lo <= *max_memory_, "no SubTransformer of the space '", space.name, "' fits in ",
              *max_memory_ / 1e6, " MB of inference memory: estimates range from ", lo / 1e6,
              " to ", hi / 1e6, " MB");
  }
}

}  // namespace hat::search
