// CLIP's self-attention (transformers' CLIPAttention / CLIPSdpaAttention):
// q, k, v projections, heads, attention under an additive mask, out_proj.
#pragma once

#include <ATen/core/Tensor.h>

#include "clip_text_weights.h"

namespace transformers {

// hidden: [B, L, D]. mask: additive, broadcastable to [B, heads, L, L] (0 or
// the dtype's lowest), or undefined for the causal mask alone. sdpa picks
// at::scaled_dot_product_attention (builds that have it) over the eager
// matmul-softmax-matmul.
at::Tensor clip_attention(const at::Tensor& hidden, const CLIPEncoderLayerWeights& w, int64_t num_heads,
                          const at::Tensor& mask, bool sdpa);

// The causal mask as transformers builds it (_create_4d_causal_attention_mask):
// [L, L], 0 on and below the diagonal, the dtype's lowest value above.
at::Tensor causal_mask(int64_t length, at::ScalarType dtype, const at::Device& device);
// The dtype's lowest finite value (torch.finfo(dtype).min).
double lowest_value(at::ScalarType dtype);

}  // namespace transformers
