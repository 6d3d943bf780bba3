#include "loop_after_denoiser.h"

#include "component_specs.h"

namespace core {

std::string LoopAfterDenoiser::description() const {
  return "step within the denoising loop that update the latents. "
         "This block should be used to compose the `sub_blocks` attribute of a `LoopSequentialPipelineBlocks` "
         "object (e.g. `DenoiseLoop`)";
}

std::vector<brick::ComponentSpec> LoopAfterDenoiser::expected_components() const { return {specs::scheduler()}; }

std::vector<brick::OutputParam> LoopAfterDenoiser::intermediate_outputs() const {
  return {brick::OutputParam("latents", "Tensor", "The denoised latents")};
}

void LoopAfterDenoiser::operator()(brick::Components& components, brick::BlockState& block_state,
                                   brick::ValueRef args) {
  brick::Value kwargs = brick::Value::dict()
                            .set("model_output", brick::Value::retain(block_state["noise_pred"]))
                            .set("timestep", brick::Value::retain(args["t"]))
                            .set("sample", brick::Value::retain(block_state["latents"]));
  brick::Value out = components.get("scheduler").call("step", kwargs);
  block_state.set("latents", brick::Value::retain(out.ref()["prev_sample"]));
}

}  // namespace core
