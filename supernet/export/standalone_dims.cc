// The shape of a standalone SubTransformer (see standalone_dims.h).
#include "supernet/export/standalone_dims.h"

#include <algorithm>

#include "devices/error.h"

namespace hat::standalone {

arch::ModelDims standalone_dims(const arch::ModelDims& super, const arch::ArchConfig& arch) {
  HAT_CHECK(!arch.encoder_ffn_dims.empty() && !arch.decoder_ffn_dims.empty(),
            "standalone model: the architecture has no encoder or no decoder layers");
  arch::ModelDims d = super;
  const int64_t de = arch.encoder_embed_dim, dd = arch.decoder_embed_dim;
  d.encoder_embed_max = super.share_all_embeddings ? std::max(de, dd) : de;
  d.decoder_embed_max = super.share_all_embeddings ? std::max(de, dd) : dd;
  d.encoder_ffn_max = *std::max_element(arch.encoder_ffn_dims.begin(), arch.encoder_ffn_dims.end());
  d.decoder_ffn_max = *std::max_element(arch.decoder_ffn_dims.begin(), arch.decoder_ffn_dims.end());
  d.encoder_layers_max = arch.encoder_layers;
  d.decoder_layers_max = arch.decoder_layers;
  d.encoder_positions_dim = arch::encoder_positions_width(super);
  d.decoder_positions_dim = arch::decoder_positions_width(super);
  d.ende_encoder_layers = arch::ende_list_layers(super);
  return d;
}

}  // namespace hat::standalone
