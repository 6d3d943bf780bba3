#include "clip_attention.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/full.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/softmax.h>
#include <ATen/ops/triu.h>
#include <torch/version.h>
#if TORCH_VERSION_MAJOR >= 2
#include <ATen/ops/scaled_dot_product_attention.h>
#endif

#include <cmath>
#include <limits>

#include "kwargs.h"

namespace transformers {

double lowest_value(at::ScalarType dtype) {
  switch (dtype) {
    case at::kHalf:
      return -65504.0;
    case at::kBFloat16:
      return -3.3895313892515355e38;
    case at::kDouble:
      return std::numeric_limits<double>::lowest();
    default:
      return std::numeric_limits<float>::lowest();
  }
}

at::Tensor causal_mask(int64_t length, at::ScalarType dtype, const at::Device& device) {
  at::Tensor full = at::full({length, length}, lowest_value(dtype), at::TensorOptions().dtype(dtype).device(device));
  return at::triu(full, 1);
}

at::Tensor clip_attention(const at::Tensor& hidden, const CLIPEncoderLayerWeights& w, int64_t num_heads,
                          const at::Tensor& mask, bool sdpa) {
  const int64_t b = hidden.size(0), l = hidden.size(1), d = hidden.size(2);
  const int64_t head_dim = d / num_heads;
  auto heads = [&](const at::Tensor& x) { return x.view({b, l, num_heads, head_dim}).transpose(1, 2); };
  at::Tensor q = heads(at::linear(hidden, w.q_proj_weight, w.q_proj_bias));
  at::Tensor k = heads(at::linear(hidden, w.k_proj_weight, w.k_proj_bias));
  at::Tensor v = heads(at::linear(hidden, w.v_proj_weight, w.v_proj_bias));
  const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim));

  at::Tensor out;
#if TORCH_VERSION_MAJOR >= 2
  if (sdpa) {
    // SDPA's default scale is 1/sqrt(head_dim), CLIP's. The causal case
    // without a padding mask goes as is_causal, which lets fused kernels run.
    out = mask.defined() ? at::scaled_dot_product_attention(q, k, v, mask, 0.0, false)
                         : at::scaled_dot_product_attention(q, k, v, {}, 0.0, true);
  }
#else
  if (sdpa) throw invalid("scaled_dot_product_attention needs LibTorch 2.0 or later");
#endif
  if (!out.defined()) {
    // transformers' eager CLIPAttention: the query scaled, q k^T, the mask
    // added, softmax (in float32 for 16-bit types, as later transformers do),
    // then the values.
    at::Tensor scores = at::matmul(q * scale, k.transpose(-1, -2));
    scores = scores + (mask.defined() ? mask : causal_mask(l, scores.scalar_type(), scores.device()));
    at::Tensor probs = scores.scalar_type() == at::kHalf || scores.scalar_type() == at::kBFloat16
                           ? at::softmax(scores, -1, at::kFloat).to(scores.scalar_type())
                           : at::softmax(scores, -1);
    out = at::matmul(probs, v);
  }
  out = out.transpose(1, 2).reshape({b, l, d});
  return at::linear(out, w.out_proj_weight, w.out_proj_bias);
}

}  // namespace transformers
