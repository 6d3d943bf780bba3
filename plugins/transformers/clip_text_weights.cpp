#include "clip_text_weights.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/zeros.h>

#include <cmath>
#include <map>

#include "kwargs.h"

namespace transformers {

namespace {

std::string shape_text(at::IntArrayRef shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

// "a, b, c" with at most `limit` names, then how many more.
std::string name_list(const std::vector<std::string>& names, size_t limit = 12) {
  std::string text;
  for (size_t i = 0; i < names.size() && i < limit; ++i) {
    if (i) text += ", ";
    text += names[i];
  }
  if (names.size() > limit) text += concat(" and ", std::to_string(names.size() - limit), " more");
  return text;
}

// The buffer transformers registers with persistent=False; checkpoints saved
// before that (Stable Diffusion 1.x's text encoder) still hold it.
constexpr const char* kPositionIds = "text_model.embeddings.position_ids";

}  // namespace

std::vector<CLIPTextWeights::Slot> CLIPTextWeights::slots(const CLIPTextConfig& c, bool with_projection) {
  const int64_t h = c.hidden_size, inter = c.intermediate_size;
  std::vector<Slot> out;
  out.push_back({"text_model.embeddings.token_embedding.weight", {c.vocab_size, h}, &token_embedding});
  out.push_back(
      {"text_model.embeddings.position_embedding.weight", {c.max_position_embeddings, h}, &position_embedding});
  layers.resize(static_cast<size_t>(c.num_hidden_layers));
  for (size_t i = 0; i < layers.size(); ++i) {
    CLIPEncoderLayerWeights& l = layers[i];
    const std::string p = concat("text_model.encoder.layers.", std::to_string(i), ".");
    out.push_back({p + "self_attn.k_proj.weight", {h, h}, &l.k_proj_weight});
    out.push_back({p + "self_attn.k_proj.bias", {h}, &l.k_proj_bias});
    out.push_back({p + "self_attn.v_proj.weight", {h, h}, &l.v_proj_weight});
    out.push_back({p + "self_attn.v_proj.bias", {h}, &l.v_proj_bias});
    out.push_back({p + "self_attn.q_proj.weight", {h, h}, &l.q_proj_weight});
    out.push_back({p + "self_attn.q_proj.bias", {h}, &l.q_proj_bias});
    out.push_back({p + "self_attn.out_proj.weight", {h, h}, &l.out_proj_weight});
    out.push_back({p + "self_attn.out_proj.bias", {h}, &l.out_proj_bias});
    out.push_back({p + "layer_norm1.weight", {h}, &l.layer_norm1_weight});
    out.push_back({p + "layer_norm1.bias", {h}, &l.layer_norm1_bias});
    out.push_back({p + "mlp.fc1.weight", {inter, h}, &l.fc1_weight});
    out.push_back({p + "mlp.fc1.bias", {inter}, &l.fc1_bias});
    out.push_back({p + "mlp.fc2.weight", {h, inter}, &l.fc2_weight});
    out.push_back({p + "mlp.fc2.bias", {h}, &l.fc2_bias});
    out.push_back({p + "layer_norm2.weight", {h}, &l.layer_norm2_weight});
    out.push_back({p + "layer_norm2.bias", {h}, &l.layer_norm2_bias});
  }
  out.push_back({"text_model.final_layer_norm.weight", {h}, &final_layer_norm_weight});
  out.push_back({"text_model.final_layer_norm.bias", {h}, &final_layer_norm_bias});
  if (with_projection) out.push_back({"text_projection.weight", {c.projection_dim, h}, &text_projection});
  return out;
}

std::shared_ptr<const CLIPTextWeights> CLIPTextWeights::from_state_dict(brick::ValueRef state_dict,
                                                                        const CLIPTextConfig& config,
                                                                        bool with_projection,
                                                                        const std::string& model) {
  if (state_dict.kind() != BRICK_VALUE_DICT) {
    throw invalid(concat(model, ".load_state_dict needs a dict of tensors, got ", state_dict.kind_name()));
  }
  std::map<std::string, brick::ValueRef> given;
  for (size_t i = 0; i < state_dict.size(); ++i) given.emplace(state_dict.key_at(i), state_dict.value_at(i));

  auto weights = std::make_shared<CLIPTextWeights>();
  std::vector<Slot> slots = weights->slots(config, with_projection);
  std::vector<std::string> missing, unexpected, wrong;
  for (Slot& slot : slots) {
    auto it = given.find(slot.name);
    if (it == given.end()) {
      missing.push_back(slot.name);
      continue;
    }
    if (!it->second.is_tensor()) {
      wrong.push_back(concat(slot.name, " is a ", it->second.kind_name(), ", not a tensor"));
    } else {
      at::Tensor t = it->second.as<at::Tensor>();
      if (t.sizes() != at::IntArrayRef(slot.shape)) {
        wrong.push_back(
            concat(slot.name, " has shape ", shape_text(t.sizes()), ", the config wants ", shape_text(slot.shape)));
      } else if (!at::isFloatingType(t.scalar_type())) {
        wrong.push_back(concat(slot.name, " is ", c10::toString(t.scalar_type()), ", not floating point"));
      } else {
        *slot.tensor = t;
      }
    }
    given.erase(it);
  }
  for (const auto& [name, value] : given) {
    if (name != kPositionIds) unexpected.push_back(name);
  }
  if (!missing.empty() || !unexpected.empty() || !wrong.empty()) {
    std::string message = concat("Error(s) in loading state_dict for ", model, ":");
    if (!missing.empty())
      message += concat(" missing keys (", std::to_string(missing.size()), "): ", name_list(missing), ";");
    if (!unexpected.empty()) {
      message += concat(" unexpected keys (", std::to_string(unexpected.size()), "): ", name_list(unexpected), ";");
    }
    if (!wrong.empty()) message += concat(" ", name_list(wrong), ";");
    message.pop_back();
    throw invalid(message);
  }
  // One dtype and one device for all parameters: those of the token embedding.
  const at::ScalarType dtype = weights->token_embedding.scalar_type();
  const at::Device device = weights->token_embedding.device();
  for (Slot& slot : slots) {
    if (slot.tensor->scalar_type() != dtype || slot.tensor->device() != device)
      *slot.tensor = slot.tensor->to(device, dtype);
  }
  return weights;
}

std::shared_ptr<const CLIPTextWeights> CLIPTextWeights::random(const CLIPTextConfig& c, bool with_projection) {
  auto weights = std::make_shared<CLIPTextWeights>();
  const double factor = c.initializer_factor;
  const double h = static_cast<double>(c.hidden_size);
  const double in_proj_std =
      std::pow(h, -0.5) * std::pow(2.0 * static_cast<double>(c.num_hidden_layers), -0.5) * factor;
  const double out_proj_std = std::pow(h, -0.5) * factor;
  const double fc_std = std::pow(2.0 * h, -0.5) * factor;
  auto normal = [](at::IntArrayRef shape, double std) { return at::randn(shape) * std; };
  for (Slot& slot : weights->slots(c, with_projection)) {
    const std::string& n = slot.name;
    auto ends_with = [&](const char* suffix) {
      std::string s = suffix;
      return n.size() >= s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0;
    };
    if (ends_with("embedding.weight")) {
      *slot.tensor = normal(slot.shape, 0.02 * factor);
    } else if (ends_with("q_proj.weight") || ends_with("k_proj.weight") || ends_with("v_proj.weight") ||
               ends_with("fc2.weight")) {
      *slot.tensor = normal(slot.shape, in_proj_std);
    } else if (ends_with("out_proj.weight")) {
      *slot.tensor = normal(slot.shape, out_proj_std);
    } else if (ends_with("fc1.weight")) {
      *slot.tensor = normal(slot.shape, fc_std);
    } else if (n == "text_projection.weight") {
      *slot.tensor = normal(slot.shape, out_proj_std);
    } else if (ends_with("norm1.weight") || ends_with("norm2.weight") || ends_with("final_layer_norm.weight")) {
      *slot.tensor = at::ones(slot.shape);
    } else {
      *slot.tensor = at::zeros(slot.shape);  // biases
    }
  }
  return weights;
}

std::shared_ptr<const CLIPTextWeights> CLIPTextWeights::to(const CLIPTextConfig& config, bool with_projection,
                                                           const at::Device& device, at::ScalarType dtype) const {
  auto moved = std::make_shared<CLIPTextWeights>(*this);
  for (Slot& slot : moved->slots(config, with_projection)) *slot.tensor = slot.tensor->to(device, dtype);
  return moved;
}

}  // namespace transformers
