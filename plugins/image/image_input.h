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

}  // namespace image
