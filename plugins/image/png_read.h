// Reading PNG files with libpng into the one layout the plugin works in:
// an RGB uint8 tensor of shape (H, W, 3), on the CPU.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace image {

// Reads the PNG at `path`. 8-bit (and lower) gray, gray+alpha, RGB, RGBA and
// palette images become RGB: gray is replicated, palettes are expanded,
// alpha (and tRNS transparency) is dropped, 16-bit samples keep their high
// byte. Interlaced files are read too. Every failure (missing file, not a
// PNG, corrupt or truncated data) throws brick::Error naming the file and the
// problem. An image whose RGB pixels would take more than
// kMaxDecodedPngBytes is refused from its header, before anything is
// allocated or inflated (a decompression bomb), with a message giving its size.
at::Tensor read_png(const std::string& path);

// 512 MiB: a 13000 x 13000 RGB image; far beyond what a diffusion pipeline takes.
inline constexpr uint64_t kMaxDecodedPngBytes = uint64_t{512} << 20;

}  // namespace image
