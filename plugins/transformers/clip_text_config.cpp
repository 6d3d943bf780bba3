#include "clip_text_config.h"

#include <torch/version.h>

#include "kwargs.h"

namespace transformers {

bool have_sdpa() {
#if TORCH_VERSION_MAJOR >= 2
  return true;
#else
  return false;
#endif
}

CLIPTextConfig CLIPTextConfig::from(brick::ValueRef config) {
  if (!config.is_none() && config.kind() != BRICK_VALUE_DICT) throw invalid("a CLIP text model takes a dict config");
  if (value_or<std::string>(config, "model_type", "") == "clip" && config["text_config"].kind() == BRICK_VALUE_DICT) {
    return from(config["text_config"]);
  }
  CLIPTextConfig c;
  c.vocab_size = value_or(config, "vocab_size", c.vocab_size);
  c.hidden_size = value_or(config, "hidden_size", c.hidden_size);
  c.intermediate_size = value_or(config, "intermediate_size", c.intermediate_size);
  c.projection_dim = value_or(config, "projection_dim", c.projection_dim);
  c.num_hidden_layers = value_or(config, "num_hidden_layers", c.num_hidden_layers);
  c.num_attention_heads = value_or(config, "num_attention_heads", c.num_attention_heads);
  c.max_position_embeddings = value_or(config, "max_position_embeddings", c.max_position_embeddings);
  c.hidden_act = value_or(config, "hidden_act", c.hidden_act);
  c.layer_norm_eps = value_or(config, "layer_norm_eps", c.layer_norm_eps);
  c.initializer_range = value_or(config, "initializer_range", c.initializer_range);
  c.initializer_factor = value_or(config, "initializer_factor", c.initializer_factor);
  c.pad_token_id = value_or(config, "pad_token_id", c.pad_token_id);
  c.bos_token_id = value_or(config, "bos_token_id", c.bos_token_id);
  c.eos_token_id = value_or(config, "eos_token_id", c.eos_token_id);
  c.attn_implementation = value_or<std::string>(config, "_attn_implementation", have_sdpa() ? "sdpa" : "eager");

  for (auto [name, value] : {std::pair{"vocab_size", c.vocab_size},
                             {"hidden_size", c.hidden_size},
                             {"intermediate_size", c.intermediate_size},
                             {"projection_dim", c.projection_dim},
                             {"num_attention_heads", c.num_attention_heads},
                             {"max_position_embeddings", c.max_position_embeddings}}) {
    if (value < 1) throw invalid(concat("'", name, "' must be at least 1, got ", std::to_string(value)));
  }
  if (c.num_hidden_layers < 0) throw invalid(concat("'num_hidden_layers' must not be negative"));
  if (c.hidden_size % c.num_attention_heads != 0) {
    throw invalid(concat("embed_dim must be divisible by num_heads (got `embed_dim`: ", std::to_string(c.hidden_size),
                         " and `num_heads`: ", std::to_string(c.num_attention_heads), ")."));
  }
  static const char* kActivations[] = {"quick_gelu", "gelu", "gelu_new", "gelu_pytorch_tanh",
                                       "gelu_fast",  "relu", "silu",     "swish"};
  bool known = false;
  for (const char* name : kActivations) known = known || c.hidden_act == name;
  if (!known) {
    throw invalid(
        concat("hidden_act '", c.hidden_act,
               "' is not one of quick_gelu, gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu, swish"));
  }
  if (c.attn_implementation != "eager" && c.attn_implementation != "sdpa") {
    throw invalid(concat("_attn_implementation '", c.attn_implementation, "' is not \"eager\" or \"sdpa\""));
  }
  if (c.attn_implementation == "sdpa" && !have_sdpa()) {
    throw invalid(
        concat("_attn_implementation \"sdpa\" needs at::scaled_dot_product_attention (LibTorch 2.0 or later); "
               "this build has LibTorch ",
               TORCH_VERSION, ": use \"eager\""));
  }
  return c;
}

brick::Value CLIPTextConfig::to_value(const char* architecture) const {
  brick::Value out = brick::Value::dict();
  out.set("architectures", brick::Value(std::vector<std::string>{architecture}));
  out.set("model_type", "clip_text_model");
  out.set("vocab_size", vocab_size);
  out.set("hidden_size", hidden_size);
  out.set("intermediate_size", intermediate_size);
  out.set("projection_dim", projection_dim);
  out.set("num_hidden_layers", num_hidden_layers);
  out.set("num_attention_heads", num_attention_heads);
  out.set("max_position_embeddings", max_position_embeddings);
  out.set("hidden_act", hidden_act);
  out.set("layer_norm_eps", layer_norm_eps);
  out.set("initializer_range", initializer_range);
  out.set("initializer_factor", initializer_factor);
  out.set("pad_token_id", pad_token_id);
  out.set("bos_token_id", bos_token_id);
  out.set("eos_token_id", eos_token_id);
  return out;
}

}  // namespace transformers
