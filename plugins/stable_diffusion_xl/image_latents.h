// What the image-to-image and inpainting blocks share with diffusers'
// copies of one another's helpers (_encode_vae_image, prepare_mask_latents):
// an image through the vae to scaled latents, sampled from the generator the
// caller holds (so that several encodes continue one stream), and the mask
// (with the masked image latents) sized and repeated to the batch.
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <brick/sdk.h>

#include <optional>
#include <string>

namespace stable_diffusion_xl {

// _encode_vae_image: vae.encode(image).latent_dist.sample(generator), in
// float32 for a vae with force_upcast, then in the image's dtype:
// (x - latents_mean) * scaling_factor / latents_std when the vae has them,
// else x * scaling_factor (and - shift_factor first when the vae has one).
at::Tensor encode_vae_image(const brick::Components& components, const at::Tensor& image, at::Generator& generator,
                            const std::string& block);

struct MaskLatents {
  at::Tensor mask;
  std::optional<at::Tensor> masked_image_latents;
};

// prepare_mask_latents: the mask resized (nearest) to the latents' size
// height / vae_scale_factor x width / vae_scale_factor, the masked image
// encoded unless it already has 4 channels (latents), both repeated to
// batch_size and moved to the device and dtype.
MaskLatents prepare_mask_latents(const brick::Components& components, const at::Tensor& mask,
                                 const std::optional<at::Tensor>& masked_image, int64_t batch_size, int64_t height,
                                 int64_t width, at::ScalarType dtype, at::Device device, at::Generator& generator,
                                 const std::string& block);

}  // namespace stable_diffusion_xl
