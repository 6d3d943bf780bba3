#include "img2img_prepare_latents.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/ops/randn.h>

#include <string>

namespace image {

namespace {

// latent_timestep as the scheduler takes it: a float. Core's
// Img2ImgSetTimestepsStep gives a float; a one-element tensor (diffusers
// gives timesteps[:1].repeat(n)) is read once here, before the loop.
double timestep_value(brick::ValueRef value) {
  if (value.is_tensor()) {
    at::Tensor t = value.as<at::Tensor>();
    if (t.numel() < 1) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "latent_timestep is an empty tensor");
    return t.reshape({-1})[0].item<double>();
  }
  return value.as<double>();
}

}  // namespace

std::string Img2ImgPrepareLatentsStep::description() const {
  return "Step that prepares the latents for the image-to-image generation process";
}

std::vector<brick::ComponentSpec> Img2ImgPrepareLatentsStep::expected_components() const {
  return {brick::ComponentSpec("scheduler", "core.EulerDiscreteScheduler", "Adds the noise of latent_timestep.")};
}

std::vector<brick::InputParam> Img2ImgPrepareLatentsStep::inputs() const {
  return {
      brick::InputParam("latents", "Tensor",
                        "Pre-generated noisy latents; when given they are used as they are and nothing is computed."),
      brick::InputParam("num_images_per_prompt", "int", "The number of images to generate per prompt.").with_default(1),
      brick::InputParam("seed", "int", "Seed of the CPU random generator the noise is drawn from.").with_default(0),
      brick::InputParam("latent_timestep", "float",
                        "The timestep that represents the initial noise level for image-to-image generation. Can be "
                        "generated in set_timesteps step.")
          .set_required(),
      brick::InputParam("image_latents", "Tensor",
                        "The latents representing the reference image for image-to-image generation. Can be "
                        "generated in vae_encode step.")
          .set_required(),
      brick::InputParam("batch_size", "int",
                        "Number of prompts, the final batch size of model inputs should be batch_size * "
                        "num_images_per_prompt. Can be generated in input step.")
          .set_required()};
}

std::vector<brick::OutputParam> Img2ImgPrepareLatentsStep::intermediate_outputs() const {
  return {brick::OutputParam("latents", "Tensor", "The initial latents to use for the denoising process")};
}

void Img2ImgPrepareLatentsStep::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  if (!block_state["latents"].is_none()) {
    // diffusers: latents given are the starting point as they are.
    set_block_state(state, block_state);
    return;
  }
  at::Device device = brick::torch_device(components.device());
  at::Tensor image_latents = block_state.get<at::Tensor>("image_latents").to(device, at::kFloat);
  int64_t batch_size = block_state.get<int64_t>("batch_size") * block_state.get<int64_t>("num_images_per_prompt");
  if (image_latents.dim() < 1 || image_latents.size(0) < 1) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "image_latents has no batch dimension");
  }
  int64_t images = image_latents.size(0);
  if (batch_size > images) {
    if (batch_size % images != 0) {
      std::string message = "Cannot duplicate `image` of batch size ";
      message += std::to_string(images);
      message += " to ";
      message += std::to_string(batch_size);
      message += " text prompts.";
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
    }
    // torch.cat([init_latents] * k): the whole batch repeated, not each image.
    std::vector<int64_t> repeats(static_cast<size_t>(image_latents.dim()), 1);
    repeats[0] = batch_size / images;
    image_latents = image_latents.repeat(repeats);
  }

  // Drawn on the CPU, as core.PrepareLatentsStep does, so that a seed gives
  // the same latents on every device.
  at::Generator generator = at::detail::createCPUGenerator(static_cast<uint64_t>(block_state.get<int64_t>("seed")));
  at::Tensor noise = at::randn(image_latents.sizes(), generator, at::kFloat).to(device);

  brick::ComponentRef scheduler = components.get("scheduler");
  if (scheduler.is_none()) throw brick::Error(BRICK_ERR_NOT_FOUND, "the pipeline has no 'scheduler' component loaded");
  brick::Value noised =
      scheduler.call("add_noise", brick::Value::dict()
                                      .set("original_samples", brick::Value(image_latents))
                                      .set("noise", brick::Value(noise))
                                      .set("timestep", brick::Value(timestep_value(block_state["latent_timestep"]))));
  if (!noised.ref().is_tensor()) {
    std::string message = "scheduler.add_noise returned a ";
    message += noised.ref().kind_name();
    message += ", expected a Tensor";
    throw brick::Error(BRICK_ERR_TYPE_MISMATCH, message);
  }
  block_state.set("latents", noised.ref().as<at::Tensor>());
  set_block_state(state, block_state);
}

}  // namespace image
