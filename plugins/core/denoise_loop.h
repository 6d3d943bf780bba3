// core.DenoiseLoop: diffusers' StableDiffusionXLDenoiseLoopWrapper with its
// default sub-blocks (StableDiffusionXLDenoiseStep): iterates the host-side
// timesteps and runs before_denoiser, denoiser and after_denoiser on one
// block state per step.
#pragma once

#include <brick/sdk.h>

namespace core {

class DenoiseLoop : public brick::LoopSequentialPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::InputParam> loop_inputs() const override;
  std::vector<brick::ComponentSpec> loop_expected_components() const override;
  std::vector<brick::SubBlock> sub_blocks() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace core
