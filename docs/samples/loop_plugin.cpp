// docs/writing-a-plugin.md, section "Loops, and composites": a loop wrapper
// and the leaf block it runs at each step.
#include <ATen/TensorOperators.h>
#include <brick/plugin.h>

// [sample:loop_block]
class AddStep : public brick::ModularPipelineBlocks {
 public:
  std::vector<brick::InputParam> inputs() const override { return {brick::InputParam("latents", "Tensor")}; }
  std::vector<brick::OutputParam> intermediate_outputs() const override {
    return {brick::OutputParam("latents", "Tensor")};
  }

  // The loop-block call: the loop's block state itself, and this step's arguments.
  void operator()(brick::Components&, brick::BlockState& block_state, brick::ValueRef args) override {
    double t = args["t"].as<double>();
    block_state.set("latents", block_state.get<at::Tensor>("latents") + t);
  }
};
// [/sample:loop_block]

class Loop : public brick::LoopSequentialPipelineBlocks {
 public:
  std::vector<brick::InputParam> loop_inputs() const override {
    return {brick::InputParam("timesteps", "list").set_required()};
  }
  std::vector<brick::OutputParam> loop_intermediate_outputs() const override {
    return {brick::OutputParam("latents", "Tensor")};
  }
  std::vector<brick::SubBlock> sub_blocks() const override { return {{"add", "AddStep"}}; }

  // [sample:loop_call]
  void operator()(brick::Components& components, brick::PipelineState& state) override {
    auto block_state = get_block_state(state);  // the merged inputs of the loop
    const auto timesteps = block_state.get<std::vector<double>>("timesteps");
    const auto total = static_cast<int64_t>(timesteps.size());
    for (int64_t i = 0; i < total; ++i) {
      auto args = brick::Value::dict().set("i", i).set("t", timesteps[static_cast<size_t>(i)]);
      loop_step(components, block_state, args);  // runs every sub-block on block_state
      progress(components, i + 1, total);
    }
    set_block_state(state, block_state);
  }
  // [/sample:loop_call]
};

BRICK_PLUGIN("my_loop", "0.1.0", "A loop wrapper and its step") {
  plugin.add<AddStep>("AddStep");
  plugin.add<Loop>("Loop");
}
