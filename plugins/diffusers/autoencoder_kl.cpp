#include "autoencoder_kl.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/clamp.h>

#include "model_methods.h"
#include "single_file.h"

namespace diffusers {

AutoencoderKLConfig AutoencoderKLConfig::from(brick::ValueRef c) {
  AutoencoderKLConfig k;
  k.in_channels = value_or<int64_t>(c, "in_channels", 3);
  k.out_channels = value_or<int64_t>(c, "out_channels", 3);
  k.latent_channels = value_or<int64_t>(c, "latent_channels", 4);
  k.block_out_channels = value_or<std::vector<int64_t>>(c, "block_out_channels", {64});
  const size_t n = k.block_out_channels.size();
  if (n == 0) throw invalid("AutoencoderKL: block_out_channels is empty");
  for (const char* key : {"down_block_types", "up_block_types"}) {
    const std::string wanted = key[0] == 'd' ? "DownEncoderBlock2D" : "UpDecoderBlock2D";
    std::vector<std::string> types = value_or<std::vector<std::string>>(c, key, std::vector<std::string>(n, wanted));
    if (types.size() != n) throw invalid(concat("AutoencoderKL: ", key, " needs one entry per block_out_channels"));
    for (const std::string& t : types) {
      if (t != wanted) throw invalid(concat("AutoencoderKL: ", key, " entry '", t, "' is not ", wanted));
    }
  }
  k.layers_per_block = value_or<int64_t>(c, "layers_per_block", 1);
  k.act_fn = value_or<std::string>(c, "act_fn", "silu");
  check_activation(k.act_fn);
  k.norm_num_groups = value_or<int64_t>(c, "norm_num_groups", 32);
  k.scaling_factor = value_or<double>(c, "scaling_factor", 0.18215);
  k.shift_factor = value_or<std::optional<double>>(c, "shift_factor", std::nullopt);
  k.force_upcast = value_or<bool>(c, "force_upcast", true);
  k.use_quant_conv = value_or<bool>(c, "use_quant_conv", true);
  k.use_post_quant_conv = value_or<bool>(c, "use_post_quant_conv", true);
  k.mid_block_add_attention = value_or<bool>(c, "mid_block_add_attention", true);
  k.attn_implementation = value_or<std::string>(c, "attn_implementation", "");
  for (int64_t ch : k.block_out_channels) {
    if (ch % k.norm_num_groups != 0) {
      throw invalid(concat("AutoencoderKL: block_out_channels entry ", std::to_string(ch),
                           " is not a multiple of norm_num_groups ", std::to_string(k.norm_num_groups)));
    }
  }
  return k;
}

AutoencoderKLNet::AutoencoderKLNet(const AutoencoderKLConfig& c) : config(c) {
  const std::vector<int64_t>& ch = c.block_out_channels;
  const size_t n = ch.size();
  auto resnet = [&](int64_t in, int64_t out) {
    ResnetOptions o;
    o.in_channels = in, o.out_channels = out, o.temb_channels = 0, o.eps = 1e-6, o.groups = c.norm_num_groups;
    o.act_fn = c.act_fn;
    return ResnetBlock2D(o);
  };
  auto mid = [&]() {
    MidBlock2D m;
    m.resnets.push_back(resnet(ch[n - 1], ch[n - 1]));
    if (c.mid_block_add_attention) {
      // One head over all channels, group norm first, the input added back;
      // the softmax in float32 (upcast_softmax).
      AttentionOptions a;
      a.query_dim = ch[n - 1], a.heads = 1, a.dim_head = ch[n - 1], a.bias = true, a.upcast_softmax = true;
      a.norm_num_groups = c.norm_num_groups, a.eps = 1e-6, a.residual_connection = true;
      m.attentions.emplace_back(a);
    }
    m.resnets.push_back(resnet(ch[n - 1], ch[n - 1]));
    return m;
  };

  encoder_conv_in = Conv2d(c.in_channels, ch[0], 3, 1, 1);
  int64_t output_channel = ch[0];
  for (size_t i = 0; i < n; ++i) {
    const int64_t input_channel = output_channel;
    output_channel = ch[i];
    DownBlock2D block;
    for (int64_t j = 0; j < c.layers_per_block; ++j)
      block.resnets.push_back(resnet(j == 0 ? input_channel : output_channel, output_channel));
    if (i + 1 < n) block.downsampler = Downsample2D(output_channel, 0);
    encoder_down_blocks.push_back(std::move(block));
  }
  encoder_mid_block = mid();
  encoder_conv_norm_out = GroupNorm(c.norm_num_groups, ch[n - 1], 1e-6);
  encoder_conv_out = Conv2d(ch[n - 1], 2 * c.latent_channels, 3, 1, 1);

  decoder_conv_in = Conv2d(c.latent_channels, ch[n - 1], 3, 1, 1);
  decoder_mid_block = mid();
  output_channel = ch[n - 1];
  for (size_t i = 0; i < n; ++i) {
    const int64_t prev_output_channel = output_channel;
    output_channel = ch[n - 1 - i];
    UpBlock2D block;
    for (int64_t j = 0; j < c.layers_per_block + 1; ++j)
      block.resnets.push_back(resnet(j == 0 ? prev_output_channel : output_channel, output_channel));
    if (i + 1 < n) block.upsampler = Upsample2D(output_channel);
    decoder_up_blocks.push_back(std::move(block));
  }
  decoder_conv_norm_out = GroupNorm(c.norm_num_groups, ch[0], 1e-6);
  decoder_conv_out = Conv2d(ch[0], c.out_channels, 3, 1, 1);
  if (c.use_quant_conv) quant_conv = Conv2d(2 * c.latent_channels, 2 * c.latent_channels, 1);
  if (c.use_post_quant_conv) post_quant_conv = Conv2d(c.latent_channels, c.latent_channels, 1);
}

std::shared_ptr<AutoencoderKLNet> AutoencoderKLNet::make(const AutoencoderKLConfig& config) {
  std::shared_ptr<AutoencoderKLNet> net(new AutoencoderKLNet(config));
  Parameters& p = net->parameters;
  net->encoder_conv_in.add_to(p, "encoder.conv_in");
  for (size_t i = 0; i < net->encoder_down_blocks.size(); ++i)
    net->encoder_down_blocks[i].add_to(p, "encoder.down_blocks." + std::to_string(i));
  net->encoder_mid_block.add_to(p, "encoder.mid_block");
  net->encoder_conv_norm_out.add_to(p, "encoder.conv_norm_out");
  net->encoder_conv_out.add_to(p, "encoder.conv_out");
  net->decoder_conv_in.add_to(p, "decoder.conv_in");
  for (size_t i = 0; i < net->decoder_up_blocks.size(); ++i)
    net->decoder_up_blocks[i].add_to(p, "decoder.up_blocks." + std::to_string(i));
  net->decoder_mid_block.add_to(p, "decoder.mid_block");
  net->decoder_conv_norm_out.add_to(p, "decoder.conv_norm_out");
  net->decoder_conv_out.add_to(p, "decoder.conv_out");
  if (net->quant_conv) net->quant_conv->add_to(p, "quant_conv");
  if (net->post_quant_conv) net->post_quant_conv->add_to(p, "post_quant_conv");
  return net;
}

std::pair<at::Tensor, at::Tensor> AutoencoderKLNet::encode(const at::Tensor& sample, bool sdpa) const {
  const at::Tensor& w = encoder_conv_in.weight;
  if (!sample.defined() || sample.dim() != 4 || sample.size(1) != config.in_channels) {
    throw invalid(concat("AutoencoderKL.encode: sample must be [B, ", std::to_string(config.in_channels),
                         ", H, W], got ", sample.defined() ? shape_text(sample.sizes()) : std::string("none")));
  }
  at::Tensor h = encoder_conv_in(sample.to(w.device(), w.scalar_type()));
  for (const DownBlock2D& block : encoder_down_blocks) h = block(h, at::Tensor(), at::Tensor(), sdpa, nullptr);
  h = encoder_mid_block(h, sdpa);
  h = encoder_conv_out(activation(config.act_fn, encoder_conv_norm_out(h)));
  if (quant_conv) h = (*quant_conv)(h);
  std::vector<at::Tensor> parts = h.chunk(2, 1);
  return {parts[0], at::clamp(parts[1], -30.0, 20.0)};
}

at::Tensor AutoencoderKLNet::decode(const at::Tensor& z_in, bool sdpa) const {
  const at::Tensor& w = decoder_conv_in.weight;
  if (!z_in.defined() || z_in.dim() != 4 || z_in.size(1) != config.latent_channels) {
    throw invalid(concat("AutoencoderKL.decode: z must be [B, ", std::to_string(config.latent_channels),
                         ", h, w], got ", z_in.defined() ? shape_text(z_in.sizes()) : std::string("none")));
  }
  at::Tensor z = z_in.to(w.device(), w.scalar_type());
  if (post_quant_conv) z = (*post_quant_conv)(z);
  at::Tensor h = decoder_mid_block(decoder_conv_in(z), sdpa);
  for (const UpBlock2D& block : decoder_up_blocks)
    h = block(h, nullptr, at::Tensor(), at::Tensor(), sdpa, std::nullopt);
  return decoder_conv_out(activation(config.act_fn, decoder_conv_norm_out(h)));
}

AutoencoderKL::AutoencoderKL(brick::ValueRef config)
    : config_(copy_value(config)),
      parsed_(AutoencoderKLConfig::from(config)),
      sdpa_(use_sdpa(parsed_.attn_implementation)),
      folder_(value_or<std::string>(config, "_name_or_path", "")) {}

std::shared_ptr<const AutoencoderKLNet> AutoencoderKL::net() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!net_) {
    if (!folder_.empty()) {
      throw brick::Error(BRICK_ERR_NOT_FOUND, concat("AutoencoderKL loaded from '", folder_,
                                                     "' has no weights: the folder has no *.safetensors file"));
    }
    std::shared_ptr<AutoencoderKLNet> made = AutoencoderKLNet::make(parsed_);
    made->parameters.randomise();
    net_ = std::move(made);
  }
  return net_;
}

