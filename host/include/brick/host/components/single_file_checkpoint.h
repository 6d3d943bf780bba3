// An original single-file checkpoint as a whole model (brick run --model
// FILE.safetensors, ModularPipeline::from_single_file; docs/models.md,
// "Single-file checkpoints"): which model the file holds, told from its keys
// as diffusers' infer_diffusers_model_type tells it, and where the parts a
// file does not hold (configs, tokenizers, the scheduler) come from: the
// model type's default repository (diffusers' DIFFUSERS_DEFAULT_PIPELINE_PATHS)
// when it is in the local Hugging Face cache, else the installation's built-in
// configs (share/brick/single_file/<builtin>). The models themselves (UNet,
// vae, text encoders) are converted from the file by their component types.
#pragma once

#include <filesystem>
#include <string>

namespace brick::host {

struct SingleFileCheckpoint {
  std::filesystem::path file;  // absolute
  // diffusers' model type: "v1", "inpainting", "v2", "inpainting_v2",
  // "xl_base", "xl_inpaint".
  std::string model_type;
  // "Stable Diffusion 2.x inpainting", for messages.
  std::string description;
  // Its DIFFUSERS_DEFAULT_PIPELINE_PATHS entry, e.g. "stabilityai/stable-diffusion-2-1".
  std::string default_repository;
  // The built-in configs' folder under share/brick/single_file, named after
  // the repository whose tokenizer and scheduler configs it holds:
  // "stable-diffusion-v1-5", "stable-diffusion-2-1" (v-prediction),
  // "stable-diffusion-2-base" (epsilon), "stable-diffusion-xl-base-1.0".
  std::string builtin;
  // That scheduler's prediction_type, as diffusers' legacy loader decides it
  // when it has no repository: SD 2.x (not inpainting) "v_prediction" unless
  // the file's global_step is 875000 (the 512-base model's last step);
  // "epsilon" for every other type.
  std::string prediction_type;
};

// Whether `path` names a single-file checkpoint: an existing regular file
// ending in ".safetensors".
bool is_single_file_checkpoint(const std::filesystem::path& path);

// Reads the file's header (the tensors are mapped, not read) and tells the
// model. Throws Error naming the file and what is missing when it is no
// Stable Diffusion 1.x, 2.x or XL base checkpoint in the LDM layout (an SDXL
// refiner, which no brick pipeline runs, is refused by name).
SingleFileCheckpoint inspect_single_file(const std::filesystem::path& file);

// share/brick/single_file/<builtin> of the installation in use; throws
// Error naming the folder when it is absent.
std::filesystem::path builtin_single_file_configs(const SingleFileCheckpoint& checkpoint);

}  // namespace brick::host
