#include "decode_step.h"

#include <ATen/TensorOperators.h>

#include "component_access.h"
#include "component_specs.h"
#include "dict_reader.h"

namespace core {

namespace {
const char* const kBlock = "core.DecodeStep";
}

std::string DecodeStep::description() const { return "Step that decodes the denoised latents into images"; }

std::vector<brick::ComponentSpec> DecodeStep::expected_components() const { return {specs::vae()}; }

std::vector<brick::InputParam> DecodeStep::inputs() const {
  return {brick::InputParam("latents", "Tensor", "The denoised latents from the denoising step").set_required()};
}

std::vector<brick::OutputParam> DecodeStep::intermediate_outputs() const {
  return {brick::OutputParam("images", "Tensor",
                             "The generated images, a float tensor [B, 3, H, W] in [0, 1] on the pipeline's device")};
}

void DecodeStep::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  brick::Value vae_config = component_config(components, "vae", kBlock);
  const double scaling_factor = DictReader(vae_config.ref(), "vae config").get_double("scaling_factor", 1.0);
  at::Tensor latents = block_state.get<at::Tensor>("latents");
  brick::Value decoded =
      components.get("vae").call("decode", brick::Value::dict().set("latents", brick::Value(latents / scaling_factor)));
  at::Tensor images = tensor_result(decoded, "vae", "decode");
  block_state.set("images", (images / 2.0 + 0.5).clamp(0.0, 1.0));
  set_block_state(state, block_state);
}

}  // namespace core
