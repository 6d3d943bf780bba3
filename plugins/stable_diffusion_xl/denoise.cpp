#include "denoise.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/cat.h>
#include <c10/util/StringUtil.h>

#include <optional>
#include <string>
#include <vector>

#include "support.h"

namespace stable_diffusion_xl {

namespace {

const char* const kDenoiser = "stable_diffusion_xl.StableDiffusionXLLoopDenoiser";
const char* const kLoop = "stable_diffusion_xl.StableDiffusionXLDenoiseStep";

// The schedule as host scalars, read once before the loop.
std::vector<double> host_timesteps(brick::ValueRef timesteps) {
  if (timesteps.is_tensor()) {
    at::Tensor t = timesteps.as<at::Tensor>().to(at::kCPU).to(at::kDouble).contiguous().reshape({-1});
    return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
  }
  if (timesteps.kind() == BRICK_VALUE_LIST) return timesteps.as<std::vector<double>>();
  throw brick::Error(BRICK_ERR_TYPE_MISMATCH,
                     std::string(kLoop) + ": timesteps must be a Tensor or a list, got " + timesteps.kind_name());
}

// One of the guider's input pairs (cond, uncond): the tensors for the
// conditional branch alone, or both batched unconditional first.
struct GuiderInput {
  const char* cond;
  const char* uncond;
};

std::optional<at::Tensor> guider_batch(const brick::BlockState& block_state, const GuiderInput& input, bool both) {
  std::optional<at::Tensor> cond = optional_tensor(block_state, input.cond);
  if (!cond || !both) return cond;
  std::optional<at::Tensor> uncond = optional_tensor(block_state, input.uncond);
  if (!uncond) {
    throw brick::Error(
        BRICK_ERR_INVALID_ARGUMENT,
        std::string(kDenoiser) + ": classifier-free guidance is enabled at this step but " + input.uncond + " is None");
  }
  return at::cat({*uncond, *cond});
}

}  // namespace

// --- StableDiffusionXLLoopBeforeDenoiser ------------------------------------

std::string StableDiffusionXLLoopBeforeDenoiser::description() const {
  return "step within the denoising loop that prepare the latent input for the denoiser. "
         "This block should be used to compose the `sub_blocks` attribute of a `LoopSequentialPipelineBlocks` "
         "object (e.g. `StableDiffusionXLDenoiseLoopWrapper`)";
}

std::vector<brick::ComponentSpec> StableDiffusionXLLoopBeforeDenoiser::expected_components() const {
  return {specs::scheduler()};
}

std::vector<brick::InputParam> StableDiffusionXLLoopBeforeDenoiser::inputs() const {
  return {brick::InputParam("latents", "Tensor",
                            "The initial latents to use for the denoising process. Can be generated in prepare_latent "
                            "step.")
              .set_required()};
}

void StableDiffusionXLLoopBeforeDenoiser::operator()(brick::Components& components, brick::BlockState& block_state,
                                                     brick::ValueRef args) {
  brick::Value kwargs = brick::Value::dict()
                            .set("sample", brick::Value::retain(block_state["latents"]))
                            .set("timestep", brick::Value::retain(args["t"]));
  block_state.set("scaled_latents", components.get("scheduler").call("scale_model_input", kwargs));
}

// --- StableDiffusionXLInpaintLoopBeforeDenoiser -----------------------------

namespace {
const char* const kMaskDescription =
    "The mask to use for the denoising process, for inpainting task only. Can be generated in vae_encode or "
    "prepare_latent step.";
}

std::string StableDiffusionXLInpaintLoopBeforeDenoiser::description() const {
  return "step within the denoising loop that prepare the latent input for the denoiser (for inpainting workflow "
         "only). This block should be used to compose the `sub_blocks` attribute of a "
         "`LoopSequentialPipelineBlocks` object";
}

std::vector<brick::ComponentSpec> StableDiffusionXLInpaintLoopBeforeDenoiser::expected_components() const {
  return {specs::scheduler(), specs::unet()};
}

std::vector<brick::InputParam> StableDiffusionXLInpaintLoopBeforeDenoiser::inputs() const {
  return {brick::InputParam("latents", "Tensor",
                            "The initial latents to use for the denoising process. Can be generated in prepare_latent "
                            "step.")
              .set_required(),
          brick::InputParam("mask", "Tensor | NoneType", kMaskDescription),
          brick::InputParam("masked_image_latents", "Tensor | NoneType",
                            "The masked image latents to use for the denoising process, for inpainting task only. Can "
                            "be generated in vae_encode or prepare_latent step.")};
}

void StableDiffusionXLInpaintLoopBeforeDenoiser::operator()(brick::Components& components,
                                                            brick::BlockState& block_state, brick::ValueRef args) {
  const char* const block = "stable_diffusion_xl.StableDiffusionXLInpaintLoopBeforeDenoiser";
  const int64_t unet_channels = num_channels_unet(components, block);
  at::Tensor latents = block_state.get<at::Tensor>("latents");
  std::optional<at::Tensor> mask = optional_tensor(block_state, "mask");
  std::optional<at::Tensor> masked_image_latents = optional_tensor(block_state, "masked_image_latents");
  if (unet_channels == 9) {
    // stable-diffusion-inpainting's UNet.
    if (!mask || !masked_image_latents) {
      throw brick::Error(
          BRICK_ERR_INVALID_ARGUMENT,
          std::string(block) + ": mask and masked_image_latents must be provided for inpainting-specific Unet");
    }
    const int64_t sum = latents.size(1) + mask->size(1) + masked_image_latents->size(1);
    if (sum != unet_channels) {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                         c10::str(block, ": Incorrect configuration settings! The unet expects ", unet_channels,
                                  " input channels but received `num_channels_latents`: ", latents.size(1),
                                  " + `num_channels_mask`: ", mask->size(1),
                                  " + `num_channels_masked_image`: ", masked_image_latents->size(1), " = ", sum,
                                  ". Please verify the config of `components.unet` or your `mask_image` or `image` "
                                  "input."));
    }
  }
  brick::Value kwargs =
      brick::Value::dict().set("sample", brick::Value(latents)).set("timestep", brick::Value::retain(args["t"]));
  at::Tensor scaled =
      tensor_result(components.get("scheduler").call("scale_model_input", kwargs), "scheduler.scale_model_input");
  if (unet_channels == 9) scaled = at::cat({scaled, *mask, *masked_image_latents}, 1);
  block_state.set("scaled_latents", scaled);
}

