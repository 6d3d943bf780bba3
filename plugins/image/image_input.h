// The forms an `image` input may take, turned into one: a float32
// (N, 3, H, W) tensor in [0, 1].
#pragma once

#include <ATen/core/Tensor.h>
#include <brick/sdk.h>

#include <cstdint>
#include <optional>

namespace image {

// `value` is a path to a PNG file (str), an image tensor (uint8 HWC/NHWC or
// float CHW/NCHW in [0, 1], see conversions.h), or a list of those. Each is
// resized to height x width when given, else (for a list) to the first
// image's size, so that a list concatenates into one batch. `what` names the
// input in errors.
at::Tensor images_from_value(brick::ValueRef value, std::optional<int64_t> height, std::optional<int64_t> width,
                             const char* what);

// The same forms as one-channel images, as diffusers' VaeImageProcessor with
// do_convert_grayscale takes a mask: a PNG or a uint8 image tensor through
// PIL's convert("L") (uint8_to_grayscale); a float tensor (N, H, W) gets
// its channel axis, (N, C, H, W) is kept as it is (diffusers converts only
// PIL images). Float32 in [0, 1].
at::Tensor grayscale_images_from_value(brick::ValueRef value, std::optional<int64_t> height,
                                       std::optional<int64_t> width, const char* what);

}  // namespace image
