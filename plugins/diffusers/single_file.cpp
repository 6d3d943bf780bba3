#include "single_file.h"

#include <ATen/core/Tensor.h>

#include <map>
#include <optional>
#include <set>
#include <vector>

#include "kwargs.h"
#include "model_methods.h"

namespace diffusers {

namespace {

const std::string kUnet = "model.diffusion_model.";
const std::string kVae = "first_stage_model.";

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

bool has_key(brick::ValueRef state_dict, const char* key) { return !state_dict[key].is_none(); }

// "a.b.c" -> {"a", "b", "c"}
std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t dot = s.find('.'); dot != std::string::npos; dot = s.find('.', start)) {
    parts.push_back(s.substr(start, dot - start));
    start = dot + 1;
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::string join(const std::vector<std::string>& parts, size_t from) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) out += (out.empty() ? "" : ".") + parts[i];
  return out;
}

int64_t number(const std::string& s, const std::string& key) {
  try {
    return std::stoll(s);
  } catch (const std::exception&) {
    throw invalid(concat("original checkpoint: '", key, "' has '", s, "' where a block number belongs"));
  }
}

// The resnet names of the LDM UNet (ResBlock) in diffusers' ResnetBlock2D.
std::string resnet_name(const std::string& rest) {
  static const std::vector<std::pair<std::string, std::string>> renames = {
      {"in_layers.0.", "norm1."},  {"in_layers.2.", "conv1."},          {"out_layers.0.", "norm2."},
      {"out_layers.3.", "conv2."}, {"emb_layers.1.", "time_emb_proj."}, {"skip_connection.", "conv_shortcut."}};
  for (const auto& [from, to] : renames) {
    if (starts_with(rest, from)) return to + rest.substr(from.size());
  }
  return rest;
}

// The vae's resnet names (nin_shortcut) and mid-block attention names.
std::string vae_resnet_name(const std::string& rest) {
  if (starts_with(rest, "nin_shortcut.")) return "conv_shortcut." + rest.substr(13);
  return rest;
}

std::string vae_attention_name(const std::string& rest) {
  static const std::vector<std::pair<std::string, std::string>> renames = {
      {"norm.", "group_norm."}, {"q.", "to_q."}, {"k.", "to_k."}, {"v.", "to_v."}, {"proj_out.", "to_out.0."}};
  for (const auto& [from, to] : renames) {
    if (starts_with(rest, from)) return to + rest.substr(from.size());
  }
  return rest;
}

void put(brick::Value& out, std::set<std::string>& seen, const std::string& name, brick::ValueRef tensor,
         const std::string& from) {
  if (!seen.insert(name).second) {
    throw invalid(concat("original checkpoint: two keys convert to '", name, "' (the second is '", from, "')"));
  }
  out.set(name.c_str(), brick::Value::retain(tensor));
}

}  // namespace

bool is_ldm_checkpoint(brick::ValueRef state_dict) {
  if (state_dict.kind() != BRICK_VALUE_DICT) return false;
  for (size_t i = 0; i < state_dict.size(); ++i) {
    const std::string key = state_dict.key_at(i);
    if (starts_with(key, kUnet) || starts_with(key, kVae)) return true;
  }
  return false;
}

CheckpointType infer_checkpoint_type(brick::ValueRef state_dict) {
  if (has_key(state_dict, "conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight") ||
      has_key(state_dict, "model.diffusion_model.label_emb.0.0.weight")) {
    return CheckpointType::StableDiffusionXL;
  }
  if (has_key(state_dict, "cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight")) {
    return CheckpointType::StableDiffusion2;
  }
  // A UNet-only file: SD 2.x's cross attention reads OpenCLIP ViT-H's 1024 wide states.
  for (const char* key : {"model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight",
                          "model.diffusion_model.input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight"}) {
    brick::ValueRef to_k = state_dict[key];
    if (to_k.is_tensor() && to_k.as<at::Tensor>().size(-1) == 1024) return CheckpointType::StableDiffusion2;
  }
  return CheckpointType::StableDiffusion1;
}

