// The weight-sharing SuperTransformer (HAT, docs/DESIGN.md): one flat parameter buffer at
// the maxima of a search space; any SubTransformer runs on leading-block slices of it.
#pragma once

#include <cstdint>
#include <memory>

#include "devices/parameters.h"
#include "supernet/arch/arch_config.h"
#include "supernet/arch/model_dims.h"
#include "supernet/model/model_batch.h"

namespace hat::model {

// Regularisation of one training step, before HAT's rescaling (transformer_super.py,
// calc_dropout(p, sample_embed_dim, super_embed_dim) = p * sample / super): dropout and
// activation dropout are both multiplied by the side's sampled / super EMBED dim (HAT passes the
// embed dims for both), except the encoder's dropout after self-attention, which HAT applies
// unscaled (TransformerEncoderLayer uses self.dropout = args.dropout there). Attention dropout
// (on the attention probabilities) is never rescaled.
struct Regularization {
  double dropout = 0.3;
  double attention_dropout = 0.0;
  double activation_dropout = 0.0;
  double label_smoothing = 0.1;
};

// Loss sums over the target tokens of a batch (divide by tokens for per-token values; HAT
// reports loss / tokens / ln 2, in bits).
struct LossSums {
  double loss = 0;  // label-smoothed cross-entropy, nats
  double nll = 0;   // plain negative log-likelihood, nats
  int64_t tokens = 0;
  LossSums& operator+=(const LossSums& o) {
    loss += o.loss;
    nll += o.nll;
    tokens += o.tokens;
    return *this;
  }
};

class SuperTransformer {
 public:
  explicit SuperTransformer(const arch::ModelDims& dims, DType dtype = DType::f32);
  ~SuperTransformer();
  SuperTransformer(const SuperTransformer&) = delete;
  SuperTransformer& operator=(const SuperTransformer&) = delete;

  const arch::ModelDims& dims() const { return dims_; }
  ParameterStore& parameters() { return params_; }
  const ParameterStore& parameters() const { return params_; }

  // Parameters carry fairseq's state_dict names at their SuperTransformer shapes
  // (encoder.embed_tokens.weight, encoder.layers.0.self_attn.in_proj_weight [3 qkv, d_max], ...;
  // see layer_params.h); with shared embeddings only encoder.embed_tokens.weight exists.

  // fairseq's initialisation, from the seed alone: Xavier-uniform linear weights, zero biases,
  // embeddings N(0, d_max^-1/2) with a zero padding row, LayerNorm gamma 1 and beta 0.
  void init_parameters(uint64_t seed);

  // Throws hat::Error naming the field unless `arch` fits these maxima: dims and layer counts
  // in [1, max], one per-layer entry per active layer, heads dividing qkv_dim, attend-to layers
  // in [1, min(3, ende_list_layers(dims))]. Attending to the last n encoder layers follows HAT's
  // code exactly: it reads HAT's list of the SUPER encoder's layer outputs (ende_encoder_layers
  // long for a standalone model cut from a deeper SuperTransformer), in which layers past
  // the sampled count pass their input through, so with fewer active layers than the maximum
  // "the last n" repeat the last active output (attend-to 2 with 4 of 6 layers active reads the
  // 4th output twice, which equals reading it once).
  void check_arch(const arch::ArchConfig& arch) const;

  // Forward and backward of SubTransformer `arch` on one batch: adds grad_scale * d(loss sum)
  // into parameters().grads() (which the caller zeroes once per update) and returns the sums.
  // Gradients land only in the SubTransformer's slices (everything else gets exactly 0 added).
  // Dropout masks come from dropout_seed alone (a distinct stream per dropout site), so with a
  // fixed seed this is a deterministic function, bit for bit for a given thread count.
  // Buffers are reused between calls and grow only with the batch.
  // The batch must be right-padded with padding_idx exactly past each length (checked).
  LossSums forward_backward(const arch::ArchConfig& arch, const ModelBatch& batch,
                            const Regularization& reg, uint64_t dropout_seed,
                            double grad_scale = 1.0);

  // Forward only, without dropout and without touching gradients: the validation loss of a
  // SubTransformer with inherited weights (the search's fitness).
  LossSums evaluate(const arch::ArchConfig& arch, const ModelBatch& batch, double label_smoothing);

  // Parameters of the SubTransformer, counted as its true-size tensors would be: with and
  // without the embedding matrices (HAT counts without).
  int64_t parameter_count(const arch::ArchConfig& arch, bool include_embeddings) const;

 private:
  // The forward (dropout only when training) and, when training, the backward.
  LossSums run(const arch::ArchConfig& arch, const ModelBatch& batch, const Regularization& reg,
               uint64_t dropout_seed, bool training, double grad_scale);
  void backward(const arch::ArchConfig& arch, const ModelBatch& batch);

  struct Workspace;  // activations and op contexts, reused across calls
  arch::ModelDims dims_;
  ParameterStore params_;
  std::unique_ptr<Workspace> workspace_;
};

}  // namespace hat::model
