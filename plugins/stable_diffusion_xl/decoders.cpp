#include "decoders.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/tensor.h>

#include <string>
#include <vector>

#include "support.h"

namespace stable_diffusion_xl {

namespace {
const char* const kBlock = "stable_diffusion_xl.StableDiffusionXLDecodeStep";
}

std::string StableDiffusionXLDecodeStep::description() const {
  return "Step that decodes the denoised latents into images";
}

std::vector<brick::ComponentSpec> StableDiffusionXLDecodeStep::expected_components() const {
  return {specs::vae(), specs::image_processor()};
}

std::vector<brick::InputParam> StableDiffusionXLDecodeStep::inputs() const {
  return {brick::InputParam("output_type").with_default(std::string("pil")),
          brick::InputParam("latents", "Tensor", "The denoised latents from the denoising step").set_required()};
}

std::vector<brick::OutputParam> StableDiffusionXLDecodeStep::intermediate_outputs() const {
  return {brick::OutputParam("images", "list | list | list",
                             "The generated images, can be a PIL.Image.Image, torch.Tensor or a numpy array")};
}

void StableDiffusionXLDecodeStep::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  const std::string output_type =
      block_state["output_type"].is_none() ? std::string("pil") : block_state.get<std::string>("output_type");
  at::Tensor latents = block_state.get<at::Tensor>("latents");
  at::Tensor images = latents;
  if (output_type != "latent") {
    brick::ComponentRef vae = require_component(components, "vae", kBlock);
    brick::Value config = component_config(components, "vae", kBlock);
    const at::ScalarType vae_dtype = component_dtype(vae);
    // A float16 vae overflows; force_upcast decodes in float32.
    const bool needs_upcasting =
        vae_dtype == at::kHalf && !config.ref()["force_upcast"].is_none() && config.ref()["force_upcast"].as<bool>();
    if (needs_upcasting) {
      vae.call("to", brick::Value::dict().set("dtype", brick::Value("float32")));
      latents = latents.to(at::kFloat);
    } else {
      latents = latents.to(vae_dtype);
    }
    const double scaling_factor = config.ref()["scaling_factor"].as<double>();
    brick::ValueRef latents_mean = config.ref()["latents_mean"];
    brick::ValueRef latents_std = config.ref()["latents_std"];
    brick::ValueRef shift = config.ref()["shift_factor"];
    if (!latents_mean.is_none() && !latents_std.is_none()) {
      at::Tensor m = at::tensor(latents_mean.as<std::vector<double>>()).view({1, -1, 1, 1}).to(latents.options());
      at::Tensor s = at::tensor(latents_std.as<std::vector<double>>()).view({1, -1, 1, 1}).to(latents.options());
      latents = latents * s / scaling_factor + m;
    } else {
      // diffusers' SDXL step divides by scaling_factor; a vae with a
      // shift_factor (none of SD's or SDXL's has one) gets it added back,
      // as the pipelines of the models that have one do.
      latents = latents / scaling_factor;
      if (!shift.is_none()) latents = latents + shift.as<double>();
    }
    images = tensor_result(vae.call("decode", brick::Value::dict().set("z", brick::Value(latents))), "vae.decode");
    if (needs_upcasting) vae.call("to", brick::Value::dict().set("dtype", brick::Value("float16")));
  }
  brick::ComponentRef image_processor = require_component(components, "image_processor", kBlock);
  brick::Value out = image_processor.call(
      "postprocess",
      brick::Value::dict().set("image", brick::Value(images)).set("output_type", brick::Value(output_type)));
  block_state.set("images", brick::Value::retain(out.ref()));
  set_block_state(state, block_state);
}

// --- StableDiffusionXLInpaintOverlayMaskStep --------------------------------

std::string StableDiffusionXLInpaintOverlayMaskStep::description() const {
  return "A post-processing step that overlays the mask on the image (inpainting task only).\n"
         "only needed when you are using the `padding_mask_crop` option when pre-processing the image and mask";
}

std::vector<brick::ComponentSpec> StableDiffusionXLInpaintOverlayMaskStep::expected_components() const {
  return {specs::image_processor()};
}

std::vector<brick::InputParam> StableDiffusionXLInpaintOverlayMaskStep::inputs() const {
  return {brick::InputParam("image"), brick::InputParam("mask_image"), brick::InputParam("padding_mask_crop"),
          brick::InputParam("images", "list | list | list", "The generated images from the decode step"),
          brick::InputParam("crops_coords", "tuple",
                            "The crop coordinates to use for preprocess/postprocess the image and mask, for "
                            "inpainting task only. Can be generated in vae_encode step.")};
}

void StableDiffusionXLInpaintOverlayMaskStep::operator()(brick::Components&, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  if (!block_state["padding_mask_crop"].is_none() && !block_state["crops_coords"].is_none()) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       "stable_diffusion_xl.StableDiffusionXLInpaintOverlayMaskStep: padding_mask_crop is not "
                       "supported (diffusers pastes the crop into the PIL image with apply_overlay); pass None");
  }
  set_block_state(state, block_state);
}

}  // namespace stable_diffusion_xl
