// diffusers' modular SDXL encoders (encoders.py): the text encoder step
// (both CLIP encoders, negative prompts, clip_skip, pooled embeddings) and
// the vae encoder steps of image-to-image and inpainting (the image and the
// mask); plus Stable Diffusion 1.x/2.x's
// text encoder step (StableDiffusionPipeline.encode_prompt: one encoder, its
// last hidden state), which diffusers has no modular block for.
#pragma once

#include <brick/sdk.h>

namespace stable_diffusion_xl {

class StableDiffusionXLTextEncoderStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::ConfigSpec> expected_configs() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

class StableDiffusionXLVaeEncoderStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

class StableDiffusionXLInpaintVaeEncoderStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

class StableDiffusionTextEncoderStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace stable_diffusion_xl