void AutoencoderKL::load_original_checkpoint(brick::ValueRef state_dict) {
  if (!config_is_given(config_.ref())) {
    brick::Value chosen = default_vae_config(infer_checkpoint_type(state_dict), config_.ref());
    parsed_ = AutoencoderKLConfig::from(chosen.ref());
    sdpa_ = use_sdpa(parsed_.attn_implementation);
    config_ = std::move(chosen);
  }
  brick::Value converted =
      convert_ldm_vae_checkpoint(state_dict, static_cast<int64_t>(parsed_.block_out_channels.size()));
  std::shared_ptr<AutoencoderKLNet> made = AutoencoderKLNet::make(parsed_);
  made->parameters.load(converted.ref(), "AutoencoderKL (original checkpoint)");
  std::lock_guard<std::mutex> lock(mutex_);
  net_ = std::move(made);
}

brick::Value AutoencoderKL::config() const {
  // The given keys, and the ones pipelines read filled in with diffusers' defaults.
  brick::Value out = brick::Value::dict();
  brick::ValueRef given = config_.ref();
  if (given.kind() == BRICK_VALUE_DICT) {
    for (size_t i = 0; i < given.size(); ++i) out.set(given.key_at(i).c_str(), copy_value(given.value_at(i)));
  }
  out.set("_class_name", "AutoencoderKL");
  out.set("scaling_factor", parsed_.scaling_factor);
  out.set("shift_factor", parsed_.shift_factor ? brick::Value(*parsed_.shift_factor) : brick::Value());
  out.set("force_upcast", parsed_.force_upcast);
  out.set("block_out_channels", parsed_.block_out_channels);
  out.set("latent_channels", parsed_.latent_channels);
  out.set("in_channels", parsed_.in_channels);
  out.set("out_channels", parsed_.out_channels);
  return out;
}

