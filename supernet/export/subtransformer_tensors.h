// The true-size tensors of one SubTransformer, under fairseq's state_dict names, as views of a
// SuperTransformer's parameters: what hatexport writes and what loading a model directory (or
// hattrain --init) reads back into the leading blocks.
#pragma once

#include <string>
#include <vector>

#include "devices/tensor.h"
#include "supernet/arch/arch_config.h"
#include "supernet/model/super_transformer.h"

namespace hat::standalone {

// One tensor of the SubTransformer: `parts` are leading-block views of the model's parameters
// that, stacked along dim 0, make the [shape] tensor (one part, except encoder_attn's
// in_proj_weight taken from a SuperTransformer that keeps q, k and v apart).
struct SubTensor {
  std::string name;
  Shape shape;
  std::vector<Tensor> parts;
};

// Every tensor of `arch` (checked with model.check_arch) in fairseq's state_dict order:
//   encoder.embed_tokens.weight [V, de] (shared embeddings: [V, max(de, dd)], and no other
//     embedding matrix), then per active encoder layer i, with f = encoder ffn dim of layer i:
//   encoder.layers.i.self_attn.in_proj_weight [3Q, de], .in_proj_bias [3Q],
//     .out_proj.weight [de, Q], .out_proj.bias [de], self_attn_layer_norm.{weight,bias} [de],
//     fc1.weight [f, de], fc1.bias [f], fc2.weight [de, f], fc2.bias [de],
//     final_layer_norm.{weight,bias} [de];
//   decoder.embed_tokens.weight [V, dd] (not shared), then per active decoder layer the same
//     with dd, plus encoder_attn: in_proj_weight [3Q, dd] when de == dd, else
//     k_proj_weight [Q, de], v_proj_weight [Q, de], q_proj_weight [Q, dd]; in_proj_bias [3Q],
//     out_proj [dd, Q] and [dd], encoder_attn_layer_norm [dd];
//   decoder.embed_out [V, dd] (not shared).
// The names depend on the architecture alone, not on the SuperTransformer's layout.
std::vector<SubTensor> subtransformer_tensors(const model::SuperTransformer& model,
                                              const arch::ArchConfig& arch);

// The tensor as one dense copy (its parts stacked), and the reverse: `dense` into the parts.
Tensor gather(const SubTensor& tensor);
void scatter(const Tensor& dense, const SubTensor& tensor);

// Elements over all tensors: SuperTransformer::parameter_count(arch, true).
int64_t total_elements(const std::vector<SubTensor>& tensors);

}  // namespace hat::standalone