// --- StableDiffusionXLLoopDenoiser ------------------------------------------

std::string StableDiffusionXLLoopDenoiser::description() const {
  return "Step within the denoising loop that denoise the latents with guidance. "
         "This block should be used to compose the `sub_blocks` attribute of a `LoopSequentialPipelineBlocks` "
         "object (e.g. `StableDiffusionXLDenoiseLoopWrapper`)";
}

std::vector<brick::ComponentSpec> StableDiffusionXLLoopDenoiser::expected_components() const {
  return {specs::guider(), specs::unet()};
}

std::vector<brick::InputParam> StableDiffusionXLLoopDenoiser::inputs() const {
  return {brick::InputParam("cross_attention_kwargs"),
          brick::InputParam("num_inference_steps", "int",
                            "The number of inference steps to use for the denoising process. Can be generated in "
                            "set_timesteps step.")
              .set_required(),
          brick::InputParam("timestep_cond", "Tensor | NoneType",
                            "The guidance scale embedding to use for Latent Consistency Models(LCMs). Can be "
                            "generated in prepare_additional_conditioning step."),
          brick::InputParam::kwargs(
              "denoiser_input_fields",
              "All conditional model inputs that need to be prepared with guider. It should contain "
              "prompt_embeds/negative_prompt_embeds, add_time_ids/negative_add_time_ids, "
              "pooled_prompt_embeds/negative_pooled_prompt_embeds, and ip_adapter_embeds/negative_ip_adapter_embeds "
              "(optional).please add `kwargs_type=denoiser_input_fields` to their parameter spec (`OutputParam`) "
              "when they are created and added to the pipeline state")};
}

