// PNG files back to pixels, for the Open Inference Protocol's UINT8
// [N, H, W, 3] image outputs: the very PNG a run wrote (and GET
// /runs/{id}/images/{k}.png serves), decoded with libpng's simplified API.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace brick::serve {

struct Pixels {
  uint32_t height = 0, width = 0;
  std::vector<uint8_t> rgb;  // height * width * 3, row-major
};

// Whether this build decodes PNG (libpng was found when it was configured).
bool can_decode_png();
// Decodes `bytes` to 8-bit RGB; throws std::runtime_error naming `what` and
// libpng's reason.
Pixels decode_png(const std::string& bytes, const std::string& what);

}  // namespace brick::serve
