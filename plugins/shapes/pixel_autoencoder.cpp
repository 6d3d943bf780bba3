#include "pixel_autoencoder.h"

#include <ATen/ops/avg_pool2d.h>
#include <ATen/ops/full_like.h>
#include <ATen/ops/upsample_bilinear2d.h>

#include "config_values.h"

namespace shapes {

namespace {

void check_nchw(const at::Tensor& t, const char* what) {
  if (!t.defined() || t.dim() != 4 || t.size(1) != 3) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, concat(what, " must be a [B, 3, H, W] tensor"));
  }
}

}  // namespace

PixelAutoencoder::PixelAutoencoder(brick::ValueRef config)
    : scaling_factor_(value_or<double>(config, "scaling_factor", 1.0)),
      downsample_factor_(value_or<int64_t>(config, "downsample_factor", 1)) {
  if (downsample_factor_ < 1) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "downsample_factor must be at least 1");
  if (!(scaling_factor_ > 0.0)) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "scaling_factor must be positive");
}

brick::Value PixelAutoencoder::config() const {
  // block_out_channels has one entry per resolution level, as diffusers'
  // AutoencoderKL: code computing vae_scale_factor = 2 ** (len - 1) gets the
  // downsample factor (for powers of two) without knowing this type.
  std::vector<int64_t> block_out_channels{3};
  for (int64_t f = downsample_factor_; f > 1 && f % 2 == 0; f /= 2) block_out_channels.push_back(3);
  brick::Value config = brick::Value::dict();
  config.set("_class_name", "PixelAutoencoder");
  config.set("scaling_factor", scaling_factor_);
  config.set("downsample_factor", downsample_factor_);
  config.set("in_channels", int64_t{3});
  config.set("out_channels", int64_t{3});
  config.set("latent_channels", int64_t{3});
  config.set("block_out_channels", block_out_channels);
  return config;
}

at::Tensor PixelAutoencoder::encode(const at::Tensor& images) const {
  check_nchw(images, "images");
  if (downsample_factor_ == 1) return images.clone();  // a copy, as a real encoder's output is
  const int64_t f = downsample_factor_;
  if (images.size(2) % f != 0 || images.size(3) % f != 0) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       concat("image size must be a multiple of downsample_factor ", std::to_string(f)));
  }
  return at::avg_pool2d(images, {f, f});
}

at::Tensor PixelAutoencoder::decode(const at::Tensor& latents) const {
  check_nchw(latents, "latents");
  if (downsample_factor_ == 1) return latents.clone();
  return at::upsample_bilinear2d(latents, {latents.size(2) * downsample_factor_, latents.size(3) * downsample_factor_},
                                 /*align_corners=*/false);
}

brick::Value PixelAutoencoder::call(const std::string& method, brick::ValueRef args) {
  if (method == "encode") {
    at::Tensor mean = encode(required<at::Tensor>(args, "sample", "encode"));
    at::Tensor logvar = at::full_like(mean, -30.0);
    return brick::Value::dict().set("mean", mean).set("logvar", logvar);
  }
  if (method == "decode") {
    const bool z = args.kind() == BRICK_VALUE_DICT && !args["z"].is_none();
    return brick::Value(decode(required<at::Tensor>(args, z ? "z" : "latents", "decode")));
  }
  if (method == "config") return config();
  return brick::ComponentType::call(method, args);
}

}  // namespace shapes
