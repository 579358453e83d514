// The true-size tensors of one SubTransformer (see subtransformer_tensors.h).
#include "supernet/export/subtransformer_tensors.h"

#include <algorithm>

#include "devices/error.h"
#include "supernet/model/layer_params.h"

namespace hat::standalone {

namespace {

class Collector {
 public:
  explicit Collector(std::vector<SubTensor>& out) : out_(out) {}
  void add(const std::string& name, const Tensor& view) {
    out_.push_back({name, view.shape(), {view}});
  }
  void linear(const std::string& name, const model::LinearParam& p) {
    add(name + ".weight", p.weight.value);
    add(name + ".bias", p.bias.value);
  }
  void layer_norm(const std::string& name, const model::LayerNormParam& p) {
    add(name + ".weight", p.weight.value);
    add(name + ".bias", p.bias.value);
  }
  void self_attention(const std::string& name, const model::SelfAttentionParams& p) {
    add(name + ".in_proj_weight", p.in_proj.weight.value);
    add(name + ".in_proj_bias", p.in_proj.bias.value);
    linear(name + ".out_proj", p.out_proj);
  }
  // MultiheadAttentionSuper's names: one in_proj_weight when query and key/value widths agree.
  // A fused SuperTransformer holds it as one matrix (a single view); one that keeps q, k and v
  // apart (unequal embed maxima) gives three parts. The bias is always whole, [3Q].
  void cross_attention(const std::string& name, const model::CrossAttentionParams& p,
                       const ParameterStore& store, bool same_width) {
    const Tensor& bias = store.value(name + ".in_proj_bias");
    if (same_width && p.kv_weight.value.defined()) {
      add(name + ".in_proj_weight",
          store.value(name + ".in_proj_weight").leading({bias.size(0), p.q_weight.value.size(1)}));
    } else if (same_width) {
      out_.push_back({name + ".in_proj_weight",
                      {bias.size(0), p.q_weight.value.size(1)},
                      {p.q_weight.value, p.k_weight.value, p.v_weight.value}});
    } else {
      add(name + ".k_proj_weight", p.k_weight.value);
      add(name + ".v_proj_weight", p.v_weight.value);
      add(name + ".q_proj_weight", p.q_weight.value);
    }
    add(name + ".in_proj_bias", bias);
    linear(name + ".out_proj", p.out_proj);
  }

 private:
  std::vector<SubTensor>& out_;
};

}  // namespace

std::vector<SubTensor> subtransformer_tensors(const model::SuperTransformer& model,
                                              const arch::ArchConfig& arch) {
  model.check_arch(arch);
  const arch::ModelDims& dims = model.dims();
  const ParameterStore& store = model.parameters();
  const int64_t de = arch.encoder_embed_dim, dd = arch.decoder_embed_dim;
  std::vector<SubTensor> out;
  Collector c(out);
  c.add(
      model::kEncoderEmbedName,
      model::embedding_param(store, dims, false, dims.share_all_embeddings ? std::max(de, dd) : de)
          .value);
  for (int64_t l = 0; l < arch.encoder_layers; ++l) {
    const std::string p = model::layer_prefix(false, l);
    const model::EncoderLayerParams e =
        model::encoder_layer_params(store, dims, l, de, arch.encoder_ffn_dims[l]);
    c.self_attention(p + "self_attn", e.self_attn);
    c.layer_norm(p + "self_attn_layer_norm", e.self_attn_layer_norm);
    c.linear(p + "fc1", e.ffn.fc1);
    c.linear(p + "fc2", e.ffn.fc2);
    c.layer_norm(p + "final_layer_norm", e.final_layer_norm);
  }
  if (!dims.share_all_embeddings)
    c.add(model::kDecoderEmbedName, model::embedding_param(store, dims, true, dd).value);
  for (int64_t l = 0; l < arch.decoder_layers; ++l) {
    const std::string p = model::layer_prefix(true, l);
    const model::DecoderLayerParams d =
        model::decoder_layer_params(store, dims, l, dd, de, arch.decoder_ffn_dims[l]);
    c.self_attention(p + "self_attn", d.self_attn);
    c.layer_norm(p + "self_attn_layer_norm", d.self_attn_layer_norm);
    c.cross_attention(p + "encoder_attn", d.encoder_attn, store, de == dd);
    c.layer_norm(p + "encoder_attn_layer_norm", d.encoder_attn_layer_norm);
    c.linear(p + "fc1", d.ffn.fc1);
    c.linear(p + "fc2", d.ffn.fc2);
    c.layer_norm(p + "final_layer_norm", d.final_layer_norm);
  }
  if (!dims.share_all_embeddings)
    c.add(model::kOutputEmbedName, model::output_param(store, dims, dd).value);
  return out;
}

Tensor gather(const SubTensor& t) {
  HAT_CHECK(!t.parts.empty(), "export: ", t.name, " has no parts");
  if (t.parts.size() == 1) return t.parts[0].clone();
  Tensor dense = Tensor::zeros(t.shape, t.parts[0].dtype());
  int64_t row = 0;
  for (const Tensor& part : t.parts) {
    dense.narrow(0, row, part.size(0)).copy_from(part);
    row += part.size(0);
  }
  return dense;
}

void scatter(const Tensor& dense, const SubTensor& t) {
  HAT_CHECK(dense.shape() == t.shape, "export: ", t.name, " is ", t.shape, ", not ",
            dense.describe());
  int64_t row = 0;
  for (const Tensor& part : t.parts) {
    part.copy_from(dense.narrow(0, row, part.size(0)));
    row += part.size(0);
  }
}

int64_t total_elements(const std::vector<SubTensor>& tensors) {
  int64_t n = 0;
  for (const SubTensor& t : tensors) n += shape_numel(t.shape);
  return n;
}

}  // namespace hat::standalone
