#include "clip_text_transformer.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/argmax.h>
#include <ATen/ops/embedding.h>
#include <ATen/ops/gelu.h>
#include <ATen/ops/index_select.h>
#include <ATen/ops/layer_norm.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/relu.h>
#include <ATen/ops/sigmoid.h>
#include <ATen/ops/silu.h>
#include <ATen/ops/zeros.h>

#include "clip_attention.h"
#include "kwargs.h"

namespace transformers {

namespace {

at::Tensor activation(const at::Tensor& x, const std::string& name) {
  if (name == "quick_gelu") return x * at::sigmoid(x * 1.702);
  if (name == "gelu") return at::gelu(x);
  // gelu_new, gelu_pytorch_tanh and gelu_fast are the tanh approximation.
  if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast") return at::gelu(x, "tanh");
  if (name == "relu") return at::relu(x);
  return at::silu(x);  // silu, swish (CLIPTextConfig::from refused anything else)
}

std::string shape_text(at::IntArrayRef shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

}  // namespace

CLIPTextTransformerOutput clip_text_transformer(const CLIPTextWeights& w, const CLIPTextConfig& c, at::Tensor input_ids,
                                                at::Tensor attention_mask, at::Tensor position_ids,
                                                bool output_hidden_states) {
  if (!input_ids.defined()) throw invalid("You have to specify input_ids");
  if (at::isFloatingType(input_ids.scalar_type()) || input_ids.scalar_type() == at::kBool || input_ids.dim() < 1) {
    throw invalid(concat("input_ids must be an integer tensor [batch, length], got ",
                         c10::toString(input_ids.scalar_type()), " ", shape_text(input_ids.sizes())));
  }
  input_ids = input_ids.reshape({-1, input_ids.size(-1)});
  const int64_t b = input_ids.size(0), l = input_ids.size(1);
  if (l > c.max_position_embeddings) {
    throw invalid(
        concat("Sequence length must be less than max_position_embeddings (got `sequence length`: ", std::to_string(l),
               " and max_position_embeddings: ", std::to_string(c.max_position_embeddings), ")"));
  }
  if (input_ids.device().is_cpu() && input_ids.numel() > 0) {
    // Checked where it costs no device round trip; an id out of range on the
    // GPU would be a device-side assert, not an error message.
    int64_t low = input_ids.min().item<int64_t>(), high = input_ids.max().item<int64_t>();
    if (low < 0 || high >= c.vocab_size) {
      throw invalid(concat("input_ids hold ", std::to_string(low < 0 ? low : high), ", outside the vocabulary [0, ",
                           std::to_string(c.vocab_size), ")"));
    }
  }
  const at::Device device = w.token_embedding.device();
  input_ids = input_ids.to(device, at::kLong);

  // Embeddings.
  at::Tensor positions = position_ids.defined()
                             ? position_ids.to(device, at::kLong).reshape({-1, l})
                             : at::arange(l, at::TensorOptions().dtype(at::kLong).device(device)).unsqueeze(0);
  at::Tensor hidden = at::embedding(w.token_embedding, input_ids) + at::embedding(w.position_embedding, positions);

  // The additive mask: causal, plus the padding mask when one is given.
  const at::ScalarType dtype = hidden.scalar_type();
  at::Tensor mask;
  if (attention_mask.defined()) {
    if (attention_mask.numel() != b * l) {
      throw invalid(concat("attention_mask must be [", std::to_string(b), ", ", std::to_string(l), "], got ",
                           shape_text(attention_mask.sizes())));
    }
    at::Tensor keep = attention_mask.to(device).reshape({b, 1, 1, l}) != 0;
    at::Tensor padding = at::zeros({b, 1, 1, l}, at::TensorOptions().dtype(dtype).device(device))
                             .masked_fill(keep.logical_not(), lowest_value(dtype));
    mask = causal_mask(l, dtype, device) + padding;
  }
  const bool sdpa = c.attn_implementation == "sdpa";

  CLIPTextTransformerOutput out;
  for (const CLIPEncoderLayerWeights& layer : w.layers) {
    if (output_hidden_states) out.hidden_states.push_back(hidden);
    at::Tensor residual = hidden;
    hidden =
        at::layer_norm(hidden, {c.hidden_size}, layer.layer_norm1_weight, layer.layer_norm1_bias, c.layer_norm_eps);
    hidden = residual + clip_attention(hidden, layer, c.num_attention_heads, mask, sdpa);
    residual = hidden;
    hidden =
        at::layer_norm(hidden, {c.hidden_size}, layer.layer_norm2_weight, layer.layer_norm2_bias, c.layer_norm_eps);
    hidden = at::linear(activation(at::linear(hidden, layer.fc1_weight, layer.fc1_bias), c.hidden_act),
                        layer.fc2_weight, layer.fc2_bias);
    hidden = residual + hidden;
  }
  if (output_hidden_states) out.hidden_states.push_back(hidden);
  out.last_hidden_state =
      at::layer_norm(hidden, {c.hidden_size}, w.final_layer_norm_weight, w.final_layer_norm_bias, c.layer_norm_eps);

  // Pooling at the end-of-text token (argmax takes the first of equal values).
  at::Tensor eos_position =
      c.eos_token_id == 2 ? input_ids.to(at::kInt).argmax(-1) : (input_ids == c.eos_token_id).to(at::kInt).argmax(-1);
  at::Tensor rows = at::arange(b, at::TensorOptions().dtype(at::kLong).device(device)) * l + eos_position;
  out.pooler_output = at::index_select(out.last_hidden_state.reshape({b * l, c.hidden_size}), 0, rows);
  return out;
}

}  // namespace transformers
