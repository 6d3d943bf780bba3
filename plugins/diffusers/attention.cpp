#include "attention.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/bmm.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/softmax.h>
#include <torch/version.h>
#if TORCH_VERSION_MAJOR >= 2
#include <ATen/ops/scaled_dot_product_attention.h>
#endif

#include <algorithm>
#include <cmath>

#include "kwargs.h"

namespace diffusers {

bool have_sdpa() { return TORCH_VERSION_MAJOR >= 2; }

bool use_sdpa(const std::string& attn_implementation) {
  if (attn_implementation.empty()) return have_sdpa();
  if (attn_implementation == "eager") return false;
  if (attn_implementation == "sdpa") {
    if (!have_sdpa()) throw invalid("attn_implementation 'sdpa' needs LibTorch 2.0 or later (this build has none)");
    return true;
  }
  throw invalid(concat("attn_implementation '", attn_implementation, "' is not one of sdpa, eager"));
}

Attention::Attention(const AttentionOptions& options) : o(options) {
  const int64_t inner = o.heads * o.dim_head;
  const int64_t kv_in = o.cross_attention_dim > 0 ? o.cross_attention_dim : o.query_dim;
  to_q = Linear(o.query_dim, inner, o.bias);
  to_k = Linear(kv_in, inner, o.bias);
  to_v = Linear(kv_in, inner, o.bias);
  to_out = Linear(inner, o.query_dim, true);
  if (o.norm_num_groups > 0) group_norm = GroupNorm(o.norm_num_groups, o.query_dim, o.eps);
}

void Attention::add_to(Parameters& p, const std::string& prefix) {
  if (group_norm) group_norm->add_to(p, prefix + ".group_norm");
  to_q.add_to(p, prefix + ".to_q");
  to_k.add_to(p, prefix + ".to_k");
  to_v.add_to(p, prefix + ".to_v");
  to_out.add_to(p, prefix + ".to_out.0");
}

at::Tensor scaled_dot_product(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale,
                              bool upcast_attention, bool upcast_softmax, bool sdpa) {
#if TORCH_VERSION_MAJOR >= 2
  // AttnProcessor2_0 ignores the upcast flags, and so does this path.
  if (sdpa) return at::scaled_dot_product_attention(q, k, v, {}, 0.0, false);
#else
  if (sdpa) throw invalid("scaled_dot_product_attention needs LibTorch 2.0 or later");
#endif
  // AttnProcessor's get_attention_scores on [B*heads, L, d]: the query
  // scaled before the product (scale * (q k^T) in diffusers; the same up to
  // rounding, and an L x d pass instead of an L x S one).
  const int64_t b = q.size(0), h = q.size(1), l = q.size(2), d = q.size(3), s = k.size(2);
  const at::ScalarType dtype = q.scalar_type();
  at::Tensor q3 = q.reshape({b * h, l, d});
  at::Tensor k3 = k.reshape({b * h, s, d});
  if (upcast_attention) {
    q3 = q3.to(at::kFloat);
    k3 = k3.to(at::kFloat);
  }
  at::Tensor v3 = v.reshape({b * h, s, d});
  at::Tensor kt = k3.transpose(1, 2);
  q3 = q3 * scale;
  // Rows of queries at a time, so that the scores of one chunk stay small
  // (about 16 MiB): the same row-wise softmax, without writing and reading
  // back a [B*heads, L, S] matrix (1 GiB for SD 1.5 at 64x64 latents, batch 2).
  constexpr int64_t kChunkElements = int64_t{4} << 20;
  const int64_t rows = std::max<int64_t>(1, std::min<int64_t>(l, kChunkElements / std::max<int64_t>(1, b * h * s)));
  auto attend = [&](const at::Tensor& q_rows) {
    at::Tensor scores = at::bmm(q_rows, kt);
    at::Tensor probs = upcast_softmax && scores.scalar_type() != at::kFloat ? at::softmax(scores, -1, at::kFloat)
                                                                            : at::softmax(scores, -1);
    return at::bmm(probs.to(dtype), v3);
  };
  if (rows >= l) return attend(q3).view({b, h, l, d});
  at::Tensor out = at::empty({b * h, l, d}, v3.options());
  for (int64_t start = 0; start < l; start += rows) {
    const int64_t end = std::min(l, start + rows);
    out.narrow(1, start, end - start).copy_(attend(q3.narrow(1, start, end - start)));
  }
  return out.view({b, h, l, d});
}

at::Tensor Attention::operator()(const at::Tensor& hidden_in, const at::Tensor& context, bool sdpa) const {
  at::Tensor hidden = hidden_in;
  const bool spatial = hidden.dim() == 4;
  int64_t channels = 0, height = 0, width = 0;
  if (spatial) {
    channels = hidden.size(1), height = hidden.size(2), width = hidden.size(3);
    hidden = hidden.view({hidden.size(0), channels, height * width}).transpose(1, 2);
  }
  if (group_norm) hidden = (*group_norm)(hidden.transpose(1, 2)).transpose(1, 2);
  const at::Tensor& kv = context.defined() ? context : hidden;
  const int64_t b = hidden.size(0), l = hidden.size(1), s = kv.size(1);
  auto heads = [&](const at::Tensor& x, int64_t len) { return x.view({b, len, o.heads, o.dim_head}).transpose(1, 2); };
  at::Tensor q = heads(to_q(hidden), l);
  at::Tensor k = heads(to_k(kv), s);
  at::Tensor v = heads(to_v(kv), s);
  const double scale = 1.0 / std::sqrt(static_cast<double>(o.dim_head));
  at::Tensor out = scaled_dot_product(q, k, v, scale, o.upcast_attention, o.upcast_softmax, sdpa);
  out = to_out(out.transpose(1, 2).reshape({b, l, o.heads * o.dim_head}));
  if (spatial) out = out.transpose(1, 2).reshape({b, channels, height, width});
  if (o.residual_connection) out = out + hidden_in;
  if (o.rescale_output_factor != 1.0) out = out / o.rescale_output_factor;
  return out;
}

}  // namespace diffusers
