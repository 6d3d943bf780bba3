#include "vae_image_processor.h"

#include <optional>
#include <string>

#include "conversions.h"
#include "image_input.h"

namespace image {

namespace {

brick::ValueRef entry(brick::ValueRef args, const char* key) {
  return args.kind() == BRICK_VALUE_DICT ? args[key] : brick::ValueRef();
}

std::optional<int64_t> optional_int(brick::ValueRef args, const char* key) {
  brick::ValueRef v = entry(args, key);
  if (v.is_none()) return std::nullopt;
  return v.as<int64_t>();
}

}  // namespace

VaeImageProcessor::VaeImageProcessor(brick::ValueRef config) {
  if (config.kind() != BRICK_VALUE_DICT) return;
  if (!config["vae_scale_factor"].is_none()) vae_scale_factor_ = config["vae_scale_factor"].as<int64_t>();
  if (!config["do_resize"].is_none()) do_resize_ = config["do_resize"].as<bool>();
  if (!config["do_normalize"].is_none()) do_normalize_ = config["do_normalize"].as<bool>();
  if (!config["do_binarize"].is_none()) do_binarize_ = config["do_binarize"].as<bool>();
  if (!config["do_convert_rgb"].is_none()) do_convert_rgb_ = config["do_convert_rgb"].as<bool>();
  if (!config["do_convert_grayscale"].is_none()) do_convert_grayscale_ = config["do_convert_grayscale"].as<bool>();
  if (do_convert_rgb_ && do_convert_grayscale_) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       "VaeImageProcessor: `do_convert_rgb` and `do_convert_grayscale` can not both be set to `True`");
  }
  if (vae_scale_factor_ < 1) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "VaeImageProcessor: vae_scale_factor must be at least 1, got " +
                                                       std::to_string(vae_scale_factor_));
  }
}

brick::Value VaeImageProcessor::config() const {
  return brick::Value::dict()
      .set("_class_name", brick::Value("VaeImageProcessor"))
      .set("vae_scale_factor", brick::Value(vae_scale_factor_))
      .set("do_resize", brick::Value(do_resize_))
      .set("do_normalize", brick::Value(do_normalize_))
      .set("do_binarize", brick::Value(do_binarize_))
      .set("do_convert_rgb", brick::Value(do_convert_rgb_))
      .set("do_convert_grayscale", brick::Value(do_convert_grayscale_));
}

brick::Value VaeImageProcessor::call(const std::string& method, brick::ValueRef args) {
  if (method == "preprocess") {
    brick::ValueRef images = entry(args, "image");
    if (images.is_none()) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "VaeImageProcessor.preprocess: image is None");
    std::optional<int64_t> height = optional_int(args, "height");
    std::optional<int64_t> width = optional_int(args, "width");
    brick::ValueRef resize_mode = entry(args, "resize_mode");
    if (!resize_mode.is_none() &&
        (resize_mode.kind() != BRICK_VALUE_STRING || resize_mode.as<std::string>() != "default")) {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                         "VaeImageProcessor.preprocess: resize_mode " +
                             (resize_mode.kind() == BRICK_VALUE_STRING ? "'" + resize_mode.as<std::string>() + "'"
                                                                       : std::string(resize_mode.kind_name())) +
                             " is not supported (only \"default\"; diffusers does \"fill\" and \"crop\" with PIL)");
    }
    if (!entry(args, "crops_coords").is_none()) {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                         "VaeImageProcessor.preprocess: crops_coords is not supported (diffusers crops PIL images "
                         "for padding_mask_crop); pass None");
    }
    const char* what = "VaeImageProcessor.preprocess image";
    at::Tensor out = do_convert_grayscale_ ? grayscale_images_from_value(images, std::nullopt, std::nullopt, what)
                                           : images_from_value(images, std::nullopt, std::nullopt, what);
    // get_default_height_width: the given size, else the image's, each
    // rounded down to a multiple of vae_scale_factor.
    int64_t h = height.value_or(out.size(2));
    int64_t w = width.value_or(out.size(3));
    h -= h % vae_scale_factor_;
    w -= w % vae_scale_factor_;
    if (h < 1 || w < 1) {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                         "VaeImageProcessor.preprocess: the image is smaller than vae_scale_factor " +
                             std::to_string(vae_scale_factor_));
    }
    if (do_resize_) out = resize(out, h, w);
    if (do_normalize_) out = normalize(out);
    if (do_binarize_) out = binarize(out);
    return brick::Value(out);
  }
  if (method == "postprocess") {
    brick::ValueRef image = entry(args, "image");
    if (!image.is_tensor()) {
      throw brick::Error(
          BRICK_ERR_TYPE_MISMATCH,
          std::string("VaeImageProcessor.postprocess: image must be a Tensor, got ") + image.kind_name());
    }
    brick::ValueRef type = entry(args, "output_type");
    const std::string output_type = type.is_none() ? std::string("pil") : type.as<std::string>();
    if (output_type == "latent") return brick::Value::retain(image);
    at::Tensor t = image.as<at::Tensor>();
    return brick::Value(do_normalize_ ? denormalize(t) : t);
  }
  if (method == "config") return config();
  return brick::ComponentType::call(method, args);
}

}  // namespace image
