// example.Update: latents = scale * latents + shift, written back. Runs as a
// pipeline step and, unchanged, as a step of a loop (example.Repeat).
#pragma once

#include <brick/sdk.h>

namespace example {

class Update : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
  void operator()(brick::Components& components, brick::BlockState& block_state, brick::ValueRef args) override;
};

}  // namespace example
