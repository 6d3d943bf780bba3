#include "unet_2d_condition_config.h"

#include "kwargs.h"

namespace diffusers {

namespace {

// Keys whose non-default values select parts this implementation lacks.
void refuse_if_set(brick::ValueRef c, const char* key) {
  brick::ValueRef v = entry(c, key);
  if (v.is_none()) return;
  if (v.kind() == BRICK_VALUE_BOOL && !v.as<bool>()) return;
  throw invalid(concat("UNet2DConditionModel: '", key,
                       "' is not supported (Stable Diffusion 1.x, 2.x and SDXL "
                       "configs leave it unset)"));
}

}  // namespace

UNet2DConditionConfig UNet2DConditionConfig::from(brick::ValueRef c) {
  UNet2DConditionConfig k;
  for (const char* key :
       {"class_embed_type", "num_class_embeds", "encoder_hid_dim", "encoder_hid_dim_type", "dual_cross_attention",
        "class_embeddings_concat", "mid_block_only_cross_attention", "cross_attention_norm", "timestep_post_act"}) {
    refuse_if_set(c, key);
  }
  const std::string time_type = value_or<std::string>(c, "time_embedding_type", "positional");
  if (time_type != "positional") throw invalid(concat("time_embedding_type '", time_type, "' is not supported"));
  const std::string attention_type = value_or<std::string>(c, "attention_type", "default");
  if (attention_type != "default") throw invalid(concat("attention_type '", attention_type, "' is not supported"));

  k.in_channels = value_or<int64_t>(c, "in_channels", 4);
  k.out_channels = value_or<int64_t>(c, "out_channels", 4);
  k.center_input_sample = value_or<bool>(c, "center_input_sample", false);
  k.flip_sin_to_cos = value_or<bool>(c, "flip_sin_to_cos", true);
  k.freq_shift = value_or<double>(c, "freq_shift", 0.0);
  k.down_block_types = value_or<std::vector<std::string>>(
      c, "down_block_types", {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"});
  k.up_block_types = value_or<std::vector<std::string>>(
      c, "up_block_types", {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"});
  k.mid_block_type = value_or<std::string>(c, "mid_block_type", "UNetMidBlock2DCrossAttn");
  const size_t n = k.down_block_types.size();
  if (n == 0 || k.up_block_types.size() != n) {
    throw invalid("UNet2DConditionModel: down_block_types and up_block_types need the same, non-zero, length");
  }
  for (const std::string& t : k.down_block_types) {
    if (t != "DownBlock2D" && t != "CrossAttnDownBlock2D")
      throw invalid(concat("down block type '", t, "' is not one of DownBlock2D, CrossAttnDownBlock2D"));
  }
  for (const std::string& t : k.up_block_types) {
    if (t != "UpBlock2D" && t != "CrossAttnUpBlock2D")
      throw invalid(concat("up block type '", t, "' is not one of UpBlock2D, CrossAttnUpBlock2D"));
  }
  if (k.mid_block_type != "UNetMidBlock2DCrossAttn") {
    throw invalid(concat("mid_block_type '", k.mid_block_type, "' is not supported (UNetMidBlock2DCrossAttn is)"));
  }
  k.block_out_channels = value_or<std::vector<int64_t>>(c, "block_out_channels", {320, 640, 1280, 1280});
  if (k.block_out_channels.size() != n) throw invalid("block_out_channels needs one entry per down block");
  k.only_cross_attention = per_block<bool>(c, "only_cross_attention", false, n);
  k.layers_per_block = per_block<int64_t>(c, "layers_per_block", 2, n);
  k.downsample_padding = value_or<int64_t>(c, "downsample_padding", 1);
  k.mid_block_scale_factor = value_or<double>(c, "mid_block_scale_factor", 1.0);
  k.act_fn = value_or<std::string>(c, "act_fn", "silu");
  k.norm_num_groups = value_or<int64_t>(c, "norm_num_groups", 32);
  k.norm_eps = value_or<double>(c, "norm_eps", 1e-5);
  k.cross_attention_dim = per_block<int64_t>(c, "cross_attention_dim", 1280, n);
  k.transformer_layers_per_block = per_block<int64_t>(c, "transformer_layers_per_block", 1, n);
  if (!entry(c, "reverse_transformer_layers_per_block").is_none()) {
    // A list of lists in diffusers; flattened here per up block and layer.
    brick::ValueRef r = entry(c, "reverse_transformer_layers_per_block");
    std::vector<int64_t> flat;
    for (size_t i = 0; i < r.size(); ++i) {
      for (int64_t x : r[i].as<std::vector<int64_t>>()) flat.push_back(x);
    }
    k.reverse_transformer_layers_per_block = flat;
  }
  // diffusers' historical naming: attention_head_dim holds the number of
  // heads when num_attention_heads is not given.
  k.num_attention_heads = entry(c, "num_attention_heads").is_none()
                              ? per_block<int64_t>(c, "attention_head_dim", 8, n)
                              : per_block<int64_t>(c, "num_attention_heads", 8, n);
  k.use_linear_projection = value_or<bool>(c, "use_linear_projection", false);
  k.upcast_attention = value_or<bool>(c, "upcast_attention", false);
  k.resnet_time_scale_shift = value_or<std::string>(c, "resnet_time_scale_shift", "default");
  if (k.resnet_time_scale_shift != "default" && k.resnet_time_scale_shift != "scale_shift")
    throw invalid(
        concat("resnet_time_scale_shift '", k.resnet_time_scale_shift, "' is not one of default, scale_shift"));
  refuse_if_set(c, "resnet_skip_time_act");
  k.resnet_out_scale_factor = value_or<double>(c, "resnet_out_scale_factor", 1.0);
  k.addition_embed_type = value_or<std::optional<std::string>>(c, "addition_embed_type", std::nullopt);
  if (k.addition_embed_type && *k.addition_embed_type != "text_time") {
    throw invalid(concat("addition_embed_type '", *k.addition_embed_type, "' is not supported (text_time is)"));
  }
  k.addition_time_embed_dim = value_or<int64_t>(c, "addition_time_embed_dim", 0);
  k.projection_class_embeddings_input_dim = value_or<int64_t>(c, "projection_class_embeddings_input_dim", 0);
  if (k.addition_embed_type && (k.addition_time_embed_dim <= 0 || k.projection_class_embeddings_input_dim <= 0)) {
    throw invalid(
        "addition_embed_type 'text_time' needs addition_time_embed_dim and "
        "projection_class_embeddings_input_dim");
  }
  k.time_embedding_dim = value_or<int64_t>(c, "time_embedding_dim", 0);
  k.time_embedding_act_fn = value_or<std::optional<std::string>>(c, "time_embedding_act_fn", std::nullopt);
  k.time_cond_proj_dim = value_or<int64_t>(c, "time_cond_proj_dim", 0);
  k.conv_in_kernel = value_or<int64_t>(c, "conv_in_kernel", 3);
  k.conv_out_kernel = value_or<int64_t>(c, "conv_out_kernel", 3);
  k.attn_implementation = value_or<std::string>(c, "attn_implementation", "");
  for (size_t i = 0; i < n; ++i) {
    if (k.block_out_channels[i] % k.norm_num_groups != 0) {
      throw invalid(concat("block_out_channels[", std::to_string(i), "] = ", std::to_string(k.block_out_channels[i]),
                           " is not a multiple of norm_num_groups ", std::to_string(k.norm_num_groups)));
    }
    if (k.block_out_channels[i] % k.num_attention_heads[i] != 0) {
      throw invalid(concat("block_out_channels[", std::to_string(i), "] = ", std::to_string(k.block_out_channels[i]),
                           " is not a multiple of its number of attention heads ",
                           std::to_string(k.num_attention_heads[i])));
    }
  }
  return k;
}

}  // namespace diffusers