brick::Value AutoencoderKL::call(const std::string& method, brick::ValueRef args) {
  if (method == "encode") {
    std::shared_ptr<const AutoencoderKLNet> n = net();
    auto [mean, logvar] = n->encode(tensor_argument(args, "sample", "AutoencoderKL.encode", true), sdpa_);
    return brick::Value::dict().set("mean", mean).set("logvar", logvar);
  }
  if (method == "decode") {
    const char* key = entry(args, "z").is_none() && !entry(args, "latents").is_none() ? "latents" : "z";
    std::shared_ptr<const AutoencoderKLNet> n = net();
    return brick::Value(n->decode(tensor_argument(args, key, "AutoencoderKL.decode", true), sdpa_));
  }
  if (method == "config") return config();
  return model_method<AutoencoderKLNet>(
      method, args, [this] { return std::const_pointer_cast<AutoencoderKLNet>(net()); },
      [this](brick::ValueRef state_dict) {
        if (is_ldm_checkpoint(state_dict)) {
          load_original_checkpoint(state_dict);
          return;
        }
        std::shared_ptr<AutoencoderKLNet> made = AutoencoderKLNet::make(parsed_);
        made->parameters.load(state_dict, "AutoencoderKL");
        std::lock_guard<std::mutex> lock(mutex_);
        net_ = std::move(made);
      },
      [this](std::shared_ptr<const AutoencoderKLNet> moved) {
        std::lock_guard<std::mutex> lock(mutex_);
        net_ = std::move(moved);
      },
      [this](const std::string& m, brick::ValueRef a) { return brick::ComponentType::call(m, a); });
}

}  // namespace diffusers
