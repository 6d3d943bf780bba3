// core.LoopBeforeDenoiser: diffusers' StableDiffusionXLLoopBeforeDenoiser:
// the scheduler-scaled model input of this step (latent_model_input, kept
// in the loop's block state).
#pragma once

#include <brick/sdk.h>

namespace core {

class LoopBeforeDenoiser : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  void operator()(brick::Components& components, brick::BlockState& block_state, brick::ValueRef args) override;
};

}  // namespace core
