// diffusers' modular SDXL steps before the denoising loop (before_denoise.py):
// the input step, set timesteps (text to image and image to image, with
// strength, denoising_start and denoising_end), the initial latents (drawn,
// or the image latents noised) and the added conditioning (add_time_ids,
// and timestep_cond for UNets with time_cond_proj_dim).
#pragma once

#include <brick/sdk.h>

namespace stable_diffusion_xl {

#define BRICK_SDXL_LEAF(NAME)                                                             \
  class NAME : public brick::ModularPipelineBlocks {                                      \
   public:                                                                                \
    std::string description() const override;                                             \
    std::string model_name() const override { return "stable-diffusion-xl"; }             \
    std::vector<brick::ComponentSpec> expected_components() const override;               \
    std::vector<brick::ConfigSpec> expected_configs() const override;                     \
    std::vector<brick::InputParam> inputs() const override;                               \
    std::vector<brick::OutputParam> intermediate_outputs() const override;                \
    void operator()(brick::Components& components, brick::PipelineState& state) override; \
  }

BRICK_SDXL_LEAF(StableDiffusionXLInputStep);
BRICK_SDXL_LEAF(StableDiffusionXLSetTimestepsStep);
BRICK_SDXL_LEAF(StableDiffusionXLImg2ImgSetTimestepsStep);
BRICK_SDXL_LEAF(StableDiffusionXLPrepareLatentsStep);
BRICK_SDXL_LEAF(StableDiffusionXLImg2ImgPrepareLatentsStep);
BRICK_SDXL_LEAF(StableDiffusionXLPrepareAdditionalConditioningStep);
BRICK_SDXL_LEAF(StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep);

#undef BRICK_SDXL_LEAF

}  // namespace stable_diffusion_xl
