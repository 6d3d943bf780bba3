#include "repeat.h"

namespace example {

std::string Repeat::description() const { return "Runs its sub-blocks num_steps times, passing the step index i."; }

std::vector<brick::InputParam> Repeat::loop_inputs() const {
  return {brick::InputParam("num_steps", "int", "How many times to run the sub-blocks.").with_default(10)};
}

std::vector<brick::SubBlock> Repeat::sub_blocks() const { return {{"update", "Update"}}; }

void Repeat::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  int64_t steps = block_state.get<int64_t>("num_steps");
  for (int64_t i = 0; i < steps; ++i) {
    loop_step(components, block_state, brick::Value::dict().set("i", i));
    progress(components, i + 1, steps);
  }
  set_block_state(state, block_state);
}

}  // namespace example
