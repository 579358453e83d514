// A search space in HAT's YAML format at toy scale (width 32, 2+2 layers, Q/K/V 16), with
// training settings that train 40 updates in about a second: for tests that need a real
// SuperTransformer, a hattrain run or a checkpoint.
#pragma once

namespace hat::test {

inline constexpr const char* kTinySpaceYaml = R"(share-all-embeddings: True
max-tokens: 300
optimizer: adam
adam-betas: (0.9, 0.98)
clip-norm: 1.0
weight-decay: 0.0001
dropout: 0.1
attention-dropout: 0.1
label-smoothing: 0.1
update-freq: 2
max-update: 40
warmup-updates: 5
lr-scheduler: inverse_sqrt
warmup-init-lr: 1e-7
lr: 0.002
encoder-embed-dim: 32
decoder-embed-dim: 32
encoder-ffn-embed-dim: 64
decoder-ffn-embed-dim: 64
encoder-layers: 2
decoder-layers: 2
encoder-attention-heads: 2
decoder-attention-heads: 2
qkv-dim: 16
encoder-embed-choice: [32, 24]
decoder-embed-choice: [32, 24]
encoder-ffn-embed-dim-choice: [64, 48]
decoder-ffn-embed-dim-choice: [64, 48]
encoder-layer-num-choice: [2]
decoder-layer-num-choice: [2, 1]
encoder-self-attention-heads-choice: [2, 1]
decoder-self-attention-heads-choice: [2, 1]
decoder-ende-attention-heads-choice: [2, 1]
decoder-arbitrary-ende-attn-choice: [-1, 1]
)";

}  // namespace hat::test
