#include "resnet.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/constant_pad_nd.h>
#include <ATen/ops/upsample_nearest2d.h>

namespace diffusers {

ResnetBlock2D::ResnetBlock2D(const ResnetOptions& options)
    : o(options),
      norm1(o.groups, o.in_channels, o.eps),
      norm2(o.groups, o.out_channels, o.eps),
      conv1(o.in_channels, o.out_channels, 3, 1, 1),
      conv2(o.out_channels, o.out_channels, 3, 1, 1) {
  check_activation(o.act_fn);
  if (o.temb_channels > 0) {
    time_emb_proj =
        Linear(o.temb_channels, o.time_embedding_norm == "scale_shift" ? 2 * o.out_channels : o.out_channels);
  }
  if (o.in_channels != o.out_channels) conv_shortcut = Conv2d(o.in_channels, o.out_channels, 1, 1, 0);
}

void ResnetBlock2D::add_to(Parameters& p, const std::string& prefix) {
  norm1.add_to(p, prefix + ".norm1");
  conv1.add_to(p, prefix + ".conv1");
  if (time_emb_proj) time_emb_proj->add_to(p, prefix + ".time_emb_proj");
  norm2.add_to(p, prefix + ".norm2");
  conv2.add_to(p, prefix + ".conv2");
  if (conv_shortcut) conv_shortcut->add_to(p, prefix + ".conv_shortcut");
}

at::Tensor ResnetBlock2D::operator()(const at::Tensor& x, const at::Tensor& temb) const {
  at::Tensor h = conv1(activation(o.act_fn, norm1(x)));
  at::Tensor t;
  if (time_emb_proj && temb.defined()) {
    t = (*time_emb_proj)(activation(o.act_fn, temb)).unsqueeze(-1).unsqueeze(-1);
  }
  if (t.defined() && o.time_embedding_norm == "scale_shift") {
    std::vector<at::Tensor> parts = t.chunk(2, 1);
    h = norm2(h) * (parts[0] + 1.0) + parts[1];
  } else {
    if (t.defined()) h = h + t;
    h = norm2(h);
  }
  h = conv2(activation(o.act_fn, h));
  at::Tensor shortcut = conv_shortcut ? (*conv_shortcut)(x) : x;
  at::Tensor out = shortcut + h;
  if (o.output_scale_factor != 1.0) out = out / o.output_scale_factor;
  return out;
}

Downsample2D::Downsample2D(int64_t channels, int64_t padding_)
    : conv(channels, channels, 3, 2, padding_), padding(padding_) {}

at::Tensor Downsample2D::operator()(const at::Tensor& x) const {
  if (padding == 0) return conv(at::constant_pad_nd(x, {0, 1, 0, 1}, 0));
  return conv(x);
}

at::Tensor Upsample2D::operator()(const at::Tensor& x, std::optional<std::pair<int64_t, int64_t>> size) const {
  // upsample_nearest2d has no bfloat16 kernel before LibTorch 2.1: diffusers
  // goes through float32 there, and so does this.
  const at::ScalarType dtype = x.scalar_type();
  at::Tensor h = dtype == at::kBFloat16 ? x.to(at::kFloat) : x;
  const int64_t height = size ? size->first : h.size(2) * 2;
  const int64_t width = size ? size->second : h.size(3) * 2;
  h = at::upsample_nearest2d(h.contiguous(), {height, width});
  if (dtype == at::kBFloat16) h = h.to(dtype);
  return conv(h);
}

}  // namespace diffusers
