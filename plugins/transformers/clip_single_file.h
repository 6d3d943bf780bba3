// CLIP text encoders inside original single-file Stable Diffusion
// checkpoints (docs/models.md, "Single-file checkpoints"), converted to
// transformers' names in memory as diffusers' from_single_file does
// (single_file_utils.py: convert_ldm_clip_checkpoint,
// convert_open_clip_checkpoint):
//   CLIPTextModel               SD 1.x "cond_stage_model.transformer.", SDXL
//                               "conditioner.embedders.0.transformer." (the
//                               transformers layout under a prefix); SD 2.x
//                               "cond_stage_model.model." (OpenCLIP ViT-H, as
//                               below, its projection dropped: SD 2.x
//                               conditions on the unprojected states)
//   CLIPTextModelWithProjection SDXL "conditioner.embedders.1.model." (the
//                               OpenCLIP layout: fused in_proj split into
//                               q/k/v, text_projection transposed)
// A config not given is read from the tensors' shapes (64-wide heads, as
// every CLIP and OpenCLIP text tower has; quick_gelu for OpenAI's, gelu for
// OpenCLIP's). SD 2.x conditions on the penultimate layer of its OpenCLIP
// tower, so the config diffusers gives its text encoder
// (stabilityai/stable-diffusion-2-1's, 23 layers) keeps all but the file's
// last layer; a config given keeps its num_hidden_layers first layers.
#pragma once

#include <brick/sdk.h>

namespace transformers {

// Whether a state dict is an original checkpoint.
bool is_original_checkpoint(brick::ValueRef state_dict);

struct ConvertedClip {
  brick::Value state_dict;  // transformers' names
  brick::Value config;      // inferred from the shapes (config.json's keys)
};

// The text encoder of the class (with_projection: SDXL's second). Throws,
// naming the prefixes looked for, when the file has none.
// `num_hidden_layers`, when positive, is the config's: the SD 2.x encoder's
// layers from there on are left out (diffusers ignores them likewise).
ConvertedClip convert_original_clip(brick::ValueRef state_dict, bool with_projection, int64_t num_hidden_layers = 0);

// Whether a config came from a user, not only bookkeeping keys (_name_or_path).
bool clip_config_is_given(brick::ValueRef config);

}  // namespace transformers
