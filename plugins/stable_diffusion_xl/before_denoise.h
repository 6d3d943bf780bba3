// diffusers' modular SDXL steps before the denoising loop (before_denoise.py):
// the input step, set timesteps (text to image and image to image, with
// strength, denoising_start and denoising_end), the initial latents (drawn,
// or the image latents noised; for inpainting also the noise and the mask) and the added conditioning (add_time_ids,
// and timestep_cond for UNets with time_cond_proj_dim).
#pragma once

#include <brick/sdk.h>

namespace stable_diffusion_xl {

class StableDiffusionXLInputStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::ConfigSpec> expected_configs() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

class StableDiffusionXLSetTimestepsStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::ConfigSpec> expected_configs() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

class StableDiffusionXLImg2ImgSetTimestepsStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::ConfigSpec> expected_configs() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

class StableDiffusionXLPrepareLatentsStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::ConfigSpec> expected_configs() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

class StableDiffusionXLImg2ImgPrepareLatentsStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::ConfigSpec> expected_configs() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

class StableDiffusionXLInpaintPrepareLatentsStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::ConfigSpec> expected_configs() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

class StableDiffusionXLPrepareAdditionalConditioningStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::ConfigSpec> expected_configs() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

class StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::ConfigSpec> expected_configs() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace stable_diffusion_xl
