// example.RandomLatents: seeded Gaussian latents, the first step of every
// text-to-image pipeline (same seed, same latents).
#pragma once

#include <brick/sdk.h>

namespace example {

class RandomLatents : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace example
