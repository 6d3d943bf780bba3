// diffusers' ResnetBlock2D (time_embedding_norm "default" and
// "scale_shift"), Downsample2D and Upsample2D with their convolutions, as
// the UNet's and the VAE's blocks build them (resnet.py, downsampling.py,
// upsampling.py).
#pragma once

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>

#include "layers.h"

namespace diffusers {

struct ResnetOptions {
  int64_t in_channels = 0, out_channels = 0;
  int64_t temb_channels = 0;  // 0: no time embedding (the VAE)
  double eps = 1e-6;
  int64_t groups = 32;
  std::string act_fn = "silu";
  std::string time_embedding_norm = "default";  // or "scale_shift"
  double output_scale_factor = 1.0;
};

struct ResnetBlock2D {
  ResnetOptions o;
  GroupNorm norm1, norm2;
  Conv2d conv1, conv2;
  std::optional<Linear> time_emb_proj;
  std::optional<Conv2d> conv_shortcut;

  ResnetBlock2D() = default;
  explicit ResnetBlock2D(const ResnetOptions& options);
  void add_to(Parameters& p, const std::string& prefix);
  at::Tensor operator()(const at::Tensor& x, const at::Tensor& temb) const;
};

// A stride-2 3x3 convolution; padding 0 pads one row and column at the
// bottom right first (the VAE's encoder).
struct Downsample2D {
  Conv2d conv;
  int64_t padding = 1;
  Downsample2D() = default;
  Downsample2D(int64_t channels, int64_t padding_);
  void add_to(Parameters& p, const std::string& prefix) { conv.add_to(p, prefix + ".conv"); }
  at::Tensor operator()(const at::Tensor& x) const;
};

// Nearest-neighbour x2 (or to `size`), then a 3x3 convolution.
struct Upsample2D {
  Conv2d conv;
  Upsample2D() = default;
  explicit Upsample2D(int64_t channels) : conv(channels, channels, 3, 1, 1) {}
  void add_to(Parameters& p, const std::string& prefix) { conv.add_to(p, prefix + ".conv"); }
  at::Tensor operator()(const at::Tensor& x, std::optional<std::pair<int64_t, int64_t>> size = std::nullopt) const;
};

}  // namespace diffusers
