#include "unet_2d_condition.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/scalar_tensor.h>

#include "attention.h"
#include "kwargs.h"
#include "model_methods.h"
#include "single_file.h"

namespace diffusers {

UNet2DConditionNet::UNet2DConditionNet(const UNet2DConditionConfig& c) : config(c) {
  const std::vector<int64_t>& ch = c.block_out_channels;
  const size_t n = ch.size();
  const int64_t temb = c.time_embed_dim();
  conv_in = Conv2d(c.in_channels, ch[0], c.conv_in_kernel, 1, (c.conv_in_kernel - 1) / 2);
  time_embedding = TimestepEmbedding(ch[0], temb, c.act_fn, c.time_cond_proj_dim);
  if (c.addition_embed_type)
    add_embedding = TimestepEmbedding(c.projection_class_embeddings_input_dim, temb, "silu", 0);

  auto resnet = [&](int64_t in, int64_t out, double scale) {
    ResnetOptions o;
    o.in_channels = in, o.out_channels = out, o.temb_channels = temb, o.eps = c.norm_eps, o.groups = c.norm_num_groups;
    o.act_fn = c.act_fn, o.time_embedding_norm = c.resnet_time_scale_shift, o.output_scale_factor = scale;
    return ResnetBlock2D(o);
  };
  auto transformer = [&](int64_t channels, int64_t heads, int64_t layers, int64_t cross, bool only_cross) {
    Transformer2DOptions o;
    o.num_attention_heads = heads, o.attention_head_dim = channels / heads, o.in_channels = channels;
    o.num_layers = layers, o.cross_attention_dim = cross, o.norm_num_groups = c.norm_num_groups;
    o.use_linear_projection = c.use_linear_projection, o.only_cross_attention = only_cross;
    o.upcast_attention = c.upcast_attention;
    return Transformer2DModel(o);
  };

  int64_t output_channel = ch[0];
  for (size_t i = 0; i < n; ++i) {
    const int64_t input_channel = output_channel;
    output_channel = ch[i];
    const bool cross = c.down_block_types[i] == "CrossAttnDownBlock2D";
    DownBlock2D block;
    for (int64_t j = 0; j < c.layers_per_block[i]; ++j) {
      block.resnets.push_back(
          resnet(j == 0 ? input_channel : output_channel, output_channel, c.resnet_out_scale_factor));
      if (cross) {
        block.attentions.push_back(transformer(output_channel, c.num_attention_heads[i],
                                               c.transformer_layers_per_block[i], c.cross_attention_dim[i],
                                               c.only_cross_attention[i]));
      }
    }
    if (i + 1 < n) block.downsampler = Downsample2D(output_channel, c.downsample_padding);
    down_blocks.push_back(std::move(block));
  }

  mid_block.resnets.push_back(resnet(ch[n - 1], ch[n - 1], c.mid_block_scale_factor));
  mid_block.attentions.push_back(transformer(ch[n - 1], c.num_attention_heads[n - 1],
                                             c.transformer_layers_per_block[n - 1], c.cross_attention_dim[n - 1],
                                             false));
  mid_block.resnets.push_back(resnet(ch[n - 1], ch[n - 1], c.mid_block_scale_factor));

  // The up path mirrors the down path: block i of it has layers_per_block + 1
  // resnets, each taking one skip connection.
  size_t reverse_at = 0;
  output_channel = ch[n - 1];
  for (size_t i = 0; i < n; ++i) {
    const size_t r = n - 1 - i;
    const int64_t prev_output_channel = output_channel;
    output_channel = ch[r];
    const int64_t input_channel = ch[r == 0 ? 0 : r - 1];
    const bool cross = c.up_block_types[i] == "CrossAttnUpBlock2D";
    const int64_t layers = c.layers_per_block[r] + 1;
    UpBlock2D block;
    for (int64_t j = 0; j < layers; ++j) {
      const int64_t skip = j == layers - 1 ? input_channel : output_channel;
      const int64_t in = j == 0 ? prev_output_channel : output_channel;
      block.resnets.push_back(resnet(in + skip, output_channel, c.resnet_out_scale_factor));
      if (cross) {
        int64_t t_layers = c.transformer_layers_per_block[r];
        if (c.reverse_transformer_layers_per_block) {
          if (reverse_at >= c.reverse_transformer_layers_per_block->size())
            throw invalid("reverse_transformer_layers_per_block has too few entries");
          t_layers = (*c.reverse_transformer_layers_per_block)[reverse_at++];
        }
        block.attentions.push_back(transformer(output_channel, c.num_attention_heads[r], t_layers,
                                               c.cross_attention_dim[r], c.only_cross_attention[r]));
      }
    }
    if (i + 1 < n) block.upsampler = Upsample2D(output_channel);
    up_blocks.push_back(std::move(block));
  }
  conv_norm_out = GroupNorm(c.norm_num_groups, ch[0], c.norm_eps);
  conv_out = Conv2d(ch[0], c.out_channels, c.conv_out_kernel, 1, (c.conv_out_kernel - 1) / 2);
}

std::shared_ptr<UNet2DConditionNet> UNet2DConditionNet::make(const UNet2DConditionConfig& config) {
  std::shared_ptr<UNet2DConditionNet> net(new UNet2DConditionNet(config));
  Parameters& p = net->parameters;
  // diffusers' registration order, which is its state_dict's.
  net->conv_in.add_to(p, "conv_in");
  net->time_embedding.add_to(p, "time_embedding");
  if (net->add_embedding) net->add_embedding->add_to(p, "add_embedding");
  for (size_t i = 0; i < net->down_blocks.size(); ++i)
    net->down_blocks[i].add_to(p, "down_blocks." + std::to_string(i));
  for (size_t i = 0; i < net->up_blocks.size(); ++i) net->up_blocks[i].add_to(p, "up_blocks." + std::to_string(i));
  net->mid_block.add_to(p, "mid_block");
  net->conv_norm_out.add_to(p, "conv_norm_out");
  net->conv_out.add_to(p, "conv_out");
  return net;
}

at::Tensor UNet2DConditionNet::forward(const Inputs& in, bool sdpa) const {
  const UNet2DConditionConfig& c = config;
  const at::ScalarType dtype = conv_in.weight.scalar_type();
  const at::Device device = conv_in.weight.device();
  if (!in.sample.defined() || in.sample.dim() != 4 || in.sample.size(1) != c.in_channels) {
    throw invalid(concat("UNet2DConditionModel.forward: sample must be [B, ", std::to_string(c.in_channels),
                         ", H, W], got ", in.sample.defined() ? shape_text(in.sample.sizes()) : std::string("none")));
  }
  at::Tensor sample = in.sample.to(device, dtype);
  const int64_t batch = sample.size(0);
  at::Tensor context = in.encoder_hidden_states.to(device, dtype);
  if (context.dim() != 3 || context.size(0) != batch) {
    throw invalid(concat("UNet2DConditionModel.forward: encoder_hidden_states must be [", std::to_string(batch),
                         ", S, D], got ", shape_text(context.sizes())));
  }

  // The overall up factor: sizes that are not a multiple of it make each up
  // block upsample to its skip connection's size.
  const int64_t factor = int64_t{1} << (c.block_out_channels.size() - 1);
  const bool forward_upsample_size = sample.size(2) % factor != 0 || sample.size(3) % factor != 0;
  if (c.center_input_sample) sample = sample * 2.0 - 1.0;

  at::Tensor timesteps = in.timestep.to(device);
  if (timesteps.dim() == 0) timesteps = timesteps.unsqueeze(0);
  if (timesteps.dim() != 1 || (timesteps.size(0) != 1 && timesteps.size(0) != batch)) {
    throw invalid(concat("UNet2DConditionModel.forward: timestep must be a number, a 0-d tensor or a 1-d tensor of ",
                         std::to_string(batch), ", got ", shape_text(timesteps.sizes())));
  }
  timesteps = timesteps.expand({batch});
  at::Tensor t_emb = timestep_embedding(timesteps, c.block_out_channels[0], c.flip_sin_to_cos, c.freq_shift).to(dtype);
  at::Tensor emb = time_embedding(t_emb, in.timestep_cond.defined() ? in.timestep_cond.to(device) : at::Tensor());
  if (add_embedding) {
    if (!in.text_embeds.defined() || !in.time_ids.defined()) {
      throw invalid(
          "UNet2DConditionModel.forward: addition_embed_type 'text_time' needs added_cond_kwargs "
          "{text_embeds, time_ids}");
    }
    at::Tensor text_embeds = in.text_embeds.to(device);
    at::Tensor time_embeds =
        timestep_embedding(in.time_ids.to(device).flatten(), c.addition_time_embed_dim, c.flip_sin_to_cos, c.freq_shift)
            .reshape({text_embeds.size(0), -1});
    at::Tensor add_embeds = at::cat({text_embeds.to(at::kFloat), time_embeds}, -1).to(dtype);
    if (add_embeds.size(-1) != c.projection_class_embeddings_input_dim) {
      throw invalid(concat("UNet2DConditionModel.forward: text_embeds and time_ids give ",
                           std::to_string(add_embeds.size(-1)), " features, projection_class_embeddings_input_dim is ",
                           std::to_string(c.projection_class_embeddings_input_dim)));
    }
    emb = emb + (*add_embedding)(add_embeds, at::Tensor());
  }
  if (c.time_embedding_act_fn) emb = activation(*c.time_embedding_act_fn, emb);

  sample = conv_in(sample);
  std::vector<at::Tensor> skips{sample};
  for (const DownBlock2D& block : down_blocks) sample = block(sample, emb, context, sdpa, &skips);
  sample = mid_block(sample, emb, context, sdpa);
  for (size_t i = 0; i < up_blocks.size(); ++i) {
    const UpBlock2D& block = up_blocks[i];
    std::optional<std::pair<int64_t, int64_t>> size;
    if (forward_upsample_size && i + 1 < up_blocks.size()) {
      const at::Tensor& target = skips[skips.size() - block.resnets.size() - 1];
      size = std::make_pair(target.size(2), target.size(3));
    }
    sample = block(sample, &skips, emb, context, sdpa, size);
  }
  return conv_out(activation(c.act_fn, conv_norm_out(sample)));
}

UNet2DConditionModel::UNet2DConditionModel(brick::ValueRef config)
    : config_(copy_value(config)),
      parsed_(UNet2DConditionConfig::from(config)),
      sdpa_(use_sdpa(parsed_.attn_implementation)),
      folder_(value_or<std::string>(config, "_name_or_path", "")) {
  // Checks the architecture now (a bad config fails at creation, not at the first call).
  UNet2DConditionNet::make(parsed_);
}

std::shared_ptr<const UNet2DConditionNet> UNet2DConditionModel::net() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!net_) {
    if (!folder_.empty()) {
      throw brick::Error(BRICK_ERR_NOT_FOUND, concat("UNet2DConditionModel loaded from '", folder_,
                                                     "' has no weights: the folder has no *.safetensors file"));
    }
    std::shared_ptr<UNet2DConditionNet> made = UNet2DConditionNet::make(parsed_);
    made->parameters.randomise();
    net_ = std::move(made);
  }
  return net_;
}

