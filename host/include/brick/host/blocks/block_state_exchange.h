// get_block_state / set_block_state for leaf blocks: how a block's view of the
// pipeline state is made and written back (diffusers v0.40, plus the legacy
// intermediate_inputs split of the seed "PipelineBlock" documents).
//
// get: each declared input from the state; None takes the param's default; a
//      required input still None fails "Required input 'x' is missing". A
//      nameless kwargs input brings every value tagged with its kwargs_type,
//      as attributes and as a dict under the kwargs_type's name.
// set: each declared output must be present ("Intermediate output 'x' is
//      missing in block state") and is written; each input whose value changed
//      identity is written back; nothing else reaches the state.
// Legacy blocks (any intermediate_inputs): plain inputs are handed over as
// deep copies and never written back; intermediate inputs are written back.
#pragma once

#include <string>
#include <vector>

#include "brick/host/params/params.h"
#include "brick/host/state/block_state.h"
#include "brick/host/state/pipeline_state.h"

namespace brick::host {

// A leaf's declarations, prepared once for repeated runs: every declared name
// gets a block state slot and a prehashed state key.
struct LeafInterface {
  std::vector<InputParam> inputs;
  std::vector<InputParam> intermediate_inputs;
  std::vector<OutputParam> outputs;
  // Slot i: the i-th distinct name of the named inputs, then intermediate
  // inputs, then outputs (the numbering brick_block_decl documents).
  BlockState::SlotNames slot_names;
  std::vector<PipelineState::Key> slot_keys;  // parallel to *slot_names
  // The slot of each param, in declaration order; -1 for a nameless one.
  std::vector<int> input_slots, intermediate_input_slots, output_slots;

  LeafInterface() = default;
  LeafInterface(std::vector<InputParam> inputs, std::vector<InputParam> intermediate_inputs,
                std::vector<OutputParam> outputs);
  bool legacy() const { return !intermediate_inputs.empty(); }
};

BlockState get_block_state(const LeafInterface& leaf, const PipelineState& state);
void set_block_state(const LeafInterface& leaf, PipelineState& state, const BlockState& block_state);

}  // namespace brick::host
