// Fuzzes the image plugin's PNG reader (plugins/image/png_read.cpp, through
// libpng): corrupt, truncated and oversized files must end in brick::Error
// naming the file; a decompression bomb is refused before allocating.
#include <cstddef>
#include <cstdint>

#include <brick/sdk/error.h>

#include "fuzz_file.h"
#include "png_read.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = brick::fuzz::write_input("image.png", data, size);
  try {
    at::Tensor image = image::read_png(path.string());
    if (image.dim() != 3 || image.size(2) != 3) __builtin_trap();
  } catch (const brick::Error&) {
  }
  return 0;
}
