#include "loop_denoiser.h"

#include <ATen/ops/cat.h>

#include "component_access.h"
#include "component_specs.h"

namespace core {

namespace {
const char* const kBlock = "core.LoopDenoiser";

// {guidance_scale} when the run overrides the guider's, else {}.
brick::Value guidance_kwargs(const brick::BlockState& block_state) {
  brick::Value kwargs = brick::Value::dict();
  if (!block_state["guidance_scale"].is_none()) {
    kwargs.set("guidance_scale", brick::Value(block_state.get<double>("guidance_scale")));
  }
  return kwargs;
}
}  // namespace

std::string LoopDenoiser::description() const {
  return "Step within the denoising loop that denoise the latents with guidance. "
         "This block should be used to compose the `sub_blocks` attribute of a `LoopSequentialPipelineBlocks` "
         "object (e.g. `DenoiseLoop`)";
}

std::vector<brick::ComponentSpec> LoopDenoiser::expected_components() const {
  return {specs::guider(), specs::unet(), specs::scheduler()};
}

std::vector<brick::InputParam> LoopDenoiser::inputs() const {
  return {brick::InputParam("num_inference_steps", "int",
                            "The number of inference steps to use for the denoising process. Can be generated in "
                            "set_timesteps step.")
              .set_required(),
          brick::InputParam("guidance_scale", "float",
                            "Classifier-free guidance scale for this run (None: the guider's own guidance_scale)."),
          brick::InputParam("prompt_embeds", "Tensor",
                            "text embeddings used to guide the image generation. Can be generated in input step.")
              .set_required(),
          brick::InputParam("negative_prompt_embeds", "Tensor",
                            "negative text embeddings, the unconditional branch of classifier-free guidance. Can be "
                            "generated in input step.")};
}

void LoopDenoiser::operator()(brick::Components& components, brick::BlockState& block_state, brick::ValueRef args) {
  brick::ComponentRef guider = require_component(components, "guider", kBlock);
  brick::ComponentRef unet = require_component(components, "unet", kBlock);
  brick::ComponentRef scheduler = require_component(components, "scheduler", kBlock);

  guider.call("set_state",
              brick::Value::dict()
                  .set("step", brick::Value::retain(args["i"]))
                  .set("num_inference_steps", brick::Value(block_state.get<int64_t>("num_inference_steps")))
                  .set("timestep", brick::Value::retain(args["t"])));
  const int64_t num_conditions = guider.call("num_conditions", guidance_kwargs(block_state)).ref().as<int64_t>();
  const std::string prediction_type = scheduler.call("model_parametrization").ref().as<std::string>();

  at::Tensor latent_model_input = block_state.get<at::Tensor>("latent_model_input");
  at::Tensor prompt_embeds = block_state.get<at::Tensor>("prompt_embeds");
  auto forward = [&](const at::Tensor& sample, const at::Tensor& embeds) {
    return tensor_result(unet.call("forward", brick::Value::dict()
                                                  .set("sample", brick::Value(sample))
                                                  .set("timestep", brick::Value::retain(args["t"]))
                                                  .set("encoder_hidden_states", brick::Value(embeds))
                                                  .set("prediction_type", brick::Value(prediction_type))),
                         "unet", "forward");
  };

  brick::Value guider_args = guidance_kwargs(block_state);
  if (num_conditions == 2) {
    std::optional<at::Tensor> negative = block_state.get<std::optional<at::Tensor>>("negative_prompt_embeds");
    if (!negative) {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, std::string(kBlock) +
                                                         ": classifier-free guidance is enabled at this step but "
                                                         "negative_prompt_embeds is None");
    }
    // One batched call, unconditional half first (diffusers' order).
    at::Tensor both = forward(at::cat({latent_model_input, latent_model_input}), at::cat({*negative, prompt_embeds}));
    std::vector<at::Tensor> halves = both.chunk(2);
    guider_args.set("pred_cond", brick::Value(halves[1])).set("pred_uncond", brick::Value(halves[0]));
  } else {
    guider_args.set("pred_cond", brick::Value(forward(latent_model_input, prompt_embeds)));
  }
  brick::Value guided = guider.call("forward", guider_args);
  block_state.set("noise_pred", brick::Value::retain(guided.ref()["pred"]));
}

}  // namespace core