const char* checkpoint_type_name(CheckpointType type) {
  switch (type) {
    case CheckpointType::StableDiffusionXL:
      return "Stable Diffusion XL";
    case CheckpointType::StableDiffusion2:
      return "Stable Diffusion 2.x";
    default:
      return "Stable Diffusion 1.x";
  }
}

bool config_is_given(brick::ValueRef config) {
  if (config.kind() != BRICK_VALUE_DICT) return false;
  for (size_t i = 0; i < config.size(); ++i) {
    const std::string key = config.key_at(i);
    if (key != "_name_or_path" && key != "_class_name" && key != "_diffusers_version") return true;
  }
  return false;
}

namespace {

// A copy of the given config's keys (the bookkeeping ones: _name_or_path),
// to which the model type's values are added.
brick::Value copy_of(brick::ValueRef given) {
  brick::Value out = brick::Value::dict();
  if (given.kind() == BRICK_VALUE_DICT) {
    for (size_t i = 0; i < given.size(); ++i) out.set(given.key_at(i).c_str(), copy_value(given.value_at(i)));
  }
  return out;
}

brick::Value strings(std::initializer_list<const char*> items) {
  brick::Value list = brick::Value::list();
  for (const char* s : items) list.append(brick::Value(s));
  return list;
}

brick::Value ints(std::initializer_list<int64_t> items) {
  brick::Value list = brick::Value::list();
  for (int64_t i : items) list.append(brick::Value(i));
  return list;
}

}  // namespace

brick::Value default_unet_config(CheckpointType type, brick::ValueRef state_dict, brick::ValueRef given) {
  brick::Value c = copy_of(given);
  int64_t in_channels = 4;
  brick::ValueRef conv_in = state_dict["model.diffusion_model.input_blocks.0.0.weight"];
  if (conv_in.is_tensor()) in_channels = conv_in.as<at::Tensor>().size(1);
  c.set("in_channels", brick::Value(in_channels)).set("out_channels", brick::Value(int64_t{4}));
  c.set("layers_per_block", brick::Value(int64_t{2})).set("norm_num_groups", brick::Value(int64_t{32}));
  if (type == CheckpointType::StableDiffusionXL) {
    // stabilityai/stable-diffusion-xl-base-1.0's unet/config.json
    c.set("sample_size", brick::Value(int64_t{128}));
    c.set("down_block_types", strings({"DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"}));
    c.set("up_block_types", strings({"CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"}));
    c.set("block_out_channels", ints({320, 640, 1280}));
    c.set("cross_attention_dim", brick::Value(int64_t{2048}));
    c.set("attention_head_dim", ints({5, 10, 20}));
    c.set("transformer_layers_per_block", ints({1, 2, 10}));
    c.set("use_linear_projection", brick::Value(true));
    c.set("addition_embed_type", brick::Value("text_time"));
    c.set("addition_time_embed_dim", brick::Value(int64_t{256}));
    c.set("projection_class_embeddings_input_dim", brick::Value(int64_t{2816}));
  } else {
    // stable-diffusion-v1-5/stable-diffusion-v1-5's and stabilityai/stable-diffusion-2-1's unet/config.json
    c.set("sample_size", brick::Value(int64_t{type == CheckpointType::StableDiffusion2 ? 96 : 64}));
    c.set("down_block_types",
          strings({"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"}));
    c.set("up_block_types", strings({"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"}));
    c.set("block_out_channels", ints({320, 640, 1280, 1280}));
    if (type == CheckpointType::StableDiffusion2) {
      // OpenCLIP ViT-H's width; 64-wide heads, so 5, 10, 20, 20 of them.
      c.set("cross_attention_dim", brick::Value(int64_t{1024}));
      c.set("attention_head_dim", ints({5, 10, 20, 20}));
      c.set("use_linear_projection", brick::Value(true));
      c.set("upcast_attention", brick::Value(true));
    } else {
      c.set("cross_attention_dim", brick::Value(int64_t{768}));
      c.set("attention_head_dim", brick::Value(int64_t{8}));
    }
  }
  return c;
}

