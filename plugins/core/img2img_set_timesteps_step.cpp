#include "img2img_set_timesteps_step.h"

#include <algorithm>

#include "component_access.h"
#include "component_specs.h"
#include "set_timesteps_step.h"

namespace core {

namespace {
const char* const kBlock = "core.Img2ImgSetTimestepsStep";
}

std::string Img2ImgSetTimestepsStep::description() const {
  return "Step that sets the timesteps for the scheduler and determines the initial noise level (latent_timestep) "
         "for image-to-image/inpainting generation.\n"
         "The latent_timestep is calculated from the `strength` parameter - higher strength means starting from a "
         "noisier version of the input image.";
}

std::vector<brick::ComponentSpec> Img2ImgSetTimestepsStep::expected_components() const { return {specs::scheduler()}; }

std::vector<brick::InputParam> Img2ImgSetTimestepsStep::inputs() const {
  return {
      brick::InputParam("num_inference_steps", "int", "The number of denoising steps.").with_default(50),
      brick::InputParam("strength", "float",
                        "Conceptually, indicates how much to transform the reference `image`. Must be between 0 "
                        "and 1. The number of denoising steps run is int(num_inference_steps * strength).")
          .with_default(0.3),
      brick::InputParam("num_images_per_prompt", "int", "The number of images to generate per prompt.").with_default(1),
      brick::InputParam("batch_size", "int",
                        "Number of prompts, the final batch size of model inputs should be batch_size * "
                        "num_images_per_prompt")
          .set_required(),
      brick::InputParam("mu", "float",
                        "Resolution-dependent shift, for a flow-matching scheduler with use_dynamic_shifting.")};
}

std::vector<brick::OutputParam> Img2ImgSetTimestepsStep::intermediate_outputs() const {
  return {
      brick::OutputParam("timesteps", "Tensor", "The timesteps to use for inference"),
      brick::OutputParam("num_inference_steps", "int", "The number of denoising steps to perform at inference time"),
      brick::OutputParam("latent_timestep", "float",
                         "The timestep that represents the initial noise level for image-to-image generation")};
}

void Img2ImgSetTimestepsStep::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  const double strength = block_state.get<double>("strength");
  if (strength < 0.0 || strength > 1.0) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str("The value of strength should in [0.0, 1.0] but is ", strength));
  }
  set_scheduler_timesteps(components, block_state, kBlock);
  brick::ComponentRef scheduler = components.get("scheduler");
  const int64_t n = block_state.get<int64_t>("num_inference_steps");
  const int64_t order = scheduler.call("order").ref().as<int64_t>();
  const int64_t init_timestep = std::min(static_cast<int64_t>(static_cast<double>(n) * strength), n);
  const int64_t t_start = std::max<int64_t>(n - init_timestep, 0);
  const int64_t steps = n - t_start;
  if (steps < 1) {
    throw brick::Error(
        BRICK_ERR_INVALID_ARGUMENT,
        c10::str("After adjusting the num_inference_steps by strength parameter: ", strength,
                 ", the number of pipeline steps is ", steps, " which is < 1 and not appropriate for this pipeline."));
  }
  // The schedule is a CPU tensor (contract): slicing and reading it here syncs nothing.
  at::Tensor all = tensor_result(scheduler.call("timesteps"), "scheduler", "timesteps");
  at::Tensor timesteps = all.slice(0, t_start * order);
  scheduler.call("set_begin_index", brick::Value::dict().set("begin_index", brick::Value(t_start * order)));
  block_state.set("timesteps", timesteps);
  block_state.set("num_inference_steps", steps);
  block_state.set("latent_timestep", timesteps[0].item<double>());
  set_block_state(state, block_state);
}

}  // namespace core
