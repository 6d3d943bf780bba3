// transformers' CLIPTextConfig: the keys a CLIP text encoder's config.json
// holds, with configuration_clip.py's defaults for the ones it leaves out.
#pragma once

#include <brick/sdk.h>

#include <cstdint>
#include <string>

namespace transformers {

struct CLIPTextConfig {
  int64_t vocab_size = 49408;
  int64_t hidden_size = 512;
  int64_t intermediate_size = 2048;
  int64_t projection_dim = 512;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 8;
  int64_t max_position_embeddings = 77;
  std::string hidden_act = "quick_gelu";
  double layer_norm_eps = 1e-5;
  double initializer_range = 0.02;
  double initializer_factor = 1.0;
  int64_t pad_token_id = 1;
  int64_t bos_token_id = 49406;
  int64_t eos_token_id = 49407;
  // transformers' attn_implementation: "sdpa" (at::scaled_dot_product_attention,
  // LibTorch 2.x) or "eager" (matmul, softmax, matmul). The default is sdpa
  // where this build has it, else eager.
  std::string attn_implementation;

  int64_t head_dim() const { return hidden_size / num_attention_heads; }

  // Reads config.json's keys; checks sizes and the activation. A CLIPConfig
  // (model_type "clip") gives its text_config, as CLIPTextConfig.from_pretrained does.
  static CLIPTextConfig from(brick::ValueRef config);
  // The keys back, for config.json.
  brick::Value to_value(const char* architecture) const;
};

// Whether this build has at::scaled_dot_product_attention (LibTorch >= 2.0).
bool have_sdpa();

}  // namespace transformers
