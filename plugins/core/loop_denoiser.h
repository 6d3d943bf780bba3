// core.LoopDenoiser: diffusers' StableDiffusionXLLoopDenoiser for one
// embedding: the guider decides how many conditions this step needs; with
// two, one batched unet call on [uncond, cond], then guider.forward. The
// result is noise_pred, in the scheduler's parametrization.
#pragma once

#include <brick/sdk.h>

namespace core {

class LoopDenoiser : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  void operator()(brick::Components& components, brick::BlockState& block_state, brick::ValueRef args) override;
};

}  // namespace core
