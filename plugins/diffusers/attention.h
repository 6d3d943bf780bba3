// diffusers' Attention (attention_processor.py) as UNet2DConditionModel's
// transformer blocks and AutoencoderKL's mid block use it: to_q, to_k, to_v,
// heads, scaled dot-product attention, to_out.0; optionally a group norm
// before and the input added back after (the VAE's spatial self-attention).
#pragma once

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>

#include "layers.h"

namespace diffusers {

// Whether this LibTorch has at::scaled_dot_product_attention (2.0 and later).
bool have_sdpa();

// "sdpa" (diffusers' AttnProcessor2_0) or "eager" (AttnProcessor: q k^T,
// softmax, then v; upcast_attention and upcast_softmax honoured). Empty: sdpa
// where this build has it.
bool use_sdpa(const std::string& attn_implementation);

struct AttentionOptions {
  int64_t query_dim = 0;
  int64_t cross_attention_dim = 0;  // 0: self-attention (keys from the query's input)
  int64_t heads = 8;
  int64_t dim_head = 64;
  bool bias = false;  // to_q/to_k/to_v
  bool upcast_attention = false;
  bool upcast_softmax = false;
  int64_t norm_num_groups = 0;  // > 0: group_norm over the channels first
  double eps = 1e-5;
  bool residual_connection = false;
  double rescale_output_factor = 1.0;
};

struct Attention {
  AttentionOptions o;
  Linear to_q, to_k, to_v, to_out;
  std::optional<GroupNorm> group_norm;

  Attention() = default;
  explicit Attention(const AttentionOptions& options);
  void add_to(Parameters& p, const std::string& prefix);
  // hidden: [B, L, D] or [B, C, H, W] (then attended over H*W and given back
  // in that layout); context: [B, S, cross_attention_dim] or undefined.
  at::Tensor operator()(const at::Tensor& hidden, const at::Tensor& context, bool sdpa) const;
};

// softmax(q k^T * scale) v over [B, heads, L, d] tensors.
at::Tensor scaled_dot_product(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale,
                              bool upcast_attention, bool upcast_softmax, bool sdpa);

}  // namespace diffusers
