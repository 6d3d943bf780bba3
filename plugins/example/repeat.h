// example.Repeat: a loop wrapper that runs its sub-blocks num_steps times
// over one block state, passing the step index i (the seed document's
// LoopWrapper, with progress reporting).
#pragma once

#include <brick/sdk.h>

namespace example {

class Repeat : public brick::LoopSequentialPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::InputParam> loop_inputs() const override;
  std::vector<brick::SubBlock> sub_blocks() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace example
