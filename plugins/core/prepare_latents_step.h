// core.PrepareLatentsStep: diffusers' StableDiffusionXLPrepareLatentsStep
// with a seed instead of a generator: Gaussian latents drawn on the CPU (so a
// seed gives the same latents on every device), moved to the pipeline's
// device and scaled by the scheduler's init_noise_sigma.
#pragma once

#include <brick/sdk.h>

namespace core {

class PrepareLatentsStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace core
