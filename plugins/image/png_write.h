// Writing RGB uint8 images as PNG files with libpng.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace image {

// Writes `image`, a uint8 tensor of shape (H, W, 3) on any device, as an
// 8-bit RGB PNG at `path`. The file appears whole or not at all: the data
// goes to a temporary file beside it, which is renamed over `path` once
// written and closed (a reader never sees half a PNG, an existing file is
// replaced atomically). The parent folder must exist. Throws brick::Error
// naming the file and the problem.
void write_png(const std::string& path, const at::Tensor& image);

}  // namespace image
