// diffusers' Transformer2DModel on continuous input (transformer_2d.py) with
// its BasicTransformerBlocks (attention.py, norm_type "layer_norm"): group
// norm, proj_in (1x1 conv, or linear with use_linear_projection), blocks of
// self-attention, cross-attention and a GEGLU feed-forward, proj_out, and the
// input added back.
#pragma once

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>
#include <vector>

#include "attention.h"
#include "layers.h"

namespace diffusers {

struct Transformer2DOptions {
  int64_t num_attention_heads = 8;
  int64_t attention_head_dim = 64;
  int64_t in_channels = 0;
  int64_t num_layers = 1;
  int64_t cross_attention_dim = 0;
  int64_t norm_num_groups = 32;
  bool use_linear_projection = false;
  bool only_cross_attention = false;
  bool upcast_attention = false;
};

struct BasicTransformerBlock {
  LayerNorm norm1, norm2, norm3;
  Attention attn1, attn2;
  bool only_cross_attention = false;
  Linear ff_proj, ff_out;  // ff.net.0.proj (GEGLU, 2 x inner) and ff.net.2

  BasicTransformerBlock() = default;
  explicit BasicTransformerBlock(const Transformer2DOptions& o);
  void add_to(Parameters& p, const std::string& prefix);
  at::Tensor operator()(const at::Tensor& hidden, const at::Tensor& context, bool sdpa) const;
};

struct Transformer2DModel {
  Transformer2DOptions o;
  GroupNorm norm;
  std::optional<Linear> proj_in_linear, proj_out_linear;
  std::optional<Conv2d> proj_in_conv, proj_out_conv;
  std::vector<BasicTransformerBlock> transformer_blocks;

  Transformer2DModel() = default;
  explicit Transformer2DModel(const Transformer2DOptions& options);
  void add_to(Parameters& p, const std::string& prefix);
  at::Tensor operator()(const at::Tensor& x, const at::Tensor& context, bool sdpa) const;
};

}  // namespace diffusers
