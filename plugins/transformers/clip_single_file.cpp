#include "clip_single_file.h"

#include <ATen/core/Tensor.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "kwargs.h"

namespace transformers {

namespace {

const std::string kSd1 = "cond_stage_model.transformer.";
const std::string kSdxlFirst = "conditioner.embedders.0.transformer.";
const std::string kSdxlSecond = "conditioner.embedders.1.model.";
const std::string kSd2 = "cond_stage_model.model.";

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

bool has_prefix(brick::ValueRef state_dict, const std::string& prefix) {
  for (size_t i = 0; i < state_dict.size(); ++i) {
    if (starts_with(state_dict.key_at(i), prefix)) return true;
  }
  return false;
}

// transformers' layout under a prefix (older checkpoints lack "text_model.").
brick::Value strip_prefix(brick::ValueRef state_dict, const std::string& prefix) {
  brick::Value out = brick::Value::dict();
  for (size_t i = 0; i < state_dict.size(); ++i) {
    const std::string key = state_dict.key_at(i);
    if (!starts_with(key, prefix)) continue;
    std::string name = key.substr(prefix.size());
    if (!starts_with(name, "text_model.")) name = "text_model." + name;
    out.set(name.c_str(), brick::Value::retain(state_dict.value_at(i)));
  }
  return out;
}

// The layer number of "transformer.resblocks.<n>.<rest>" (name without the prefix), or -1.
int64_t resblock(const std::string& name) {
  const std::string layers = "transformer.resblocks.";
  if (!starts_with(name, layers)) return -1;
  try {
    return std::stoll(name.substr(layers.size(), name.find('.', layers.size()) - layers.size()));
  } catch (const std::exception&) {
    return -1;
  }
}

// OpenCLIP's layout converted. `projection`: keep text_projection (SDXL's
// second encoder) or leave it out (SD 2.x's); `keep_layers` > 0: only the
// first that many layers.
brick::Value convert_open_clip(brick::ValueRef state_dict, const std::string& prefix, bool projection,
                               int64_t keep_layers) {
  brick::Value out = brick::Value::dict();
  const std::string layers = "transformer.resblocks.";
  for (size_t i = 0; i < state_dict.size(); ++i) {
    const std::string key = state_dict.key_at(i);
    if (!starts_with(key, prefix)) continue;
    const std::string name = key.substr(prefix.size());
    if (keep_layers > 0 && resblock(name) >= keep_layers) continue;
    brick::ValueRef value = state_dict.value_at(i);
    auto set = [&](const std::string& to) { out.set(to.c_str(), brick::Value::retain(value)); };
    if (name == "token_embedding.weight") {
      set("text_model.embeddings.token_embedding.weight");
    } else if (name == "positional_embedding") {
      set("text_model.embeddings.position_embedding.weight");
    } else if (starts_with(name, "ln_final.")) {
      set("text_model.final_layer_norm." + name.substr(9));
    } else if (name == "text_projection" && !projection) {
      continue;  // SD 2.x's text encoder is CLIPTextModel: its states unprojected
    } else if (name == "text_projection") {
      // OpenCLIP multiplies x @ P; transformers' Linear holds P's transpose.
      out.set("text_projection.weight", brick::Value(value.as<at::Tensor>().t().contiguous()));
    } else if (name == "logit_scale" || name == "attn_mask") {
      continue;  // the image-text contrastive scale; the causal mask some files saved as a buffer
    } else if (starts_with(name, layers)) {
      const std::string rest = name.substr(layers.size());
      const size_t dot = rest.find('.');
      const std::string layer = "text_model.encoder.layers." + rest.substr(0, dot) + ".";
      const std::string part = rest.substr(dot + 1);
      if (part == "attn.in_proj_weight" || part == "attn.in_proj_bias") {
        // q, k and v stacked along the first dimension.
        std::vector<at::Tensor> qkv = value.as<at::Tensor>().chunk(3, 0);
        const std::string suffix = part == "attn.in_proj_weight" ? "weight" : "bias";
        const char* names[] = {"q_proj.", "k_proj.", "v_proj."};
        for (size_t k = 0; k < 3; ++k) {
          out.set((layer + "self_attn." + names[k] + suffix).c_str(), brick::Value(qkv[k]));
        }
      } else if (starts_with(part, "attn.out_proj.")) {
        set(layer + "self_attn.out_proj." + part.substr(14));
      } else if (starts_with(part, "ln_1.")) {
        set(layer + "layer_norm1." + part.substr(5));
      } else if (starts_with(part, "ln_2.")) {
        set(layer + "layer_norm2." + part.substr(5));
      } else if (starts_with(part, "mlp.c_fc.")) {
        set(layer + "mlp.fc1." + part.substr(9));
      } else if (starts_with(part, "mlp.c_proj.")) {
        set(layer + "mlp.fc2." + part.substr(11));
      } else {
        throw invalid(concat("original checkpoint: unexpected OpenCLIP key '", key, "'"));
      }
    } else {
      throw invalid(concat("original checkpoint: unexpected OpenCLIP key '", key, "'"));
    }
  }
  return out;
}

int64_t dim(brick::ValueRef state_dict, const char* key, int64_t d) {
  brick::ValueRef v = state_dict[key];
  if (!v.is_tensor()) throw invalid(concat("original checkpoint: the text encoder has no '", key, "'"));
  return v.as<at::Tensor>().size(d);
}

brick::Value config_from_shapes(brick::ValueRef converted, bool open_clip, bool with_projection) {
  std::set<std::string> layers;
  const std::string prefix = "text_model.encoder.layers.";
  for (size_t i = 0; i < converted.size(); ++i) {
    const std::string key = converted.key_at(i);
    if (starts_with(key, prefix))
      layers.insert(key.substr(prefix.size(), key.find('.', prefix.size()) - prefix.size()));
  }
  const int64_t hidden = dim(converted, "text_model.embeddings.token_embedding.weight", 1);
  brick::Value c = brick::Value::dict();
  c.set("vocab_size", brick::Value(dim(converted, "text_model.embeddings.token_embedding.weight", 0)));
  c.set("hidden_size", brick::Value(hidden));
  c.set("intermediate_size", brick::Value(dim(converted, "text_model.encoder.layers.0.mlp.fc1.weight", 0)));
  c.set("num_hidden_layers", brick::Value(static_cast<int64_t>(layers.size())));
  c.set("num_attention_heads", brick::Value(std::max<int64_t>(hidden / 64, 1)));
  c.set("max_position_embeddings", brick::Value(dim(converted, "text_model.embeddings.position_embedding.weight", 0)));
  c.set("hidden_act", brick::Value(open_clip ? "gelu" : "quick_gelu"));
  c.set("projection_dim", brick::Value(with_projection ? dim(converted, "text_projection.weight", 0) : int64_t{768}));
  // transformers' configs of these checkpoints (openai/clip-vit-large-patch14,
  // laion's bigG): eos_token_id 2, the legacy rule that pools at the largest
  // id, which <|endoftext|> is in CLIP's vocabulary.
  c.set("bos_token_id", brick::Value(int64_t{0}));
  c.set("eos_token_id", brick::Value(int64_t{2}));
  c.set("pad_token_id", brick::Value(int64_t{1}));
  c.set("layer_norm_eps", brick::Value(1e-5));
  return c;
}

}  // namespace

bool is_original_checkpoint(brick::ValueRef state_dict) {
  if (state_dict.kind() != BRICK_VALUE_DICT) return false;
  for (size_t i = 0; i < state_dict.size(); ++i) {
    const std::string key = state_dict.key_at(i);
    if (starts_with(key, "cond_stage_model.") || starts_with(key, "conditioner.embedders.") ||
        starts_with(key, "model.diffusion_model.") || starts_with(key, "first_stage_model.")) {
      return true;
    }
  }
  return false;
}

ConvertedClip convert_original_clip(brick::ValueRef state_dict, bool with_projection, int64_t num_hidden_layers) {
  ConvertedClip out;
  bool open_clip = with_projection;
  if (with_projection) {
    if (!has_prefix(state_dict, kSdxlSecond)) {
      throw brick::Error(BRICK_ERR_NOT_FOUND, concat("original checkpoint: no SDXL second text encoder (keys '",
                                                     kSdxlSecond, "...') for CLIPTextModelWithProjection"));
    }
    out.state_dict = convert_open_clip(state_dict, kSdxlSecond, true, 0);
  } else if (has_prefix(state_dict, kSd2)) {
    // SD 2.x: the penultimate layer's states condition the UNet, so without a
    // config the last layer is left out (stable-diffusion-2-1's config: 23 of 24).
    open_clip = true;
    int64_t keep = num_hidden_layers;
    if (keep <= 0) {
      int64_t layers = 0;
      for (size_t i = 0; i < state_dict.size(); ++i) {
        const std::string key = state_dict.key_at(i);
        if (starts_with(key, kSd2)) layers = std::max(layers, resblock(key.substr(kSd2.size())) + 1);
      }
      keep = std::max<int64_t>(layers - 1, 1);
    }
    out.state_dict = convert_open_clip(state_dict, kSd2, false, keep);
  } else if (has_prefix(state_dict, kSd1)) {
    out.state_dict = strip_prefix(state_dict, kSd1);
  } else if (has_prefix(state_dict, kSdxlFirst)) {
    out.state_dict = strip_prefix(state_dict, kSdxlFirst);
  } else {
    throw brick::Error(BRICK_ERR_NOT_FOUND, concat("original checkpoint: no CLIP text encoder (keys '", kSd1, "...', '",
                                                   kSd2, "...' or '", kSdxlFirst, "...') for CLIPTextModel"));
  }
  out.config = config_from_shapes(out.state_dict.ref(), open_clip, with_projection);
  return out;
}

bool clip_config_is_given(brick::ValueRef config) {
  if (config.kind() != BRICK_VALUE_DICT) return false;
  for (size_t i = 0; i < config.size(); ++i) {
    const std::string key = config.key_at(i);
    if (key != "_name_or_path" && key != "_class_name" && key != "architectures") return true;
  }
  return false;
}

}  // namespace transformers
