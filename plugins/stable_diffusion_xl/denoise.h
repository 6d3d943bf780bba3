// diffusers' modular SDXL denoising loop (denoise.py): the loop wrapper over
// the timesteps and its three sub-blocks, the scaled model input, the UNet
// through the guider (prompt embeddings, and for SDXL the added
// conditioning text_embeds/time_ids, each paired with its negative), and the
// scheduler step. The loop reads the schedule to the host once, before the
// first step; nothing in a step waits for the device.
#pragma once

#include <brick/sdk.h>

namespace stable_diffusion_xl {

class StableDiffusionXLLoopBeforeDenoiser : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  void operator()(brick::Components& components, brick::BlockState& block_state, brick::ValueRef args) override;
};

// Inpainting: a 9-channel UNet (stable-diffusion-inpainting's) takes the
// scaled latents, the mask and the masked image latents concatenated.
class StableDiffusionXLInpaintLoopBeforeDenoiser : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  void operator()(brick::Components& components, brick::BlockState& block_state, brick::ValueRef args) override;
};

class StableDiffusionXLLoopDenoiser : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  void operator()(brick::Components& components, brick::BlockState& block_state, brick::ValueRef args) override;
};

class StableDiffusionXLLoopAfterDenoiser : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::BlockState& block_state, brick::ValueRef args) override;
};

// Inpainting: after the step, a 4-channel UNet's latents keep the image
// outside the mask (the image latents noised to the next timestep).
class StableDiffusionXLInpaintLoopAfterDenoiser : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::BlockState& block_state, brick::ValueRef args) override;
};

// StableDiffusionXLDenoiseLoopWrapper with diffusers' default sub-blocks
// (diffusers' StableDiffusionXLDenoiseStep subclasses the wrapper to give
// them; a pipeline file may replace them).
class StableDiffusionXLDenoiseStep : public brick::LoopSequentialPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::InputParam> loop_inputs() const override;
  std::vector<brick::ComponentSpec> loop_expected_components() const override;
  std::vector<brick::SubBlock> sub_blocks() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

// The same loop with the inpainting sub-blocks.
class StableDiffusionXLInpaintDenoiseStep : public StableDiffusionXLDenoiseStep {
 public:
  std::string description() const override;
  std::vector<brick::SubBlock> sub_blocks() const override;
};

}  // namespace stable_diffusion_xl
