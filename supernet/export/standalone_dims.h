// The shape of a standalone SubTransformer: a SuperTransformer whose maxima are one
// architecture's own dims, keeping what its outputs depend on from the SuperTransformer it was
// cut from (position table widths, HAT's list of encoder outputs).
#pragma once

#include "supernet/arch/arch_config.h"
#include "supernet/arch/model_dims.h"

namespace hat::standalone {

// `super` with embed dims, FFN maxima (the largest per-layer dim) and layer counts set to
// `arch`'s; with shared embeddings both embed maxima are max(encoder, decoder embed dim), the
// width of the one true-size matrix. Vocabulary, qkv_dim, max_positions, sharing and padding
// stay; the positions widths and the ende list length become super's effective ones.
// Idempotent: standalone_dims(standalone_dims(d, a), a) == standalone_dims(d, a).
arch::ModelDims standalone_dims(const arch::ModelDims& super, const arch::ArchConfig& arch);

}  // namespace hat::standalone
