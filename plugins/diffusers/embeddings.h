// diffusers' timestep embeddings (embeddings.py): the sinusoidal projection
// (Timesteps / get_timestep_embedding) and the MLP after it
// (TimestepEmbedding, with the optional cond_proj that timestep_cond feeds).
#pragma once

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>

#include "layers.h"

namespace diffusers {

// [N] timesteps -> [N, dim] float32: sin and cos of t * exp(-ln(10000) * i /
// (dim/2 - freq_shift)), cos first when flip_sin_to_cos, zero-padded to an
// odd dim.
at::Tensor timestep_embedding(const at::Tensor& timesteps, int64_t dim, bool flip_sin_to_cos, double freq_shift);

struct TimestepEmbedding {
  Linear linear_1, linear_2;
  std::optional<Linear> cond_proj;
  std::string act_fn = "silu";

  TimestepEmbedding() = default;
  TimestepEmbedding(int64_t in_channels, int64_t time_embed_dim, const std::string& act, int64_t cond_proj_dim);
  void add_to(Parameters& p, const std::string& prefix);
  at::Tensor operator()(at::Tensor sample, const at::Tensor& condition) const;
};

}  // namespace diffusers
