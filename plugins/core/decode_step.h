// core.DecodeStep: diffusers' StableDiffusionXLDecodeStep for output_type
// "pt": vae.decode(latents / scaling_factor), mapped from [-1, 1] to [0, 1].
#pragma once

#include <brick/sdk.h>

namespace core {

class DecodeStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace core
