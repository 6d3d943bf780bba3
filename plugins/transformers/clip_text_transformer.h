// transformers' CLIPTextTransformer forward: token and position embeddings,
// pre-LN encoder layers under the causal mask, the final layer norm, and the
// pooled output at each row's end-of-text token.
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

#include "clip_text_config.h"
#include "clip_text_weights.h"

namespace transformers {

struct CLIPTextTransformerOutput {
  at::Tensor last_hidden_state;           // [B, L, D]
  at::Tensor pooler_output;               // [B, D]
  std::vector<at::Tensor> hidden_states;  // embeddings, then each layer's output (when asked)
};

// input_ids: integer [B, L] (or [L]); attention_mask: [B, L] of 1 and 0, or
// undefined; position_ids: [B|1, L], or undefined for 0..L-1. The pooled row
// follows transformers' rule: with eos_token_id == 2 (configs written before
// transformers PR #24773) the position of each row's largest id, else the
// first position holding eos_token_id.
CLIPTextTransformerOutput clip_text_transformer(const CLIPTextWeights& weights, const CLIPTextConfig& config,
                                                at::Tensor input_ids, at::Tensor attention_mask,
                                                at::Tensor position_ids, bool output_hidden_states);

}  // namespace transformers
