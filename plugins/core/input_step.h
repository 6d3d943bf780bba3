// core.InputStep: diffusers' StableDiffusionXLInputStep for the contract's
// one embedding: batch_size from prompt_embeds, embeddings repeated per image.
#pragma once

#include <brick/sdk.h>

namespace core {

class InputStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace core
