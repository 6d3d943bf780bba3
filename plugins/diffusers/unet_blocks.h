// The blocks of diffusers' unet_2d_blocks.py that Stable Diffusion's UNets
// and AutoencoderKL are made of: DownBlock2D / CrossAttnDownBlock2D /
// DownEncoderBlock2D, UNetMidBlock2DCrossAttn / UNetMidBlock2D, UpBlock2D /
// CrossAttnUpBlock2D / UpDecoderBlock2D. A down or up block without
// attentions is the plain one; the encoder and decoder blocks are the plain
// ones without a time embedding and without skip connections.
#pragma once

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>
#include <vector>

#include "attention.h"
#include "resnet.h"
#include "transformer_2d.h"

namespace diffusers {

struct DownBlock2D {
  std::vector<ResnetBlock2D> resnets;
  std::vector<Transformer2DModel> attentions;  // empty: no cross-attention
  std::optional<Downsample2D> downsampler;

  void add_to(Parameters& p, const std::string& prefix);
  // Appends each output to `skips` (the UNet's down_block_res_samples).
  at::Tensor operator()(at::Tensor h, const at::Tensor& temb, const at::Tensor& context, bool sdpa,
                        std::vector<at::Tensor>* skips) const;
};

struct UpBlock2D {
  std::vector<ResnetBlock2D> resnets;
  std::vector<Transformer2DModel> attentions;
  std::optional<Upsample2D> upsampler;

  void add_to(Parameters& p, const std::string& prefix);
  // Each resnet takes the last of `skips` (popped) concatenated to its input
  // when skips is given (the UNet), none otherwise (the VAE's decoder).
  at::Tensor operator()(at::Tensor h, std::vector<at::Tensor>* skips, const at::Tensor& temb, const at::Tensor& context,
                        bool sdpa, std::optional<std::pair<int64_t, int64_t>> upsample_size) const;
};

// UNetMidBlock2DCrossAttn: resnet, then (transformer, resnet) pairs.
struct MidBlock2DCrossAttn {
  std::vector<ResnetBlock2D> resnets;
  std::vector<Transformer2DModel> attentions;
  void add_to(Parameters& p, const std::string& prefix);
  at::Tensor operator()(at::Tensor h, const at::Tensor& temb, const at::Tensor& context, bool sdpa) const;
};

// UNetMidBlock2D (the VAE's): resnet, spatial self-attention, resnet.
struct MidBlock2D {
  std::vector<ResnetBlock2D> resnets;
  std::vector<Attention> attentions;  // empty with mid_block_add_attention false
  void add_to(Parameters& p, const std::string& prefix);
  at::Tensor operator()(at::Tensor h, bool sdpa) const;
};

}  // namespace diffusers
