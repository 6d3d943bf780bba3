#include "prepare_latents_step.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/TensorOperators.h>
#include <ATen/ops/randn.h>

#include "component_access.h"
#include "component_specs.h"
#include "dict_reader.h"

namespace core {

namespace {
const char* const kBlock = "core.PrepareLatentsStep";
}

std::string PrepareLatentsStep::description() const {
  return "Prepare latents step that prepares the latents for the text-to-image generation process";
}

std::vector<brick::ComponentSpec> PrepareLatentsStep::expected_components() const {
  return {specs::scheduler(), specs::unet(), specs::vae()};
}

std::vector<brick::InputParam> PrepareLatentsStep::inputs() const {
  return {brick::InputParam("height", "int",
                            "The height in pixels of the generated image (None: the unet's sample_size times the "
                            "vae's downsample factor)."),
          brick::InputParam("width", "int",
                            "The width in pixels of the generated image (None: the unet's sample_size times the "
                            "vae's downsample factor)."),
          brick::InputParam("latents", "Tensor",
                            "Pre-generated noisy latents, used as given (moved to the pipeline's device)."),
          brick::InputParam("seed", "int",
                            "Seed of the CPU random generator the latents are drawn from (the same latents on every "
                            "device).")
              .with_default(0),
          brick::InputParam("batch_size", "int",
                            "Number of prompts, the final batch size of model inputs should be batch_size * "
                            "num_images_per_prompt. Can be generated in input step.")
              .set_required(),
          brick::InputParam("num_images_per_prompt", "int", "The number of images to generate per prompt.")
              .with_default(1)};
}

std::vector<brick::OutputParam> PrepareLatentsStep::intermediate_outputs() const {
  return {brick::OutputParam("latents", "Tensor", "The initial latents to use for the denoising process")};
}

void PrepareLatentsStep::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  const at::Device device = brick::torch_device(components.device());
  std::optional<at::Tensor> given = block_state.get<std::optional<at::Tensor>>("latents");
  if (given) {
    block_state.set("latents", given->to(device));
    set_block_state(state, block_state);
    return;
  }

  // diffusers' vae_scale_factor and default_sample_size, from the models' configs.
  int64_t vae_scale_factor = 1;
  if (!components.get("vae").is_none()) {
    brick::Value vae_config = component_config(components, "vae", kBlock);
    vae_scale_factor = DictReader(vae_config.ref(), "vae config").get_int("downsample_factor", 1);
  }
  brick::Value unet_config = component_config(components, "unet", kBlock);
  DictReader unet(unet_config.ref(), "unet config");
  const int64_t num_channels_latents = unet.get_int("in_channels", 3);
  std::optional<int64_t> height = block_state.get<std::optional<int64_t>>("height");
  std::optional<int64_t> width = block_state.get<std::optional<int64_t>>("width");
  if (!height || !width) {
    if (!unet.has("sample_size")) {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                         std::string(kBlock) + ": height and width are needed (the unet's config has no sample_size)");
    }
    const int64_t default_size = unet.get_int("sample_size", 0) * vae_scale_factor;
    if (!height) height = default_size;
    if (!width) width = default_size;
  }
  if (*height <= 0 || *width <= 0 || *height % vae_scale_factor != 0 || *width % vae_scale_factor != 0) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str("`height` and `width` have to be positive and divisible by ", vae_scale_factor,
                                " but are ", *height, " and ", *width, "."));
  }
  const int64_t batch = block_state.get<int64_t>("batch_size") * block_state.get<int64_t>("num_images_per_prompt");
  at::Generator generator = at::detail::createCPUGenerator(static_cast<uint64_t>(block_state.get<int64_t>("seed")));
  at::Tensor noise =
      at::randn({batch, num_channels_latents, *height / vae_scale_factor, *width / vae_scale_factor}, generator);
  const double init_noise_sigma =
      require_component(components, "scheduler", kBlock).call("init_noise_sigma").ref().as<double>();
  block_state.set("latents", noise.to(device) * init_noise_sigma);
  set_block_state(state, block_state);
}

}  // namespace core
