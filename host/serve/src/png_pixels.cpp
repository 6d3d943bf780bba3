#include "png_pixels.h"

#include <stdexcept>

#ifdef BRICK_SERVE_PNG
#include <png.h>
#endif

namespace brick::serve {

#ifdef BRICK_SERVE_PNG

bool can_decode_png() { return true; }

Pixels decode_png(const std::string& bytes, const std::string& what) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()))
    throw std::runtime_error(what + ": not a readable PNG (" + image.message + ")");
  image.format = PNG_FORMAT_RGB;  // gray is replicated, alpha dropped, palettes expanded
  Pixels pixels;
  pixels.height = image.height;
  pixels.width = image.width;
  pixels.rgb.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, pixels.rgb.data(), 0, nullptr)) {
    std::string why = image.message;
    png_image_free(&image);
    throw std::runtime_error(what + ": cannot decode the PNG (" + why + ")");
  }
  return pixels;
}

#else

bool can_decode_png() { return false; }

Pixels decode_png(const std::string&, const std::string& what) {
  throw std::runtime_error(what + ": this build of brick serve has no libpng to decode PNG images");
}

#endif

}  // namespace brick::serve
