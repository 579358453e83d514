#!/usr/bin/env python3
"""Converts a model directory from hatexport into a CTranslate2 model directory.

    PYTHONPATH=CT2_SOURCE/python python3 bench/ctranslate2/convert.py MODEL_DIR OUT_DIR

For the side-by-side benchmark only (bench/ctranslate2/compare.sh): it fills CTranslate2's own
TransformerSpec (from a CTranslate2 source tree the user gives; nothing of it is kept here) with
the exported tensors. Needs numpy and PyYAML (Debian: python3-numpy, python3-yaml).

CTranslate2's Transformer has one head count for every attention layer and attends to the last
encoder layer only, so the SubTransformer must have uniform heads and ende_layers all 1 (HAT's
-1); other SubTransformers are refused with a message. What else carries over (see
supernet/export/README.md): post-LayerNorm, ReLU, embeddings scaled by sqrt(d), no final
LayerNorm, one joint vocabulary shared by source, target and output projection, fairseq's
sinusoidal positions (built at encoder/decoder_positions_dim, the first d columns kept, numbered
from padding_idx + 1), the source ending in </s> and the decoder starting from </s>.
"""
import json
import math
import os
import subprocess
import sys

import numpy as np
import yaml

try:
    from ctranslate2.specs import common_spec, transformer_spec
except ImportError as e:
    sys.exit(f"convert: cannot import CTranslate2's Python specs ({e}); "
             "set PYTHONPATH=CT2_SOURCE/python")


def read_safetensors(path):
    """The tensors of a .safetensors file as float32 numpy arrays (the format's own layout:
    an 8-byte little-endian header length, a JSON header, then the raw data)."""
    with open(path, "rb") as f:
        header_len = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(header_len))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            sys.exit(f"convert: {name} is {info['dtype']}; only F32 models convert")
        begin, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"]).copy()
    return tensors


def sinusoidal_positions(rows, width, dim, padding_idx):
    """fairseq's table at `width` (sin half, then cos half; log(10000) / (half - 1) between
    frequencies), its first `dim` columns, from position padding_idx + 1 on."""
    half = width // 2
    step = math.log(10000.0) / (half - 1)
    positions = np.arange(padding_idx + 1, padding_idx + 1 + rows, dtype=np.float64)[:, None]
    angles = positions * np.exp(-np.arange(half, dtype=np.float64) * step)[None, :]
    table = np.zeros((rows, width), dtype=np.float64)
    table[:, :half] = np.sin(angles)
    table[:, half:2 * half] = np.cos(angles)
    return table[:, :dim].astype(np.float32)


def set_linear(spec, tensors, name, weight=None, bias=None):
    spec.weight = tensors[name + ".weight"] if weight is None else weight
    spec.bias = tensors[name + ".bias"] if bias is None else bias


def set_layer_norm(spec, tensors, name):
    spec.gamma = tensors[name + ".weight"]
    spec.beta = tensors[name + ".bias"]


def set_ffn(spec, tensors, prefix):
    set_layer_norm(spec.layer_norm, tensors, prefix + "final_layer_norm")
    set_linear(spec.linear_0, tensors, prefix + "fc1")
    set_linear(spec.linear_1, tensors, prefix + "fc2")


def set_self_attention(spec, tensors, prefix):
    set_linear(spec.linear[0], tensors, prefix + "self_attn",
               tensors[prefix + "self_attn.in_proj_weight"],
               tensors[prefix + "self_attn.in_proj_bias"])
    set_linear(spec.linear[1], tensors, prefix + "self_attn.out_proj")
    set_layer_norm(spec.layer_norm, tensors, prefix + "self_attn_layer_norm")


