// core.LoopAfterDenoiser: diffusers' StableDiffusionXLLoopAfterDenoiser:
// latents = scheduler.step(noise_pred, t, latents).prev_sample.
#pragma once

#include <brick/sdk.h>

namespace core {

class LoopAfterDenoiser : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::BlockState& block_state, brick::ValueRef args) override;
};

}  // namespace core
