// A brick plugin with one block. Copy this folder, rename the plugin, and
// write your blocks the way Modular Diffusers' blocks are written.
#include <ATen/TensorOperators.h>
#include <brick/plugin.h>

namespace {

// Normalize: (x - mean(x)) / (std(x) + eps).
class Normalize : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override { return "Shifts and scales x to zero mean and unit deviation."; }

  std::vector<brick::InputParam> inputs() const override {
    return {brick::InputParam("x", "Tensor", "The tensor to normalize.").set_required(),
            brick::InputParam("eps", "float", "Added to the deviation.").with_default(1e-6)};
  }

  std::vector<brick::OutputParam> intermediate_outputs() const override {
    return {brick::OutputParam("normalized", "Tensor", "x with zero mean and unit deviation.")};
  }

  void operator()(brick::Components& components, brick::PipelineState& state) override {
    (void)components;
    auto block_state = get_block_state(state);
    at::Tensor x = block_state.get<at::Tensor>("x");
    block_state.set("normalized", (x - x.mean()) / (x.std() + block_state.get<double>("eps")));
    set_block_state(state, block_state);
  }
};

}  // namespace

BRICK_PLUGIN("my_plugin", "0.1.0", "A plugin made from the brick template") {
  plugin.add<Normalize>("Normalize", "zero mean, unit deviation");
}