brick::Value default_vae_config(CheckpointType type, brick::ValueRef given) {
  brick::Value c = copy_of(given);
  c.set("in_channels", brick::Value(int64_t{3})).set("out_channels", brick::Value(int64_t{3}));
  c.set("down_block_types",
        strings({"DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"}));
  c.set("up_block_types", strings({"UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"}));
  c.set("block_out_channels", ints({128, 256, 512, 512}));
  c.set("layers_per_block", brick::Value(int64_t{2}));
  c.set("latent_channels", brick::Value(int64_t{4}));
  c.set("norm_num_groups", brick::Value(int64_t{32}));
  if (type == CheckpointType::StableDiffusionXL) {
    c.set("sample_size", brick::Value(int64_t{1024}));
    c.set("scaling_factor", brick::Value(0.13025));
    c.set("force_upcast", brick::Value(true));
  } else {
    c.set("sample_size", brick::Value(int64_t{type == CheckpointType::StableDiffusion2 ? 768 : 512}));
    c.set("scaling_factor", brick::Value(0.18215));
  }
  return c;
}

brick::Value convert_ldm_unet_checkpoint(brick::ValueRef state_dict, int64_t layers_per_block) {
  brick::Value out = brick::Value::dict();
  std::set<std::string> seen;
  const int64_t per_level = layers_per_block + 1;
  // output_blocks.<i>.<k>: which k is the upsampler (its only keys are conv.*).
  std::map<std::pair<int64_t, int64_t>, bool> only_conv;
  for (size_t i = 0; i < state_dict.size(); ++i) {
    const std::string key = state_dict.key_at(i);
    if (!starts_with(key, kUnet + "output_blocks.")) continue;
    std::vector<std::string> p = split(key.substr(kUnet.size()));
    if (p.size() < 4) continue;
    auto slot = std::make_pair(number(p[1], key), number(p[2], key));
    const bool conv = p[3] == "conv";
    auto it = only_conv.find(slot);
    only_conv[slot] = it == only_conv.end() ? conv : it->second && conv;
  }
  for (size_t i = 0; i < state_dict.size(); ++i) {
    const std::string key = state_dict.key_at(i);
    if (!starts_with(key, kUnet)) continue;
    const std::string name = key.substr(kUnet.size());
    std::vector<std::string> p = split(name);
    std::string to;
    auto after = [&](size_t from) { return join(p, from); };
    if (p[0] == "time_embed") {
      to = std::string("time_embedding.linear_") + (p[1] == "0" ? "1." : "2.") + after(2);
    } else if (p[0] == "label_emb") {
      to = std::string("add_embedding.linear_") + (p[2] == "0" ? "1." : "2.") + after(3);
    } else if (p[0] == "out") {
      to = std::string(p[1] == "0" ? "conv_norm_out." : "conv_out.") + after(2);
    } else if (p[0] == "input_blocks") {
      const int64_t index = number(p[1], key);
      if (index == 0) {
        to = "conv_in." + after(3);
      } else {
        const int64_t block = (index - 1) / per_level;
        const int64_t layer = (index - 1) % per_level;
        const std::string prefix = concat("down_blocks.", std::to_string(block), ".");
        if (layer == layers_per_block) {
          // input_blocks.<i>.0.op: the downsampler's convolution.
          to = prefix + "downsamplers.0.conv." + after(4);
        } else if (p[2] == "0") {
          to = prefix + "resnets." + std::to_string(layer) + "." + resnet_name(after(3));
        } else {
          to = prefix + "attentions." + std::to_string(layer) + "." + after(3);
        }
      }
    } else if (p[0] == "middle_block") {
      if (p[1] == "1") {
        to = "mid_block.attentions.0." + after(2);
      } else {
        to = std::string("mid_block.resnets.") + (p[1] == "0" ? "0." : "1.") + resnet_name(after(2));
      }
    } else if (p[0] == "output_blocks") {
      const int64_t index = number(p[1], key);
      const int64_t k = number(p[2], key);
      const std::string prefix = concat("up_blocks.", std::to_string(index / per_level), ".");
      const std::string layer = std::to_string(index % per_level);
      if (k == 0) {
        to = prefix + "resnets." + layer + "." + resnet_name(after(3));
      } else if (only_conv[{index, k}]) {
        to = prefix + "upsamplers.0." + after(3);
      } else {
        to = prefix + "attentions." + layer + "." + after(3);
      }
    } else {
      throw invalid(concat("original checkpoint: unexpected UNet key '", key, "'"));
    }
    put(out, seen, to, state_dict.value_at(i), key);
  }
  return out;
}