void StableDiffusionXLLoopDenoiser::operator()(brick::Components& components, brick::BlockState& block_state,
                                               brick::ValueRef args) {
  brick::ComponentRef guider = require_component(components, "guider", kDenoiser);
  brick::ComponentRef unet = require_component(components, "unet", kDenoiser);
  guider.call("set_state",
              brick::Value::dict()
                  .set("step", brick::Value::retain(args["i"]))
                  .set("num_inference_steps", brick::Value(block_state.get<int64_t>("num_inference_steps")))
                  .set("timestep", brick::Value::retain(args["t"])));
  // Two conditions: one batched UNet call, unconditional half first (the
  // guider's two batches run as one; the same numbers, one launch).
  const bool both = guider.call("num_conditions").ref().as<int64_t>() == 2;

  at::Tensor scaled_latents = block_state.get<at::Tensor>("scaled_latents");
  std::optional<at::Tensor> prompt_embeds =
      guider_batch(block_state, {"prompt_embeds", "negative_prompt_embeds"}, both);
  if (!prompt_embeds) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, std::string(kDenoiser) + ": prompt_embeds is None");
  }
  std::optional<at::Tensor> time_ids = guider_batch(block_state, {"add_time_ids", "negative_add_time_ids"}, both);
  std::optional<at::Tensor> text_embeds =
      guider_batch(block_state, {"pooled_prompt_embeds", "negative_pooled_prompt_embeds"}, both);
  brick::Value kwargs =
      brick::Value::dict()
          .set("sample", brick::Value(both ? at::cat({scaled_latents, scaled_latents}) : scaled_latents))
          .set("timestep", brick::Value::retain(args["t"]))
          .set("encoder_hidden_states", brick::Value(*prompt_embeds));
  std::optional<at::Tensor> timestep_cond = optional_tensor(block_state, "timestep_cond");
  if (timestep_cond)
    kwargs.set("timestep_cond", brick::Value(both ? at::cat({*timestep_cond, *timestep_cond}) : *timestep_cond));
  if (time_ids || text_embeds) {
    brick::Value added = brick::Value::dict();
    if (text_embeds) added.set("text_embeds", brick::Value(*text_embeds));
    if (time_ids) added.set("time_ids", brick::Value(*time_ids));
    kwargs.set("added_cond_kwargs", std::move(added));
  }
  at::Tensor noise_pred = tensor_result(unet.call("forward", kwargs), "unet.forward");

  brick::Value guider_args = brick::Value::dict();
  if (both) {
    std::vector<at::Tensor> halves = noise_pred.chunk(2);
    guider_args.set("pred_cond", brick::Value(halves[1])).set("pred_uncond", brick::Value(halves[0]));
  } else {
    guider_args.set("pred_cond", brick::Value(noise_pred));
  }
  brick::Value guided = guider.call("forward", guider_args);
  block_state.set("noise_pred", brick::Value::retain(guided.ref()["pred"]));
}

// --- StableDiffusionXLLoopAfterDenoiser -------------------------------------

std::string StableDiffusionXLLoopAfterDenoiser::description() const {
  return "step within the denoising loop that update the latents. "
         "This block should be used to compose the `sub_blocks` attribute of a `LoopSequentialPipelineBlocks` "
         "object (e.g. `StableDiffusionXLDenoiseLoopWrapper`)";
}

std::vector<brick::ComponentSpec> StableDiffusionXLLoopAfterDenoiser::expected_components() const {
  return {specs::scheduler()};
}

std::vector<brick::InputParam> StableDiffusionXLLoopAfterDenoiser::inputs() const {
  return {brick::InputParam("eta").with_default(0.0), brick::InputParam("generator")};
}

std::vector<brick::OutputParam> StableDiffusionXLLoopAfterDenoiser::intermediate_outputs() const {
  return {brick::OutputParam("latents", "Tensor", "The denoised latents")};
}

