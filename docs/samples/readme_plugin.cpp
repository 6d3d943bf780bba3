// [sample:plugin]
#include <ATen/TensorOperators.h>  // the ATen ops used: Tensor * double
#include <brick/plugin.h>

class Scale : public brick::ModularPipelineBlocks {
 public:
  std::vector<brick::InputParam> inputs() const override {
    return {brick::InputParam("x", "Tensor").set_required(), brick::InputParam("factor", "float").with_default(2.0)};
  }
  std::vector<brick::OutputParam> intermediate_outputs() const override { return {brick::OutputParam("y", "Tensor")}; }
  void operator()(brick::Components&, brick::PipelineState& state) override {
    auto block_state = get_block_state(state);
    block_state.set("y", block_state.get<at::Tensor>("x") * block_state.get<double>("factor"));
    set_block_state(state, block_state);
  }
};

BRICK_PLUGIN("my_plugin", "0.1.0", "My blocks") { plugin.add<Scale>("Scale"); }
// [/sample:plugin]