void UNet2DConditionModel::load_original_checkpoint(brick::ValueRef state_dict) {
  // diffusers' from_single_file: the config given, else the one of the model
  // type the keys say the file holds.
  if (!config_is_given(config_.ref())) {
    brick::Value chosen = default_unet_config(infer_checkpoint_type(state_dict), state_dict, config_.ref());
    parsed_ = UNet2DConditionConfig::from(chosen.ref());
    sdpa_ = use_sdpa(parsed_.attn_implementation);
    config_ = std::move(chosen);
  }
  brick::Value converted = convert_ldm_unet_checkpoint(state_dict, parsed_.layers_per_block.front());
  std::shared_ptr<UNet2DConditionNet> made = UNet2DConditionNet::make(parsed_);
  made->parameters.load(converted.ref(), "UNet2DConditionModel (original checkpoint)");
  std::lock_guard<std::mutex> lock(mutex_);
  net_ = std::move(made);
}

brick::Value UNet2DConditionModel::config() const { return copy_value(config_.ref()); }

brick::Value UNet2DConditionModel::call(const std::string& method, brick::ValueRef args) {
  if (method == "forward" || method == "__call__") {
    if (args.kind() != BRICK_VALUE_DICT) throw invalid("UNet2DConditionModel.forward takes keyword arguments");
    UNet2DConditionNet::Inputs in;
    in.sample = tensor_argument(args, "sample", "UNet2DConditionModel.forward", true);
    in.timestep = timestep_argument(args, "timestep", "UNet2DConditionModel.forward");
    in.encoder_hidden_states = tensor_argument(args, "encoder_hidden_states", "UNet2DConditionModel.forward", true);
    in.timestep_cond = tensor_argument(args, "timestep_cond", "UNet2DConditionModel.forward", false);
    brick::ValueRef added = entry(args, "added_cond_kwargs");
    if (!added.is_none()) {
      in.text_embeds = tensor_argument(added, "text_embeds", "UNet2DConditionModel.forward added_cond_kwargs", false);
      in.time_ids = tensor_argument(added, "time_ids", "UNet2DConditionModel.forward added_cond_kwargs", false);
    }
    std::shared_ptr<const UNet2DConditionNet> n = net();
    return brick::Value(n->forward(in, sdpa_));
  }
  if (method == "config") return config();
  return model_method<UNet2DConditionNet>(
      method, args, [this] { return std::const_pointer_cast<UNet2DConditionNet>(net()); },
      [this](brick::ValueRef state_dict) {
        if (is_ldm_checkpoint(state_dict)) {
          load_original_checkpoint(state_dict);
          return;
        }
        std::shared_ptr<UNet2DConditionNet> made = UNet2DConditionNet::make(parsed_);
        made->parameters.load(state_dict, "UNet2DConditionModel");
        std::lock_guard<std::mutex> lock(mutex_);
        net_ = std::move(made);
      },
      [this](std::shared_ptr<const UNet2DConditionNet> moved) {
        std::lock_guard<std::mutex> lock(mutex_);
        net_ = std::move(moved);
      },
      [this](const std::string& m, brick::ValueRef a) { return brick::ComponentType::call(m, a); });
}

}  // namespace diffusers
