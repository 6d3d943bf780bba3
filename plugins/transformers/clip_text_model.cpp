#include "clip_text_model.h"

#include <ATen/ops/linear.h>

#include "clip_single_file.h"
#include "kwargs.h"

namespace transformers {

namespace {

at::ScalarType dtype_of(std::string name) {
  if (name.rfind("torch.", 0) == 0) name = name.substr(6);
  if (name == "float32" || name == "float") return at::kFloat;
  if (name == "float16" || name == "half") return at::kHalf;
  if (name == "bfloat16") return at::kBFloat16;
  if (name == "float64" || name == "double") return at::kDouble;
  throw invalid(concat("dtype '", name, "' is not one of float32, float16, bfloat16, float64"));
}

at::Tensor optional_tensor(brick::ValueRef args, const char* key) {
  brick::ValueRef v = args.kind() == BRICK_VALUE_DICT ? args[key] : brick::ValueRef();
  if (v.is_none()) return at::Tensor();
  if (!v.is_tensor()) throw invalid(concat("'", key, "' must be a tensor, got ", v.kind_name()));
  return v.as<at::Tensor>();
}

brick::ValueRef state_dict_of(brick::ValueRef args) {
  brick::ValueRef nested = args.kind() == BRICK_VALUE_DICT ? args["state_dict"] : brick::ValueRef();
  return nested.kind() == BRICK_VALUE_DICT ? nested : args;
}

}  // namespace

CLIPTextModelBase::CLIPTextModelBase(brick::ValueRef config, bool with_projection, std::string name)
    : config_(CLIPTextConfig::from(config)),
      with_projection_(with_projection),
      name_(std::move(name)),
      folder_(value_or<std::string>(config, "_name_or_path", "")),
      config_given_(clip_config_is_given(config)) {}

std::shared_ptr<const CLIPTextWeights> CLIPTextModelBase::weights() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!weights_) {
    if (!folder_.empty()) {
      // Loaded from a folder that had no weights: random ones would be a
      // silent failure.
      throw brick::Error(BRICK_ERR_NOT_FOUND, concat(name_, " loaded from '", folder_,
                                                     "' has no weights: the folder has no *.safetensors file"));
    }
    weights_ = CLIPTextWeights::random(config_, with_projection_);
  }
  return weights_;
}

CLIPTextTransformerOutput CLIPTextModelBase::forward(const at::Tensor& input_ids, const at::Tensor& attention_mask,
                                                     const at::Tensor& position_ids, bool output_hidden_states) {
  std::shared_ptr<const CLIPTextWeights> w = weights();
  return clip_text_transformer(*w, config_, input_ids, attention_mask, position_ids, output_hidden_states);
}

at::Tensor CLIPTextModelBase::project(const at::Tensor& pooled) {
  std::shared_ptr<const CLIPTextWeights> w = weights();
  if (!w->text_projection.defined()) throw invalid(concat(name_, " has no text_projection"));
  return at::linear(pooled, w->text_projection);
}

void CLIPTextModelBase::load_state_dict(brick::ValueRef state_dict) {
  if (is_original_checkpoint(state_dict)) {
    // A single-file checkpoint: this encoder's keys, converted; the config
    // from their shapes unless one was given (diffusers' `config=`).
    ConvertedClip converted =
        convert_original_clip(state_dict, with_projection_, config_given_ ? config_.num_hidden_layers : 0);
    if (!config_given_) config_ = CLIPTextConfig::from(converted.config.ref());
    std::shared_ptr<const CLIPTextWeights> loaded = CLIPTextWeights::from_state_dict(
        converted.state_dict.ref(), config_, with_projection_, name_ + " (original checkpoint)");
    std::lock_guard<std::mutex> lock(mutex_);
    weights_ = std::move(loaded);
    return;
  }
  std::shared_ptr<const CLIPTextWeights> loaded =
      CLIPTextWeights::from_state_dict(state_dict, config_, with_projection_, name_);
  std::lock_guard<std::mutex> lock(mutex_);
  weights_ = std::move(loaded);
}

void CLIPTextModelBase::to(const std::optional<at::Device>& device, const std::optional<at::ScalarType>& dtype) {
  std::shared_ptr<const CLIPTextWeights> w = weights();
  std::shared_ptr<const CLIPTextWeights> moved =
      w->to(config_, with_projection_, device.value_or(w->token_embedding.device()),
            dtype.value_or(w->token_embedding.scalar_type()));
  std::lock_guard<std::mutex> lock(mutex_);
  weights_ = std::move(moved);
}

brick::Value CLIPTextModelBase::config() const { return config_.to_value(name_.c_str()); }

brick::Value CLIPTextModelBase::call(const std::string& method, brick::ValueRef args) {
  if (method == "forward" || method == "__call__") {
    if (args.kind() != BRICK_VALUE_DICT || args["input_ids"].is_none()) {
      throw invalid(concat(name_, ".forward needs the keyword argument 'input_ids'"));
    }
    CLIPTextTransformerOutput out =
        forward(optional_tensor(args, "input_ids"), optional_tensor(args, "attention_mask"),
                optional_tensor(args, "position_ids"), value_or<bool>(args, "output_hidden_states", false));
    brick::Value result = brick::Value::dict();
    if (with_projection_) result.set("text_embeds", project(out.pooler_output));
    result.set("last_hidden_state", out.last_hidden_state);
    if (!with_projection_) result.set("pooler_output", out.pooler_output);
    if (!out.hidden_states.empty()) result.set("hidden_states", brick::Value(out.hidden_states));
    return result;
  }
  if (method == "load_state_dict") {
    load_state_dict(state_dict_of(args));
    return brick::Value();
  }
  if (method == "state_dict") {
    std::shared_ptr<const CLIPTextWeights> w = weights();
    CLIPTextWeights view = *w;  // the same tensors, reached through slots()
    brick::Value out = brick::Value::dict();
    for (const CLIPTextWeights::Slot& slot : view.slots(config_, with_projection_))
      out.set(slot.name.c_str(), *slot.tensor);
    return out;
  }
  if (method == "to") {
    std::optional<std::string> device = value_or<std::optional<std::string>>(args, "device", std::nullopt);
    std::optional<std::string> dtype = value_or<std::optional<std::string>>(args, "dtype", std::nullopt);
    to(device ? std::optional<at::Device>(at::Device(*device)) : std::nullopt,
       dtype ? std::optional<at::ScalarType>(dtype_of(*dtype)) : std::nullopt);
    return brick::Value();
  }
  if (method == "config") return config();
  return brick::ComponentType::call(method, args);
}

}  // namespace transformers
