// shapes.PixelAutoencoder (the pipeline's `vae`): the seam where a real VAE
// plugs in. The shapes denoiser works in pixel space, so the codec is the
// identity (downsample_factor 1, the default): encode returns the images,
// decode the latents. With downsample_factor f > 1 it becomes a crude but
// honest latent space: encode averages f x f blocks, decode upsamples
// bilinearly; the closed-form denoiser resizes its dataset to any latent size,
// so the pipeline still works, and vae_scale_factor logic gets exercised.
//
// As in diffusers, encode and decode do not apply scaling_factor: the blocks
// multiply latents by it after encoding and divide before decoding.
//
// Methods, with diffusers' AutoencoderKL names: encode({sample: Tensor[B,3,H,W]
// in [-1,1]}) -> {"mean", "logvar"} (the latent distribution; a deterministic
// codec's: logvar is -30, the lowest diffusers' DiagonalGaussianDistribution
// keeps, so a sample is the mean up to 3e-7), decode({z}) -> images in
// [-1,1] ("latents" is accepted for z, core.DecodeStep's keyword), config().
#pragma once

#include <cstdint>

#include <ATen/core/Tensor.h>
#include <brick/sdk.h>

namespace shapes {

class PixelAutoencoder : public brick::ComponentType {
 public:
  explicit PixelAutoencoder(brick::ValueRef config);

  brick::Value call(const std::string& method, brick::ValueRef args) override;
  brick::Value config() const override;

  at::Tensor encode(const at::Tensor& images) const;
  at::Tensor decode(const at::Tensor& latents) const;

 private:
  double scaling_factor_;
  int64_t downsample_factor_;
};

}  // namespace shapes
