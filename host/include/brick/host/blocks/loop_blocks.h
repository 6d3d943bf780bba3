// LoopSequentialPipelineBlocks: a loop wrapper that runs its sub-blocks again
// and again over one shared BlockState (diffusers v0.40; the seed document
// "LoopSequentialPipelineBlocks").
//
// The wrapper declares loop_inputs, loop_intermediate_outputs (and, in the
// legacy style, loop_intermediate_inputs), its components and configs, and
// its own __call__: typically
//   block_state = get_block_state(state);
//   for (i, t) in timesteps: loop_step(components, block_state, {i, t});
//   set_block_state(state, block_state);
// loop_step runs each sub-block's loop_call on that block state. Sub-blocks
// must be leaves.
//
// Merged interface: inputs = loop_inputs, then sub-block inputs not produced
// by an earlier sub-block (deduplicated by whole-param equality), `required`
// where the loop or any sub-block requires the name; intermediate_outputs =
// combine_outputs over the sub-blocks plus new loop outputs; outputs = the
// last sub-block's intermediate_outputs (what doc shows).
#pragma once

#include <string>
#include <vector>

#include "brick/host/blocks/sequential_blocks.h"

namespace brick::host {

class LoopSequentialPipelineBlocks : public ModularPipelineBlocks {
 public:
  // Throws Error(BRICK_ERR_INVALID_ARGUMENT) when a sub-block is not a leaf:
  // "In {C}, sub_blocks must be leaf blocks (no sub_blocks). Block 'n' (C2)
  // has sub_blocks."
  explicit LoopSequentialPipelineBlocks(NamedBlocks blocks = {});

  virtual std::vector<InputParam> loop_inputs() const { return {}; }
  virtual std::vector<InputParam> loop_intermediate_inputs() const { return {}; }
  virtual std::vector<OutputParam> loop_intermediate_outputs() const { return {}; }
  virtual std::vector<ComponentSpec> loop_expected_components() const { return {}; }
  virtual std::vector<ConfigSpec> loop_expected_configs() const { return {}; }
  std::vector<std::string> loop_required_inputs() const;

  std::vector<InputParam> inputs() const override;
  std::vector<InputParam> intermediate_inputs() const override { return loop_intermediate_inputs(); }
  std::vector<std::string> required_inputs() const override;
  std::vector<OutputParam> intermediate_outputs() const override;
  std::vector<OutputParam> outputs() const override;
  std::vector<ComponentSpec> expected_components() const override;
  std::vector<ConfigSpec> expected_configs() const override;
  std::string repr() const override;

  // One iteration: every sub-block's loop_call, in order, on block_state,
  // with the iteration's arguments (a dict such as {"i": 3, "t": t}, or
  // None). The same value reaches every sub-block: nothing is copied.
  void loop_step(Components& components, BlockState& block_state, const Value& args = {});

  // Throws the leaf error above for the current sub-blocks.
  void check_leaf_sub_blocks() const;
};

}  // namespace brick::host