void StableDiffusionXLLoopAfterDenoiser::operator()(brick::Components& components, brick::BlockState& block_state,
                                                    brick::ValueRef args) {
  // diffusers passes eta and generator where step() takes them; brick's
  // schedulers read the keywords they know (eta: DDIM's) and ignore the
  // rest, and draw no step noise, so the generator is not passed.
  brick::Value kwargs = brick::Value::dict()
                            .set("model_output", brick::Value::retain(block_state["noise_pred"]))
                            .set("timestep", brick::Value::retain(args["t"]))
                            .set("sample", brick::Value::retain(block_state["latents"]))
                            .set("eta", brick::Value::retain(block_state["eta"]));
  brick::Value out = components.get("scheduler").call("step", kwargs);
  block_state.set("latents", brick::Value::retain(out.ref()["prev_sample"]));
}

// --- StableDiffusionXLInpaintLoopAfterDenoiser ------------------------------

std::string StableDiffusionXLInpaintLoopAfterDenoiser::description() const {
  return "step within the denoising loop that update the latents (for inpainting workflow only). "
         "This block should be used to compose the `sub_blocks` attribute of a `LoopSequentialPipelineBlocks` "
         "object (e.g. `StableDiffusionXLDenoiseLoopWrapper`)";
}

std::vector<brick::ComponentSpec> StableDiffusionXLInpaintLoopAfterDenoiser::expected_components() const {
  return {specs::scheduler(), specs::unet()};
}

std::vector<brick::InputParam> StableDiffusionXLInpaintLoopAfterDenoiser::inputs() const {
  return {brick::InputParam("eta").with_default(0.0),
          brick::InputParam("generator"),
          brick::InputParam("timesteps", "Tensor",
                            "The timesteps to use for the denoising process. Can be generated in set_timesteps step.")
              .set_required(),
          brick::InputParam("mask", "Tensor | NoneType", kMaskDescription),
          brick::InputParam("noise", "Tensor | NoneType",
                            "The noise added to the image latents, for inpainting task only. Can be generated in "
                            "prepare_latent step."),
          brick::InputParam("image_latents", "Tensor | NoneType",
                            "The image latents to use for the denoising process, for inpainting/image-to-image task "
                            "only. Can be generated in vae_encode or prepare_latent step.")};
}

std::vector<brick::OutputParam> StableDiffusionXLInpaintLoopAfterDenoiser::intermediate_outputs() const {
  return {brick::OutputParam("latents", "Tensor", "The denoised latents")};
}

void StableDiffusionXLInpaintLoopAfterDenoiser::operator()(brick::Components& components,
                                                           brick::BlockState& block_state, brick::ValueRef args) {
  const char* const block = "stable_diffusion_xl.StableDiffusionXLInpaintLoopAfterDenoiser";
  const bool blend = num_channels_unet(components, block) == 4;
  if (blend) {
    for (const char* name : {"image_latents", "mask", "noise"}) {
      if (block_state[name].is_none()) {
        throw brick::Error(BRICK_ERR_MISSING_INPUT, std::string(name) + " is required for this step " + block);
      }
    }
  }
  brick::ComponentRef scheduler = components.get("scheduler");
  // As StableDiffusionXLLoopAfterDenoiser: the generator is not passed
  // (brick's schedulers draw no noise in step).
  brick::Value kwargs = brick::Value::dict()
                            .set("model_output", brick::Value::retain(block_state["noise_pred"]))
                            .set("timestep", brick::Value::retain(args["t"]))
                            .set("sample", brick::Value::retain(block_state["latents"]))
                            .set("eta", brick::Value::retain(block_state["eta"]));
  brick::Value out = scheduler.call("step", kwargs);
  if (!blend) {
    block_state.set("latents", brick::Value::retain(out.ref()["prev_sample"]));
    return;
  }
  // Outside the mask the latents are the image's, noised to the next
  // timestep (none after the last step).
  at::Tensor latents = out.ref()["prev_sample"].as<at::Tensor>();
  at::Tensor init_latents = block_state.get<at::Tensor>("image_latents");
  at::Tensor timesteps = block_state.get<at::Tensor>("timesteps");
  const int64_t i = args["i"].as<int64_t>();
  if (i < timesteps.size(0) - 1) {
    init_latents =
        tensor_result(scheduler.call("add_noise", brick::Value::dict()
                                                      .set("original_samples", brick::Value(init_latents))
                                                      .set("noise", brick::Value::retain(block_state["noise"]))
                                                      .set("timestep", brick::Value(timesteps.slice(0, i + 1, i + 2)))),
                      "scheduler.add_noise");
  }
  at::Tensor mask = block_state.get<at::Tensor>("mask");
  block_state.set("latents", (1 - mask) * init_latents + mask * latents);
}

