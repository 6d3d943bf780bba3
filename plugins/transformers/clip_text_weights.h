// The parameters of transformers' CLIPTextModel / CLIPTextModelWithProjection
// under their state-dict names (text_model.embeddings.token_embedding.weight,
// text_model.encoder.layers.N.self_attn.q_proj.weight, ..., text_projection.weight),
// checked against the config's shapes when loaded.
#pragma once

#include <ATen/core/Tensor.h>
#include <brick/sdk.h>

#include <memory>
#include <string>
#include <vector>

#include "clip_text_config.h"

namespace transformers {

struct CLIPEncoderLayerWeights {
  at::Tensor k_proj_weight, k_proj_bias, v_proj_weight, v_proj_bias, q_proj_weight, q_proj_bias;
  at::Tensor out_proj_weight, out_proj_bias;
  at::Tensor layer_norm1_weight, layer_norm1_bias;
  at::Tensor fc1_weight, fc1_bias, fc2_weight, fc2_bias;
  at::Tensor layer_norm2_weight, layer_norm2_bias;
};

struct CLIPTextWeights {
  at::Tensor token_embedding, position_embedding;
  std::vector<CLIPEncoderLayerWeights> layers;
  at::Tensor final_layer_norm_weight, final_layer_norm_bias;
  at::Tensor text_projection;  // CLIPTextModelWithProjection only

  // Each parameter with its name and expected shape, in transformers' order.
  struct Slot {
    std::string name;
    std::vector<int64_t> shape;
    at::Tensor* tensor;
  };
  std::vector<Slot> slots(const CLIPTextConfig& config, bool with_projection);

  // From a state dict {name: tensor}: every parameter present with its
  // shape, nothing else (text_model.embeddings.position_ids, a buffer older
  // checkpoints carry, is accepted and ignored, as transformers does). The
  // tensors are kept as given, not copied; floating tensors of another dtype
  // than the token embedding's are converted to it. An error names every
  // missing, unexpected and wrongly shaped key.
  static std::shared_ptr<const CLIPTextWeights> from_state_dict(brick::ValueRef state_dict,
                                                                const CLIPTextConfig& config, bool with_projection,
                                                                const std::string& model);
  // transformers' _init_weights for a model made from a config: normal
  // embeddings and projections with CLIP's scales, layer norms 1 and 0,
  // biases 0; float32 on the CPU.
  static std::shared_ptr<const CLIPTextWeights> random(const CLIPTextConfig& config, bool with_projection);
  // Every tensor moved (a copy only where device or dtype change).
  std::shared_ptr<const CLIPTextWeights> to(const CLIPTextConfig& config, bool with_projection,
                                            const at::Device& device, at::ScalarType dtype) const;
};

}  // namespace transformers
