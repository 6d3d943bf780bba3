#include "image_latents.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/exp.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/upsample_nearest2d.h>
#include <c10/util/StringUtil.h>

#include <vector>

#include "support.h"

namespace stable_diffusion_xl {

at::Tensor encode_vae_image(const brick::Components& components, const at::Tensor& image, at::Generator& generator,
                            const std::string& block) {
  brick::ComponentRef vae = require_component(components, "vae", block);
  brick::Value config = component_config(components, "vae", block);
  const at::ScalarType vae_dtype = component_dtype(vae);
  const at::ScalarType dtype = image.scalar_type();
  at::Tensor input = image;
  // A float16 vae overflows; force_upcast encodes in float32.
  const bool force_upcast = !config.ref()["force_upcast"].is_none() && config.ref()["force_upcast"].as<bool>();
  if (force_upcast) {
    input = input.to(at::kFloat);
    if (vae_dtype != at::kFloat) vae.call("to", brick::Value::dict().set("dtype", brick::Value("float32")));
  }
  brick::Value encoded = vae.call("encode", brick::Value::dict().set("sample", brick::Value(input)));
  // retrieve_latents(sample_mode="sample"): latent_dist.sample(generator).
  at::Tensor mean = encoded.ref()["mean"].as<at::Tensor>();
  at::Tensor logvar = encoded.ref()["logvar"].as<at::Tensor>().clamp(-30.0, 20.0);
  at::Tensor latents =
      mean + at::exp(logvar * 0.5) * randn_tensor(mean.sizes(), generator, mean.scalar_type(), mean.device());
  if (force_upcast && vae_dtype != at::kFloat) {
    vae.call("to", brick::Value::dict().set("dtype", brick::Value(dtype_name(vae_dtype))));
  }
  latents = latents.to(dtype);

  const double scaling_factor = config.ref()["scaling_factor"].as<double>();
  brick::ValueRef latents_mean = config.ref()["latents_mean"];
  brick::ValueRef latents_std = config.ref()["latents_std"];
  brick::ValueRef shift = config.ref()["shift_factor"];
  if (!latents_mean.is_none() && !latents_std.is_none()) {
    at::Tensor m = at::tensor(latents_mean.as<std::vector<double>>()).view({1, -1, 1, 1}).to(latents.options());
    at::Tensor s = at::tensor(latents_std.as<std::vector<double>>()).view({1, -1, 1, 1}).to(latents.options());
    return (latents - m) * scaling_factor / s;
  }
  // diffusers' SDXL step has no shift; a vae with a shift_factor (Flux's,
  // SD3's) is encoded as their pipelines do: (x - shift) * scale.
  if (!shift.is_none()) latents = latents - shift.as<double>();
  return latents * scaling_factor;
}

namespace {

at::Tensor repeat_to_batch(const at::Tensor& t, int64_t batch_size, const std::string& block, const char* what) {
  if (t.size(0) >= batch_size) return t;
  if (batch_size % t.size(0) != 0) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str(block, ": The passed ", what,
                                " and the required batch size don't match. They are supposed to be duplicated to a "
                                "total batch size of ",
                                batch_size, ", but ", t.size(0), " were passed. Make sure the number of ", what,
                                " that you pass is divisible by the total requested batch size."));
  }
  return t.repeat({batch_size / t.size(0), 1, 1, 1});
}

}  // namespace

MaskLatents prepare_mask_latents(const brick::Components& components, const at::Tensor& mask,
                                 const std::optional<at::Tensor>& masked_image, int64_t batch_size, int64_t height,
                                 int64_t width, at::ScalarType dtype, at::Device device, at::Generator& generator,
                                 const std::string& block) {
  if (mask.dim() != 4) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str(block, ": mask must be a (N, 1, H, W) tensor, got ", mask.dim(), " dimensions"));
  }
  const int64_t scale = vae_scale_factor(components, block);
  // torch.nn.functional.interpolate(mask, size=...): nearest.
  at::Tensor m = at::upsample_nearest2d(mask, {height / scale, width / scale}).to(device, dtype);
  MaskLatents out{repeat_to_batch(m, batch_size, block, "masks"), std::nullopt};
  if (!masked_image) return out;
  at::Tensor latents = masked_image->size(1) == 4
                           ? *masked_image
                           : encode_vae_image(components, masked_image->to(device, dtype), generator, block);
  out.masked_image_latents = repeat_to_batch(latents, batch_size, block, "images").to(device, dtype);
  return out;
}

}  // namespace stable_diffusion_xl
