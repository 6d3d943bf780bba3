// core.SetTimestepsStep: diffusers' StableDiffusionXLSetTimestepsStep
// (retrieve_timesteps): scheduler.set_timesteps, then its host-side timesteps.
#pragma once

#include <brick/sdk.h>

namespace core {

class SetTimestepsStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

// scheduler.set_timesteps({num_inference_steps, device, mu?}) as both
// set-timesteps steps call it.
void set_scheduler_timesteps(const brick::Components& components, const brick::BlockState& block_state,
                             const char* block);

}  // namespace core
