#include "update.h"

#include <ATen/TensorOperators.h>

namespace example {

std::string Update::description() const { return "Updates latents to scale * latents + shift."; }

std::vector<brick::InputParam> Update::inputs() const {
  return {brick::InputParam("latents", "Tensor", "The latents to update.").set_required(),
          brick::InputParam("scale", "float", "Multiplies latents.").with_default(0.5),
          brick::InputParam("shift", "float", "Added after scaling.").with_default(1.0)};
}

std::vector<brick::OutputParam> Update::intermediate_outputs() const {
  return {brick::OutputParam("latents", "Tensor", "The updated latents.")};
}

void Update::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  (*this)(components, block_state, brick::ValueRef());
  set_block_state(state, block_state);
}

void Update::operator()(brick::Components&, brick::BlockState& block_state, brick::ValueRef) {
  at::Tensor latents = block_state.get<at::Tensor>("latents");
  block_state.set("latents", latents * block_state.get<double>("scale") + block_state.get<double>("shift"));
}

}  // namespace example