def set_cross_attention(spec, tensors, prefix, qkv):
    """CTranslate2 splits encoder-decoder attention into the query and the fused key/value."""
    p = prefix + "encoder_attn"
    bias = tensors[p + ".in_proj_bias"]
    if p + ".in_proj_weight" in tensors:
        w = tensors[p + ".in_proj_weight"]
        q_w, kv_w = w[:qkv], w[qkv:]
    else:
        q_w = tensors[p + ".q_proj_weight"]
        kv_w = np.concatenate([tensors[p + ".k_proj_weight"], tensors[p + ".v_proj_weight"]])
    set_linear(spec.linear[0], tensors, p, q_w, bias[:qkv])
    set_linear(spec.linear[1], tensors, p, kv_w, bias[qkv:])
    set_linear(spec.linear[2], tensors, p + ".out_proj")
    set_layer_norm(spec.layer_norm, tensors, prefix + "encoder_attn_layer_norm")


def vocabulary(spm_model):
    """The pieces in id order (spm_export_vocab, Debian's sentencepiece package), with
    CTranslate2's names for the special tokens."""
    try:
        out = subprocess.run(["spm_export_vocab", "--model", spm_model], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"convert: spm_export_vocab failed ({e}); apt-get install sentencepiece")
    pieces = [line.split("\t")[0] for line in out.splitlines()]
    rename = {"<pad>": "<blank>"}
    return [rename.get(p, p) for p in pieces]


def convert(model_dir, out_dir):
    config = json.load(open(os.path.join(model_dir, "config.json")))
    arch = yaml.safe_load(config["arch"])
    dims = config["model"]
    enc, dec = arch["encoder"], arch["decoder"]
    heads = set(enc["self_heads"]) | set(dec["self_heads"]) | set(dec["ende_heads"])
    if len(heads) != 1:
        sys.exit(f"convert: heads {sorted(heads)} differ between layers; CTranslate2 has one "
                 "head count per model (export a SubTransformer with uniform heads)")
    if set(dec["ende_layers"]) != {1}:
        sys.exit(f"convert: decoder ende_layers {dec['ende_layers']}: CTranslate2 attends to the "
                 "last encoder layer only (export one with ende_layers all 1)")
    if not dims["share_all_embeddings"]:
        sys.exit("convert: only models with one shared embedding matrix convert")

    tensors = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    de, dd, qkv = enc["embed_dim"], dec["embed_dim"], dims["qkv_dim"]
    spec = transformer_spec.TransformerSpec.from_config(
        (enc["layers"], dec["layers"]), heads.pop(), pre_norm=False,
        activation=common_spec.Activation.RELU)

    embed = tensors["encoder.embed_tokens.weight"]
    rows = dims["max_positions"]
    pad = dims["padding_idx"]
    spec.encoder.embeddings[0].weight = np.ascontiguousarray(embed[:, :de])
    spec.encoder.position_encodings.encodings = sinusoidal_positions(
        rows, dims["encoder_positions_dim"], de, pad)
    for i, layer in enumerate(spec.encoder.layer):
        prefix = f"encoder.layers.{i}."
        set_self_attention(layer.self_attention, tensors, prefix)
        set_ffn(layer.ffn, tensors, prefix)

    decoder_embed = embed if dd == embed.shape[1] else np.ascontiguousarray(embed[:, :dd])
    spec.decoder.embeddings.weight = decoder_embed
    spec.decoder.projection.weight = decoder_embed
    spec.decoder.position_encodings.encodings = sinusoidal_positions(
        rows, dims["decoder_positions_dim"], dd, pad)
    for i, layer in enumerate(spec.decoder.layer):
        prefix = f"decoder.layers.{i}."
        set_self_attention(layer.self_attention, tensors, prefix)
        set_cross_attention(layer.attention, tensors, prefix, qkv)
        set_ffn(layer.ffn, tensors, prefix)

    vocab = vocabulary(os.path.join(model_dir, "spm.model"))
    if len(vocab) != dims["vocab_size"]:
        sys.exit(f"convert: spm.model has {len(vocab)} pieces, the model {dims['vocab_size']}")
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.config.add_source_eos = True          # fairseq appends </s> to the source
    spec.config.decoder_start_token = "</s>"   # and starts the target from </s>
    spec.validate()
    spec.optimize(quantization=None)
    os.makedirs(out_dir, exist_ok=True)
    spec.save(out_dir)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__.split("\n\n")[1].strip())
    convert(sys.argv[1], sys.argv[2])