// --- StableDiffusionXLDenoiseStep -------------------------------------------

std::string StableDiffusionXLDenoiseStep::description() const {
  return "Denoise step that iteratively denoise the latents. \n"
         "Its loop logic is defined in `StableDiffusionXLDenoiseLoopWrapper.__call__` method \n"
         "At each iteration, it runs blocks defined in `sub_blocks` sequentially:\n"
         " - `StableDiffusionXLLoopBeforeDenoiser`\n"
         " - `StableDiffusionXLLoopDenoiser`\n"
         " - `StableDiffusionXLLoopAfterDenoiser`\n"
         "This block supports both text2img and img2img tasks.";
}

std::vector<brick::InputParam> StableDiffusionXLDenoiseStep::loop_inputs() const {
  return {brick::InputParam("timesteps", "Tensor",
                            "The timesteps to use for the denoising process. Can be generated in set_timesteps step.")
              .set_required(),
          brick::InputParam("num_inference_steps", "int",
                            "The number of inference steps to use for the denoising process. Can be generated in "
                            "set_timesteps step.")
              .set_required()};
}

std::vector<brick::ComponentSpec> StableDiffusionXLDenoiseStep::loop_expected_components() const {
  return {specs::guider(), specs::scheduler(), specs::unet()};
}

std::vector<brick::SubBlock> StableDiffusionXLDenoiseStep::sub_blocks() const {
  return {{"before_denoiser", "StableDiffusionXLLoopBeforeDenoiser"},
          {"denoiser", "StableDiffusionXLLoopDenoiser"},
          {"after_denoiser", "StableDiffusionXLLoopAfterDenoiser"}};
}

void StableDiffusionXLDenoiseStep::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  // A UNet distilled with a guidance embedding (LCM: time_cond_proj_dim)
  // runs without classifier-free guidance.
  brick::Value unet_config = component_config(components, "unet", kLoop);
  require_component(components, "guider", kLoop)
      .call(unet_config.ref()["time_cond_proj_dim"].is_none() ? "enable" : "disable");
  const std::vector<double> timesteps = host_timesteps(block_state["timesteps"]);
  const auto total = static_cast<int64_t>(timesteps.size());
  for (int64_t i = 0; i < total; ++i) {
    loop_step(components, block_state,
              brick::Value::dict().set("i", brick::Value(i)).set("t", brick::Value(timesteps[static_cast<size_t>(i)])));
    progress(components, i + 1, total);
  }
  set_block_state(state, block_state);
}

}  // namespace stable_diffusion_xl

namespace stable_diffusion_xl {

// --- StableDiffusionXLInpaintDenoiseStep ------------------------------------

std::string StableDiffusionXLInpaintDenoiseStep::description() const {
  return "Denoise step that iteratively denoise the latents(for inpainting task only). \n"
         "Its loop logic is defined in `StableDiffusionXLDenoiseLoopWrapper.__call__` method \n"
         "At each iteration, it runs blocks defined in `sub_blocks` sequentially:\n"
         " - `StableDiffusionXLInpaintLoopBeforeDenoiser`\n"
         " - `StableDiffusionXLLoopDenoiser`\n"
         " - `StableDiffusionXLInpaintLoopAfterDenoiser`\n"
         "This block onlysupports inpainting tasks.";
}

std::vector<brick::SubBlock> StableDiffusionXLInpaintDenoiseStep::sub_blocks() const {
  return {{"before_denoiser", "StableDiffusionXLInpaintLoopBeforeDenoiser"},
          {"denoiser", "StableDiffusionXLLoopDenoiser"},
          {"after_denoiser", "StableDiffusionXLInpaintLoopAfterDenoiser"}};
}

}  // namespace stable_diffusion_xl
