// diffusers' modular SDXL decode step (decoders.py): latents unscaled
// (latents_mean/latents_std, or scaling_factor, and shift_factor where the
// vae has one), decoded by the vae (in float32 for a float16 vae with
// force_upcast), then the image processor's postprocess.
#pragma once

#include <brick/sdk.h>

namespace stable_diffusion_xl {

class StableDiffusionXLDecodeStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace stable_diffusion_xl
