#include "vae_encoder.h"

#include <ATen/TensorOperators.h>

#include <optional>
#include <string>

#include "conversions.h"
#include "image_input.h"

namespace image {

namespace {

// The vae's config `scaling_factor` and `shift_factor`, read through its
// `config` method (the contract's vae answers it). A vae type without a
// `config` method, or without the keys, has the identity values 1.0 and 0.
struct LatentScale {
  double scaling_factor = 1.0;
  double shift_factor = 0.0;
};

LatentScale latent_scale(const brick::ComponentRef& vae) {
  brick::Value config;
  try {
    config = vae.call("config");
  } catch (const brick::Error& e) {
    if (e.status() == BRICK_ERR_UNKNOWN_METHOD) return {};
    throw;
  }
  LatentScale scale;
  if (config.ref().kind() != BRICK_VALUE_DICT) return scale;
  brick::ValueRef factor = config.ref()["scaling_factor"];
  brick::ValueRef shift = config.ref()["shift_factor"];
  if (!factor.is_none()) scale.scaling_factor = factor.as<double>();
  if (!shift.is_none()) scale.shift_factor = shift.as<double>();
  return scale;
}

// The latents of vae.encode's answer: diffusers' latent distribution
// {"mean", "logvar"}, of which this step takes the mean (retrieve_latents'
// sample_mode "argmax"): deterministic, and the generator's stream is left
// to the noise alone. A plain tensor answer is taken as it is.
at::Tensor latents_of(const brick::Value& encoded) {
  brick::ValueRef ref = encoded.ref();
  if (ref.is_tensor()) return ref.as<at::Tensor>();
  if (ref.kind() == BRICK_VALUE_DICT && ref["mean"].is_tensor()) return ref["mean"].as<at::Tensor>();
  std::string message = "vae.encode returned a ";
  message += ref.kind() == BRICK_VALUE_DICT ? "dict without a 'mean' tensor" : ref.kind_name();
  message += ", expected the latent distribution {\"mean\", \"logvar\"} or a Tensor";
  throw brick::Error(BRICK_ERR_TYPE_MISMATCH, message);
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
  brick::Value encoded = vae.call("encode", brick::Value::dict().set("sample", brick::Value(images)));
  const LatentScale scale = latent_scale(vae);
  at::Tensor latents = latents_of(encoded).to(device);
  // diffusers: (latents - shift_factor) * scaling_factor, the shift where the config has one.
  if (scale.shift_factor != 0.0) latents = latents - scale.shift_factor;
  latents = latents * scale.scaling_factor;

  block_state.set("image_latents", latents);
  block_state.set("height", images.size(2));
  block_state.set("width", images.size(3));
  set_block_state(state, block_state);
}

}  // namespace image
