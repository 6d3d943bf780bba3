#include "vae_encoder.h"

#include <ATen/TensorOperators.h>

#include <optional>
#include <string>

#include "conversions.h"
#include "image_input.h"

namespace image {

namespace {

// The vae's config `scaling_factor`, read through its `config` method (the
// contract's vae answers it). A vae type without a `config` method, or
// without the key, has diffusers' identity-codec value 1.0.
double scaling_factor(const brick::ComponentRef& vae) {
  brick::Value config;
  try {
    config = vae.call("config");
  } catch (const brick::Error& e) {
    if (e.status() == BRICK_ERR_UNKNOWN_METHOD) return 1.0;
    throw;
  }
  brick::ValueRef factor = config.ref().kind() == BRICK_VALUE_DICT ? config.ref()["scaling_factor"] : brick::ValueRef();
  return factor.is_none() ? 1.0 : factor.as<double>();
}

}  // namespace

std::string VaeEncoderStep::description() const {
  return "Vae Encoder step that encodes the input image into a latent representation";
}

std::vector<brick::ComponentSpec> VaeEncoderStep::expected_components() const {
  return {brick::ComponentSpec("vae", "shapes.PixelAutoencoder", "The autoencoder that encodes images to latents.")};
}

std::vector<brick::InputParam> VaeEncoderStep::inputs() const {
  return {brick::InputParam("image", "str | Tensor | list",
                            "The image to encode: a path to a PNG file, a uint8 tensor (H, W, C) or (N, H, W, C), a "
                            "float tensor (N, 3, H, W) in [0, 1], or a list of those.")
              .set_required(),
          brick::InputParam("height", "int", "The height in pixels of the image to encode; defaults to the image's."),
          brick::InputParam("width", "int", "The width in pixels of the image to encode; defaults to the image's.")};
}

std::vector<brick::OutputParam> VaeEncoderStep::intermediate_outputs() const {
  return {brick::OutputParam("image_latents", "Tensor",
                             "The latents representing the reference image for image-to-image generation"),
          brick::OutputParam("height", "int", "The height in pixels of the encoded image"),
          brick::OutputParam("width", "int", "The width in pixels of the encoded image")};
}

void VaeEncoderStep::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  at::Device device = brick::torch_device(components.device());
  at::Tensor images = images_from_value(block_state["image"], block_state.get<std::optional<int64_t>>("height"),
                                        block_state.get<std::optional<int64_t>>("width"), "image");
  images = normalize(images.to(device));

  brick::ComponentRef vae = components.get("vae");
  if (vae.is_none()) throw brick::Error(BRICK_ERR_NOT_FOUND, "the pipeline has no 'vae' component loaded");
  brick::Value encoded = vae.call("encode", brick::Value::dict().set("images", brick::Value(images)));
  if (!encoded.ref().is_tensor()) {
    std::string message = "vae.encode returned a ";
    message += encoded.ref().kind_name();
    message += ", expected a Tensor";
    throw brick::Error(BRICK_ERR_TYPE_MISMATCH, message);
  }
  at::Tensor latents = encoded.ref().as<at::Tensor>().to(device) * scaling_factor(vae);

  block_state.set("image_latents", latents);
  block_state.set("height", images.size(2));
  block_state.set("width", images.size(3));
  set_block_state(state, block_state);
}

}  // namespace image
