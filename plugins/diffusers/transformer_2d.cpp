#include "transformer_2d.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/gelu.h>

namespace diffusers {

BasicTransformerBlock::BasicTransformerBlock(const Transformer2DOptions& o)
    : only_cross_attention(o.only_cross_attention) {
  const int64_t dim = o.num_attention_heads * o.attention_head_dim;
  norm1 = LayerNorm(dim, 1e-5);
  norm2 = LayerNorm(dim, 1e-5);
  norm3 = LayerNorm(dim, 1e-5);
  AttentionOptions a;
  a.query_dim = dim;
  a.heads = o.num_attention_heads;
  a.dim_head = o.attention_head_dim;
  a.upcast_attention = o.upcast_attention;
  a.cross_attention_dim = o.only_cross_attention ? o.cross_attention_dim : 0;
  attn1 = Attention(a);
  a.cross_attention_dim = o.cross_attention_dim;
  attn2 = Attention(a);
  const int64_t inner = dim * 4;
  ff_proj = Linear(dim, inner * 2);
  ff_out = Linear(inner, dim);
}

void BasicTransformerBlock::add_to(Parameters& p, const std::string& prefix) {
  norm1.add_to(p, prefix + ".norm1");
  attn1.add_to(p, prefix + ".attn1");
  norm2.add_to(p, prefix + ".norm2");
  attn2.add_to(p, prefix + ".attn2");
  norm3.add_to(p, prefix + ".norm3");
  ff_proj.add_to(p, prefix + ".ff.net.0.proj");
  ff_out.add_to(p, prefix + ".ff.net.2");
}

at::Tensor BasicTransformerBlock::operator()(const at::Tensor& hidden, const at::Tensor& context, bool sdpa) const {
  at::Tensor h = attn1(norm1(hidden), only_cross_attention ? context : at::Tensor(), sdpa) + hidden;
  h = attn2(norm2(h), context, sdpa) + h;
  // GEGLU: the projection's first half gated by gelu of its second half.
  std::vector<at::Tensor> parts = ff_proj(norm3(h)).chunk(2, -1);
  return ff_out(parts[0] * at::gelu(parts[1])) + h;
}

Transformer2DModel::Transformer2DModel(const Transformer2DOptions& options)
    : o(options), norm(o.norm_num_groups, o.in_channels, 1e-6) {
  const int64_t inner = o.num_attention_heads * o.attention_head_dim;
  if (o.use_linear_projection) {
    proj_in_linear = Linear(o.in_channels, inner);
    proj_out_linear = Linear(inner, o.in_channels);
  } else {
    proj_in_conv = Conv2d(o.in_channels, inner, 1);
    proj_out_conv = Conv2d(inner, o.in_channels, 1);
  }
  for (int64_t i = 0; i < o.num_layers; ++i) transformer_blocks.emplace_back(o);
}

void Transformer2DModel::add_to(Parameters& p, const std::string& prefix) {
  norm.add_to(p, prefix + ".norm");
  if (proj_in_linear) proj_in_linear->add_to(p, prefix + ".proj_in");
  if (proj_in_conv) proj_in_conv->add_to(p, prefix + ".proj_in");
  for (size_t i = 0; i < transformer_blocks.size(); ++i)
    transformer_blocks[i].add_to(p, prefix + ".transformer_blocks." + std::to_string(i));
  if (proj_out_linear) proj_out_linear->add_to(p, prefix + ".proj_out");
  if (proj_out_conv) proj_out_conv->add_to(p, prefix + ".proj_out");
}

at::Tensor Transformer2DModel::operator()(const at::Tensor& x, const at::Tensor& context, bool sdpa) const {
  const int64_t b = x.size(0), height = x.size(2), width = x.size(3);
  at::Tensor h = norm(x);
  int64_t inner = 0;
  if (proj_in_conv) {
    h = (*proj_in_conv)(h);
    inner = h.size(1);
    h = h.permute({0, 2, 3, 1}).reshape({b, height * width, inner});
  } else {
    inner = h.size(1);
    h = (*proj_in_linear)(h.permute({0, 2, 3, 1}).reshape({b, height * width, inner}));
  }
  for (const BasicTransformerBlock& block : transformer_blocks) h = block(h, context, sdpa);
  if (proj_out_conv) {
    inner = h.size(2);
    h = (*proj_out_conv)(h.reshape({b, height, width, inner}).permute({0, 3, 1, 2}).contiguous());
  } else {
    h = (*proj_out_linear)(h);
    h = h.reshape({b, height, width, h.size(2)}).permute({0, 3, 1, 2}).contiguous();
  }
  return h + x;
}

}  // namespace diffusers