brick::Value convert_ldm_vae_checkpoint(brick::ValueRef state_dict, int64_t num_levels) {
  brick::Value out = brick::Value::dict();
  std::set<std::string> seen;
  for (size_t i = 0; i < state_dict.size(); ++i) {
    const std::string key = state_dict.key_at(i);
    if (!starts_with(key, kVae)) continue;
    std::vector<std::string> p = split(key.substr(kVae.size()));
    auto after = [&](size_t from) { return join(p, from); };
    std::string to;
    brick::ValueRef tensor = state_dict.value_at(i);
    std::optional<at::Tensor> reshaped;
    if (p[0] == "quant_conv" || p[0] == "post_quant_conv") {
      to = after(0);
    } else if (p[0] == "encoder" || p[0] == "decoder") {
      const std::string side = p[0] + ".";
      if (p[1] == "conv_in" || p[1] == "conv_out") {
        to = side + after(1);
      } else if (p[1] == "norm_out") {
        to = side + "conv_norm_out." + after(2);
      } else if (p[1] == "mid") {
        if (p[2] == "attn_1") {
          to = side + "mid_block.attentions.0." + vae_attention_name(after(3));
          // The LDM attention's 1x1 convolutions are diffusers' linear layers.
          if (tensor.is_tensor() && tensor.as<at::Tensor>().dim() == 4) {
            at::Tensor t = tensor.as<at::Tensor>();
            reshaped = t.reshape({t.size(0), t.size(1)});
          }
        } else {
          to = side + "mid_block.resnets." + (p[2] == "block_1" ? "0." : "1.") + vae_resnet_name(after(3));
        }
      } else if (p[1] == "down" || p[1] == "up") {
        int64_t level = number(p[2], key);
        // The decoder's up levels run from the deepest: diffusers numbers them in running order.
        if (p[1] == "up") level = num_levels - 1 - level;
        const std::string prefix =
            side + (p[1] == "down" ? "down_blocks." : "up_blocks.") + std::to_string(level) + ".";
        if (p[3] == "block") {
          to = prefix + "resnets." + p[4] + "." + vae_resnet_name(after(5));
        } else {  // downsample.conv / upsample.conv
          to = prefix + (p[1] == "down" ? "downsamplers.0." : "upsamplers.0.") + after(4);
        }
      }
    }
    if (to.empty()) throw invalid(concat("original checkpoint: unexpected vae key '", key, "'"));
    if (!seen.insert(to).second) {
      throw invalid(concat("original checkpoint: two keys convert to '", to, "' (the second is '", key, "')"));
    }
    if (reshaped) {
      out.set(to.c_str(), brick::Value(*reshaped));
    } else {
      out.set(to.c_str(), brick::Value::retain(tensor));
    }
  }
  return out;
}

}  // namespace diffusers
