// Reading PNG files with libpng into the one layout the plugin works in:
// an RGB uint8 tensor of shape (H, W, 3), on the CPU.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace image {

// Reads the PNG at `path`. 8-bit (and lower) gray, gray+alpha, RGB, RGBA and
// palette images become RGB: gray is replicated, palettes are expanded,
// alpha (and tRNS transparency) is dropped, 16-bit samples keep their high
// byte. Interlaced files are read too. Every failure (missing file, not a
// PNG, corrupt or truncated data) throws brick::Error naming the file and the
// problem.
at::Tensor read_png(const std::string& path);

}  // namespace image
