// The block of docs/writing-a-plugin.md, section 2 (and docs/concepts.md's
// block-state sample): built into docs_scale.so by tests/docs.
#pragma once

// [sample:block]
#include <ATen/TensorOperators.h>  // include the ATen ops you use, not <torch/torch.h>
#include <brick/sdk.h>

class Scale : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override { return "y = x * factor"; }

  std::vector<brick::InputParam> inputs() const override {
    return {brick::InputParam("x", "Tensor", "The input.").set_required(),
            brick::InputParam("factor", "float", "The factor.").with_default(2.0)};
  }

  std::vector<brick::OutputParam> intermediate_outputs() const override {
    return {brick::OutputParam("y", "Tensor", "x * factor")};
  }

  void operator()(brick::Components& components, brick::PipelineState& state) override {
    (void)components;
    // [sample:block_state]
    auto block_state = get_block_state(state);  // the block's view: its inputs, read from the state
    block_state.set("y", block_state.get<at::Tensor>("x") * block_state.get<double>("factor"));
    set_block_state(state, block_state);  // write back: its outputs (and inputs it changed)
    // [/sample:block_state]
  }
};
// [/sample:block]
