#include "loop_before_denoiser.h"

#include "component_specs.h"

namespace core {

std::string LoopBeforeDenoiser::description() const {
  return "step within the denoising loop that prepare the latent input for the denoiser. "
         "This block should be used to compose the `sub_blocks` attribute of a `LoopSequentialPipelineBlocks` "
         "object (e.g. `DenoiseLoop`)";
}

std::vector<brick::ComponentSpec> LoopBeforeDenoiser::expected_components() const { return {specs::scheduler()}; }

std::vector<brick::InputParam> LoopBeforeDenoiser::inputs() const {
  return {brick::InputParam("latents", "Tensor",
                            "The initial latents to use for the denoising process. Can be generated in prepare_latent "
                            "step.")
              .set_required()};
}

void LoopBeforeDenoiser::operator()(brick::Components& components, brick::BlockState& block_state,
                                    brick::ValueRef args) {
  brick::Value kwargs = brick::Value::dict()
                            .set("sample", brick::Value::retain(block_state["latents"]))
                            .set("timestep", brick::Value::retain(args["t"]));
  block_state.set("latent_model_input", components.get("scheduler").call("scale_model_input", kwargs));
}

}  // namespace core
