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
      .set("do_normalize", brick::Value(do_normalize_));
}

brick::Value VaeImageProcessor::call(const std::string& method, brick::ValueRef args) {
  if (method == "preprocess") {
    brick::ValueRef images = entry(args, "image");
    if (images.is_none()) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "VaeImageProcessor.preprocess: image is None");
    std::optional<int64_t> height = optional_int(args, "height");
    std::optional<int64_t> width = optional_int(args, "width");
    at::Tensor out = images_from_value(images, std::nullopt, std::nullopt, "VaeImageProcessor.preprocess image");
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
    return brick::Value(do_normalize_ ? normalize(out) : out);
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
