#include "image_input.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/cat.h>

#include <string>
#include <vector>

#include "conversions.h"
#include "png_read.h"

namespace image {

namespace {

at::Tensor one_image(brick::ValueRef value, const char* what) {
  if (value.kind() == BRICK_VALUE_STRING) return uint8_to_float(read_png(value.as<std::string>()));
  if (value.is_tensor()) return to_float_nchw(value.as<at::Tensor>(), what);
  std::string message = what;
  message += ": expected a PNG path (str), an image tensor or a list of those, got ";
  message += value.kind_name();
  throw brick::Error(BRICK_ERR_TYPE_MISMATCH, message);
}

at::Tensor one_grayscale_image(brick::ValueRef value, const char* what) {
  at::Tensor t;
  if (value.kind() == BRICK_VALUE_STRING) {
    t = read_png(value.as<std::string>());
  } else if (value.is_tensor()) {
    t = value.as<at::Tensor>();
    if (t.is_floating_point()) {
      // (N, H, W) or (1, H, W): the channel axis inserted at 1, as diffusers does.
      if (t.dim() == 3) return t.unsqueeze(1).to(at::kFloat).contiguous();
      if (t.dim() == 4) return t.to(at::kFloat).contiguous();
    }
  } else {
    std::string message = what;
    message += ": expected a PNG path (str), an image tensor or a list of those, got ";
    message += value.kind_name();
    throw brick::Error(BRICK_ERR_TYPE_MISMATCH, message);
  }
  if (t.scalar_type() != at::kByte) return to_float_nchw(t, what);  // refuses it, naming what is accepted
  at::Tensor nhwc = t.dim() == 3 ? t.unsqueeze(0) : t;
  if (nhwc.dim() != 4 || (nhwc.size(3) != 1 && nhwc.size(3) != 3 && nhwc.size(3) != 4)) {
    return to_float_nchw(t, what);  // refuses it
  }
  return (uint8_to_grayscale(nhwc).permute({0, 3, 1, 2}).to(at::kFloat) / 255.0).contiguous();
}

at::Tensor concat_resized(std::vector<at::Tensor> images, std::optional<int64_t> height, std::optional<int64_t> width) {
  // diffusers' get_default_height_width: the first image's size when not given.
  int64_t h = height.value_or(images.front().size(2));
  int64_t w = width.value_or(images.front().size(3));
  for (at::Tensor& image : images) {
    image = resize(image.to(images.front().device()), h, w);
  }
  return images.size() == 1 ? images.front() : at::cat(images, 0);
}

// One image or a list of them (each read by `one`), resized and stacked.
at::Tensor stacked_images(brick::ValueRef value, std::optional<int64_t> height, std::optional<int64_t> width,
                          const char* what, at::Tensor (*one)(brick::ValueRef, const char*)) {
  std::vector<at::Tensor> images;
  if (value.kind() == BRICK_VALUE_LIST) {
    if (value.size() == 0) {
      std::string message = what;
      message += ": the list of images is empty";
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
    }
    for (size_t i = 0; i < value.size(); ++i) images.push_back(one(value[i], what));
  } else {
    images.push_back(one(value, what));
  }
  return concat_resized(std::move(images), height, width);
}

}  // namespace

at::Tensor grayscale_images_from_value(brick::ValueRef value, std::optional<int64_t> height,
                                       std::optional<int64_t> width, const char* what) {
  return stacked_images(value, height, width, what, one_grayscale_image);
}

at::Tensor images_from_value(brick::ValueRef value, std::optional<int64_t> height, std::optional<int64_t> width,
                             const char* what) {
  return stacked_images(value, height, width, what, one_image);
}

}  // namespace image
