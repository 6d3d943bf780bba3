// diffusers' modular SDXL decode step (decoders.py): latents unscaled
// (latents_mean/latents_std, or scaling_factor, and shift_factor where the
// vae has one), decoded by the vae (in float32 for a float16 vae with
// force_upcast), then the image processor's postprocess; and inpainting's
// overlay step.
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

// Inpainting with padding_mask_crop pastes the generated crop back into the
// original image (apply_overlay on PIL images); without it, as here, the
// images pass through unchanged. padding_mask_crop with crops_coords is
// refused by name (the vae encoder step refuses padding_mask_crop before).
class StableDiffusionXLInpaintOverlayMaskStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::string model_name() const override { return "stable-diffusion-xl"; }
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace stable_diffusion_xl
