// image.VaeEncoderStep: the image-to-image entry's first step. Brings the
// `image` input (a PNG path, uint8 or float tensor) to float NCHW, resizes
// it, normalizes it to [-1, 1] and encodes it with the vae: image_latents =
// (vae.encode({sample})["mean"] - shift_factor) * scaling_factor (diffusers'
// StableDiffusionXLVaeEncoderStep; it samples the latent distribution with
// the generator where this step takes its mean, retrieve_latents' "argmax").
#pragma once

#include <brick/sdk.h>

namespace image {

class VaeEncoderStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace image
