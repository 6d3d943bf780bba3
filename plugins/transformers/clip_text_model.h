// transformers.CLIPTextModel and transformers.CLIPTextModelWithProjection:
// Stable Diffusion's and SDXL's text encoders, made from a config.json with
// CLIPTextConfig's keys and given their weights by transformers' names
// through load_state_dict (the host reads the folder's safetensors).
//
// Methods (keyword arguments, transformers' names):
//   forward({input_ids, attention_mask?, position_ids?, output_hidden_states?})
//       CLIPTextModel:               -> {last_hidden_state, pooler_output[, hidden_states]}
//       CLIPTextModelWithProjection: -> {text_embeds, last_hidden_state[, hidden_states]}
//     (also as __call__); hidden_states is a list: the embeddings, then each layer's output.
//   load_state_dict({state_dict: {name: tensor}}), state_dict() -> {name: tensor}
//   to({device?, dtype?}), config()
#pragma once

#include <brick/sdk.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "clip_text_config.h"
#include "clip_text_transformer.h"
#include "clip_text_weights.h"

namespace transformers {

class CLIPTextModelBase : public brick::ComponentType {
 public:
  brick::Value call(const std::string& method, brick::ValueRef args) override;
  brick::Value config() const override;

  CLIPTextTransformerOutput forward(const at::Tensor& input_ids, const at::Tensor& attention_mask,
                                    const at::Tensor& position_ids, bool output_hidden_states);
  // text_projection applied to the pooled output (WithProjection only).
  at::Tensor project(const at::Tensor& pooled);
  void load_state_dict(brick::ValueRef state_dict);
  void to(const std::optional<at::Device>& device, const std::optional<at::ScalarType>& dtype);
  const CLIPTextConfig& text_config() const { return config_; }

 protected:
  CLIPTextModelBase(brick::ValueRef config, bool with_projection, std::string name);

 private:
  // The current weights; made at random (transformers' init) on first use by
  // a model created from a config alone.
  std::shared_ptr<const CLIPTextWeights> weights();

  CLIPTextConfig config_;
  bool with_projection_;
  std::string name_;
  std::string folder_;  // where it was loaded from, if it was
  bool config_given_;   // false: a single-file checkpoint's shapes decide
  std::mutex mutex_;    // guards weights_ (components may be called from several threads)
  std::shared_ptr<const CLIPTextWeights> weights_;
};

class CLIPTextModel : public CLIPTextModelBase {
 public:
  explicit CLIPTextModel(brick::ValueRef config) : CLIPTextModelBase(config, false, "CLIPTextModel") {}
};

class CLIPTextModelWithProjection : public CLIPTextModelBase {
 public:
  explicit CLIPTextModelWithProjection(brick::ValueRef config)
      : CLIPTextModelBase(config, true, "CLIPTextModelWithProjection") {}
};

}  // namespace transformers
