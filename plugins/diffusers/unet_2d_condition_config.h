// UNet2DConditionModel's config.json keys that Stable Diffusion 1.x, 2.x and
// SDXL checkpoints use, with diffusers' defaults for the absent ones; keys
// this implementation does not support (class embeddings, encoder_hid_proj,
// attention masks' other layouts) are refused by name rather than ignored.
#pragma once

#include <brick/sdk.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace diffusers {

struct UNet2DConditionConfig {
  int64_t in_channels = 4, out_channels = 4;
  bool center_input_sample = false;
  bool flip_sin_to_cos = true;
  double freq_shift = 0;
  std::vector<std::string> down_block_types, up_block_types;
  std::string mid_block_type = "UNetMidBlock2DCrossAttn";
  std::vector<bool> only_cross_attention;
  std::vector<int64_t> block_out_channels;
  std::vector<int64_t> layers_per_block;
  int64_t downsample_padding = 1;
  double mid_block_scale_factor = 1;
  std::string act_fn = "silu";
  int64_t norm_num_groups = 32;
  double norm_eps = 1e-5;
  std::vector<int64_t> cross_attention_dim;
  std::vector<int64_t> transformer_layers_per_block;
  std::optional<std::vector<int64_t>> reverse_transformer_layers_per_block;  // per up block, per layer
  std::vector<int64_t> num_attention_heads;  // attention_head_dim's values when num_attention_heads is unset
  bool use_linear_projection = false;
  bool upcast_attention = false;
  std::string resnet_time_scale_shift = "default";
  double resnet_out_scale_factor = 1.0;
  std::optional<std::string> addition_embed_type;  // "text_time"
  int64_t addition_time_embed_dim = 0;
  int64_t projection_class_embeddings_input_dim = 0;
  int64_t time_embedding_dim = 0;  // 0: block_out_channels[0] * 4
  std::optional<std::string> time_embedding_act_fn;
  int64_t time_cond_proj_dim = 0;
  int64_t conv_in_kernel = 3, conv_out_kernel = 3;
  std::string attn_implementation;  // "sdpa", "eager" or "" (sdpa where available)

  int64_t time_embed_dim() const { return time_embedding_dim > 0 ? time_embedding_dim : block_out_channels[0] * 4; }

  static UNet2DConditionConfig from(brick::ValueRef config);
};

}  // namespace diffusers
