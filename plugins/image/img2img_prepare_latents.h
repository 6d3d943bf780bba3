// image.Img2ImgPrepareLatentsStep: the starting latents of image-to-image
// generation: the image latents, repeated to the batch, noised by the
// scheduler to the noise level of latent_timestep (diffusers'
// StableDiffusionXLImg2ImgPrepareLatentsStep / prepare_latents_img2img).
#pragma once

#include <brick/sdk.h>

namespace image {

class Img2ImgPrepareLatentsStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace image
