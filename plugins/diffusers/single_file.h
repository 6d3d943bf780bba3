// Original single-file checkpoints (the LDM layout of the CompVis and
// Stability repositories that AUTOMATIC1111 and ComfyUI users have: UNet
// under "model.diffusion_model.", vae under "first_stage_model.", text
// encoders under "cond_stage_model." or "conditioner.embedders."), read by
// converting their keys in memory to diffusers' names, as diffusers'
// from_single_file does (single_file_utils.py: infer_diffusers_model_type,
// convert_ldm_unet_checkpoint, convert_ldm_vae_checkpoint). The host hands a
// component the whole file through load_state_dict (docs/models.md,
// "Single-file checkpoints"); each model type takes its own keys.
#pragma once

#include <brick/sdk.h>

#include <string>

namespace diffusers {

enum class CheckpointType { StableDiffusion1, StableDiffusion2, StableDiffusionXL };

// Whether a state dict is an original checkpoint (any key of the layout).
bool is_ldm_checkpoint(brick::ValueRef state_dict);
// Which model the file holds, from the keys present, as diffusers'
// infer_diffusers_model_type decides it: SDXL's second text encoder or its
// added embedding (label_emb) mean SDXL; SD 2.x's OpenCLIP text encoder
// (cond_stage_model.model) or 1024-wide cross attention mean SD 2.x;
// otherwise SD 1.x.
CheckpointType infer_checkpoint_type(brick::ValueRef state_dict);
const char* checkpoint_type_name(CheckpointType type);

// Whether a component's config came from a user (diffusers' `config=`) or is
// to be chosen from the checkpoint: only bookkeeping keys given.
bool config_is_given(brick::ValueRef config);

// The config of the model type (diffusers' default configs for the
// checkpoints: stable-diffusion-v1-5, stable-diffusion-2-1,
// stable-diffusion-xl-base-1.0), keeping
// the bookkeeping keys of `given`; in_channels read from the UNet's first
// convolution (9 for inpainting checkpoints).
brick::Value default_unet_config(CheckpointType type, brick::ValueRef state_dict, brick::ValueRef given);
brick::Value default_vae_config(CheckpointType type, brick::ValueRef given);

// The UNet's / vae's tensors under diffusers' names (the same tensors, no
// copy; the vae's 1x1 attention convolutions viewed as linear weights).
// layers_per_block and the number of levels come from the model's config.
brick::Value convert_ldm_unet_checkpoint(brick::ValueRef state_dict, int64_t layers_per_block);
brick::Value convert_ldm_vae_checkpoint(brick::ValueRef state_dict, int64_t num_levels);

}  // namespace diffusers
