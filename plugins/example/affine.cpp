#include "affine.h"

#include <ATen/TensorOperators.h>

namespace example {

std::string Affine::description() const { return "Computes y = scale * x + shift, elementwise."; }

std::vector<brick::InputParam> Affine::inputs() const {
  return {brick::InputParam("x", "Tensor", "The tensor to transform.").set_required(),
          brick::InputParam("scale", "float", "Multiplies x.").with_default(2.0),
          brick::InputParam("shift", "float", "Added after scaling.").with_default(0.0)};
}

std::vector<brick::OutputParam> Affine::intermediate_outputs() const {
  return {brick::OutputParam("y", "Tensor", "scale * x + shift")};
}

void Affine::operator()(brick::Components&, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  at::Tensor x = block_state.get<at::Tensor>("x");
  block_state.set("y", x * block_state.get<double>("scale") + block_state.get<double>("shift"));
  set_block_state(state, block_state);
}

}  // namespace example
